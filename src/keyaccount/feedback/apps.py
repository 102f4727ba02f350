from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "keyaccount.feedback"
    label = "feedback"
    verbose_name = _("Client feedback")

    def ready(self):
        from keyaccount.feedback import queries, reminders

        queries.register_panels()
        reminders.register()
