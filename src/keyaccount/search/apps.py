from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "keyaccount.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from keyaccount.accounts import erasure
        from keyaccount.search import services

        erasure.register(services.contact_erased)
