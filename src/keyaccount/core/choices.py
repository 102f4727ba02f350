"""Vocabulary shared by every app, named once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KAM = "kam", _("Key-account manager")
    HEAD = "head", _("Head of sales")
    SUPPORT = "support", _("Support agent")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")
