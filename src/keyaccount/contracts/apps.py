from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "keyaccount.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from keyaccount.contracts import panels, reminders

        panels.register()
        reminders.register()
