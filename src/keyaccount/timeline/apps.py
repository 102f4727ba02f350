from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "keyaccount.timeline"
    label = "timeline"
    verbose_name = _("Timeline")

    def ready(self):
        from keyaccount.core.signals import reminder_preferences_changed
        from keyaccount.timeline.reminders import reschedule_user

        reminder_preferences_changed.connect(lambda sender, user, **kwargs: reschedule_user(user),
                                             dispatch_uid="timeline-reschedule-reminders", weak=False)
        from keyaccount.accounts import erasure, panels
        from keyaccount.timeline.queries import account_timeline_panel, contact_timeline_panel
        from keyaccount.timeline.services import contact_erased

        erasure.register(contact_erased)

        panels.register(panels.AccountPanel(key="timeline", template="timeline/_account_panel.html",
                                            context=account_timeline_panel, order=5))
        panels.register(panels.AccountPanel(key="timeline", template="timeline/_contact_panel.html",
                                            context=contact_timeline_panel, order=5, page=panels.CONTACT_PAGE))
