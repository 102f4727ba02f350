from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "keyaccount.loyalty"
    label = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self):
        from keyaccount.loyalty import panels

        panels.register()
