"""What My day keeps of its own: the items a user put off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.workspace.choices import ItemKind


class Snooze(models.Model):
    """One item of My day hidden from one user until a moment (the next working morning, next
    week). It names the record by kind and id only: what it points to is read, with the access
    rule, from the owning app each time the page is built."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    object_id = models.BigIntegerField()
    until = models.DateTimeField(_("hidden until"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("snoozed item")
        verbose_name_plural = _("snoozed items")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "object_id"], name="snooze_user_item")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.until:%Y-%m-%d %H:%M}"
