from django.db import models
from django.utils.translation import gettext_lazy as _


class RecentKind(models.TextChoices):
    """What the global search finds and the recent items remember, in the order results show."""

    ACCOUNT = "account", _("Accounts")
    CONTACT = "contact", _("People")
    DEAL = "deal", _("Deals")
    TICKET = "ticket", _("Support tickets")


# One record of each kind, as the recent items name it.
KIND_NAMES = {
    RecentKind.ACCOUNT: _("account"),
    RecentKind.CONTACT: _("person"),
    RecentKind.DEAL: _("deal"),
    RecentKind.TICKET: _("support ticket"),
}
