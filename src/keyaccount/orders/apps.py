from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "keyaccount.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from keyaccount.accounts import panels
        from keyaccount.orders.queries import account_order_summary, account_purchase_brief

        panels.register(panels.AccountPanel(key="orders", template="orders/_account_panel.html",
                                            context=account_order_summary, order=10))
        panels.register(panels.AccountPanel(key="purchases", template="orders/_brief_section.html",
                                            context=account_purchase_brief, order=10, page=panels.BRIEF))
