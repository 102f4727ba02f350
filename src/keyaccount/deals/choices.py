from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StageOutcome(models.TextChoices):
    # A deal is feminine in Russian (сделка): open, won and lost agree with it.
    OPEN = "open", pgettext_lazy("deal", "Open")
    WON = "won", _("Won")
    LOST = "lost", pgettext_lazy("deal", "Lost")


class DealKind(models.TextChoices):
    DEAL = "deal", _("Deal")
    TENDER = "tender", _("Tender")


class LossReason(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITOR = "competitor", _("Went to a competitor")
    TIMING = "timing", _("Timing")
    NO_BUDGET = "no_budget", _("No budget")
    OTHER = "other", _("Other")


class TenderProcedure(models.TextChoices):
    AUCTION = "auction", _("Electronic auction")
    CONTEST = "contest", _("Open tender (contest)")
    QUOTATIONS = "quotations", _("Request for quotations")
    PROPOSALS = "proposals", _("Request for proposals")
    SINGLE = "single", _("Single supplier")
    OTHER = "other", _("Other")


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


# The default path of a key account, in order: code, probability (%), outcome. The names are
# translated labels until a company renames a stage.
DEFAULT_STAGES = [
    ("first_contact", 10, StageOutcome.OPEN),
    ("needs", 20, StageOutcome.OPEN),
    ("proposal", 40, StageOutcome.OPEN),
    ("negotiation", 60, StageOutcome.OPEN),
    ("contract", 80, StageOutcome.OPEN),
    ("fulfilment", 90, StageOutcome.OPEN),
    ("feedback", 95, StageOutcome.OPEN),
    ("won", 100, StageOutcome.WON),
    ("lost", 0, StageOutcome.LOST),
]
DEFAULT_STAGE_NAMES = {
    "first_contact": _("First contact"),
    "needs": _("Needs identified"),
    "proposal": _("Proposal sent"),
    "negotiation": _("Negotiation"),
    "contract": _("Contract signed"),
    "fulfilment": _("Fulfilment"),
    "feedback": _("Feedback collected"),
    "won": _("Won"),
    "lost": pgettext_lazy("deal", "Lost"),
}
