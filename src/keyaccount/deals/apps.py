from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "keyaccount.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self):
        from keyaccount.deals import panels, reminders

        panels.register()
        reminders.register()
