from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "keyaccount.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from keyaccount.core.signals import portfolio_changed
        from keyaccount.insights import panels

        panels.register()
        portfolio_changed.connect(_portfolio_changed, dispatch_uid="insights-portfolio-changed")


def _portfolio_changed(sender, **kwargs):
    """Orders or accounts changed: the kept portfolios are marked at once (the page says so) and
    counted again in the worker once the change is committed."""
    from django.db import transaction

    from keyaccount.insights import services, tasks

    if services.mark_portfolios_stale():
        transaction.on_commit(tasks.recount_portfolios)
