from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender, using, **kwargs):
    from django.db import connections

    from keyaccount.accounts import search_index

    search_index.ensure(connections[using])


class AccountsConfig(AppConfig):
    name = "keyaccount.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Infrastructure, not business logic: a later migration that rebuilds the SQLite table drops
        # the search triggers, and this puts them back after every migrate.
        post_migrate.connect(_ensure_search_index, sender=self)
