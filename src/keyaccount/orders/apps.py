from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "keyaccount.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from keyaccount.core import import_jobs
        from keyaccount.core.signals import account_moved, product_recategorised
        from keyaccount.orders import importers, panels, views

        panels.register()
        import_jobs.register("orders", import_jobs.ImportKind(
            run=importers.run_import, summary=importers.summary, result_template="orders/_order_import_result.html",
            title=_("Import orders"), back_url="orders:order_import", back_title=_("Import orders"),
            context=views.order_import_context))
        # The sales by day follow an account that changes hands and a product that changes category.
        account_moved.connect(_account_moved, dispatch_uid="orders-sales-account-moved")
        product_recategorised.connect(_product_recategorised, dispatch_uid="orders-sales-product-recategorised")


def _account_moved(sender, *, account_id, previous_owner_id, previous_team_id, **kwargs):
    from keyaccount.orders import sales

    sales.account_moved(account_id=account_id, previous_owner_id=previous_owner_id,
                        previous_team_id=previous_team_id)


def _product_recategorised(sender, *, product_id, previous, current, **kwargs):
    from keyaccount.orders import sales

    sales.product_recategorised(product_id=product_id, previous=previous, current=current)
