from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "keyaccount.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from keyaccount.insights import panels

        panels.register()
