from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated")


class Side(models.TextChoices):
    OURS = "ours", _("Ours")
    CLIENT = "client", _("The client's")


class ObligationKind(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    PAYMENT = "payment", _("Payment")
    SLA_REVIEW = "sla_review", _("SLA review")
    REPORT = "report", _("Report")
    ACCEPTANCE = "acceptance", _("Acceptance act")
    OTHER = "other", _("Other")


class ObligationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Fulfilled")
    WAIVED = "waived", _("Waived")
