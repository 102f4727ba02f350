from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "keyaccount.timeline"
    label = "timeline"
    verbose_name = _("Timeline")

    def ready(self):
        # Django's way: what needs the models loaded is imported once the registry is ready.
        from keyaccount.accounts import erasure
        from keyaccount.core import import_jobs
        from keyaccount.core.signals import reminder_preferences_changed
        from keyaccount.timeline import importers, panels, views
        from keyaccount.timeline.reminders import reschedule_user
        from keyaccount.timeline.services import contact_erased

        reminder_preferences_changed.connect(lambda sender, user, **kwargs: reschedule_user(user),
                                             dispatch_uid="timeline-reschedule-reminders", weak=False)
        erasure.register(contact_erased)
        panels.register()
        import_jobs.register("calls", import_jobs.ImportKind(
            run=importers.run_import, summary=importers.summary, result_template="timeline/_call_import_result.html",
            title=_("Import a call log"), back_url="timeline:call_import", back_title=_("Import a call log"),
            context=views.call_import_context))
