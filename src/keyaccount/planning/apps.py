from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "keyaccount.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from keyaccount.planning import panels, reminders

        panels.register()
        reminders.register()
