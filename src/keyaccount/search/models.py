from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.search.choices import RecentKind


class RecentItem(models.Model):
    """A record its user opened lately (the last ``services.RECENT_KEPT`` per user). The title is the
    record's as it was then; whether the user may still see it is asked again every time it shows."""

    # A user's own trail, of no use to anyone else: it goes with them.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recent_items")
    kind = models.CharField(_("kind"), max_length=10, choices=RecentKind.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    title = models.CharField(_("title"), max_length=300)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("recent item")
        verbose_name_plural = _("recent items")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "object_id"], name="recent_item_unique")]
        indexes = [models.Index(fields=["user", "-opened_at"], name="recent_item_user")]

    def __str__(self) -> str:
        return self.title
