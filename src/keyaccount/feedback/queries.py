"""Reads of client feedback with the access rule applied (feedback follows its account; every role
that sees the account sees what its client said, support agents included), and the loop's KPIs."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts import panels
from keyaccount.core import access, working_time
from keyaccount.core.editing import get_or_404
from keyaccount.feedback.choices import OPEN_STATUSES, OPEN_TICKET_STATUSES, FeedbackKind
from keyaccount.feedback.models import Feedback, FeedbackCategory, FeedbackLink, Survey, Ticket, UnmatchedMail

# A complaint repeats one of the same account and category received this shortly before.
REPEAT_WINDOW = dt.timedelta(days=90)


def feedback_visible_to(user) -> QuerySet[Feedback]:
    return Feedback.objects.filter(access.account_q(user, prefix="account__"))


def feedback_get_for_user(*, feedback_id, user) -> Feedback:
    return get_or_404(feedback_visible_to(user).select_related(
        "account__owner", "contact", "category", "assignee", "order", "product", "deal", "contract", "informed_by"),
        feedback_id)


def feedback_list(user, filters: dict | None = None, order_by: str = "-received_at") -> QuerySet[Feedback]:
    filters = filters or {}
    queryset = feedback_visible_to(user).select_related("account", "contact", "category", "assignee")
    if filters.get("q"):
        term = filters["q"]
        queryset = queryset.filter(Q(subject__icontains=term) | Q(text__icontains=term)
                                   | Q(account__name__icontains=term))
    for name in ("kind", "severity", "channel"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    state = filters.get("state")
    if state == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif state == "not_informed":
        queryset = queryset.filter(resolved_at__isnull=False, informed_at__isnull=True)
    elif state == "breached":
        now = timezone.now()
        queryset = queryset.filter(Q(first_response_at__isnull=True, response_due__lt=now)
                                   | Q(resolved_at__isnull=True, resolution_due__lt=now), status__in=OPEN_STATUSES)
    elif state:
        queryset = queryset.filter(status=state)
    if filters.get("category"):
        queryset = queryset.filter(category_id=filters["category"])
    if filters.get("account"):
        queryset = queryset.filter(account_id=filters["account"])
    if filters.get("assignee"):
        queryset = queryset.filter(assignee_id=filters["assignee"])
    if filters.get("outcome"):
        queryset = queryset.filter(outcome=filters["outcome"])
    return queryset.order_by(order_by, "-id")


def links_of(*, account, user) -> QuerySet[FeedbackLink]:
    return FeedbackLink.objects.filter(account=account).select_related("contact").order_by("-created_at")


def link_get_for_user(*, link_id, user) -> FeedbackLink:
    return get_or_404(FeedbackLink.objects.filter(access.account_q(user, prefix="account__"))
                      .select_related("account"), link_id)


def categories() -> QuerySet[FeedbackCategory]:
    return FeedbackCategory.objects.filter(is_active=True)


# KPIs

# Periods the KPI and survey pages show when none is asked for: the last quarter, the last year.
KPI_DAYS = 90
SURVEY_DAYS = 365


def period(date_from: dt.date | None, date_to: dt.date | None, days: int) -> tuple[dt.date, dt.date]:
    """The period asked for, or the ``days`` up to today; ValidationError when it ends before it starts."""
    from django.core.exceptions import ValidationError

    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to - dt.timedelta(days=days - 1)
    if date_from > date_to:
        raise ValidationError({"date_to": [_("The period ends before it starts.")]})
    return date_from, date_to

@dataclass
class Figures:
    """The loop's figures for one group of records (a manager, a category, everything)."""

    label: str
    received: int = 0
    complaints: int = 0
    resolved: int = 0
    informed: int = 0
    open: int = 0
    response_breaches: int = 0
    resolution_breaches: int = 0
    repeat_complaints: int = 0
    _response_hours: list[float] = field(default_factory=list, repr=False)
    _resolution_hours: list[float] = field(default_factory=list, repr=False)

    @property
    def heard_rate(self) -> float | None:
        """Of the records resolved, the share whose client was told the outcome (percent)."""
        return round(100 * self.informed / self.resolved, 1) if self.resolved else None

    @property
    def response_hours(self) -> float | None:
        values = self._response_hours
        return round(sum(values) / len(values), 1) if values else None

    @property
    def resolution_hours(self) -> float | None:
        values = self._resolution_hours
        return round(sum(values) / len(values), 1) if values else None

    def as_dict(self) -> dict:
        return {"label": self.label, "received": self.received, "complaints": self.complaints,
                "resolved": self.resolved, "informed": self.informed, "open": self.open,
                "heard_rate": self.heard_rate, "response_hours": self.response_hours,
                "resolution_hours": self.resolution_hours, "response_breaches": self.response_breaches,
                "resolution_breaches": self.resolution_breaches, "repeat_complaints": self.repeat_complaints}




def kpis(user, *, date_from: dt.date, date_to: dt.date, kind: str | None = None,
         now: dt.datetime | None = None) -> dict:
    """The loop's figures over the records received from ``date_from`` to ``date_to`` (inclusive),
    in all and by manager and by category, and the categories of complaints by month.

    * heard rate: of the records resolved, the share whose client was told the outcome;
    * response and resolution times: working hours from receipt (the company's working calendar, as
      the SLAs count them: a complaint received on Friday evening and answered on Monday morning
      waited an hour or two, not sixty), averaged over those that have them;
    * breaches: the first response or the resolution came after its SLA deadline, or is still
      missing after it;
    * repeat complaints: a complaint whose account complained in the same category within the 90
      days before.
    """
    now = now or timezone.now()
    calendar = working_time.company_calendar()
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    records = feedback_visible_to(user).filter(received_at__gte=start, received_at__lt=end)
    if kind:
        records = records.filter(kind=kind)
    rows = list(records.select_related("assignee", "category").order_by("received_at", "id"))
    # Earlier complaints of the same accounts, to tell a repeat from a first.
    earlier = defaultdict(list)
    for account_id, category_id, received in (
            feedback_visible_to(user).filter(kind=FeedbackKind.COMPLAINT, account_id__in={r.account_id for r in rows},
                                             received_at__gte=start - REPEAT_WINDOW, received_at__lt=end)
            .values_list("account_id", "category_id", "received_at")):
        earlier[(account_id, category_id)].append(received)
    total = Figures(label=_("All"))
    by_manager: dict[int | None, Figures] = {}
    by_category: dict[int | None, Figures] = {}
    months: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        manager = by_manager.setdefault(row.assignee_id, Figures(label=str(row.assignee or _("nobody"))))
        category = by_category.setdefault(row.category_id, Figures(label=str(row.category or _("no category"))))
        repeat = row.kind == FeedbackKind.COMPLAINT and any(
            row.received_at - REPEAT_WINDOW <= other < row.received_at
            for other in earlier[(row.account_id, row.category_id)])
        for figures in (total, manager, category):
            figures.received += 1
            figures.complaints += row.kind == FeedbackKind.COMPLAINT
            figures.resolved += row.resolved_at is not None
            figures.informed += row.resolved_at is not None and row.informed_at is not None
            figures.open += row.is_open
            figures.response_breaches += row.response_breached(now)
            figures.resolution_breaches += row.resolution_breached(now)
            figures.repeat_complaints += repeat
            if row.first_response_at:
                figures._response_hours.append(calendar.working_hours_between(row.received_at, row.first_response_at))
            if row.resolved_at:
                figures._resolution_hours.append(calendar.working_hours_between(row.received_at, row.resolved_at))
        if row.kind == FeedbackKind.COMPLAINT:
            months[timezone.localtime(row.received_at).strftime("%Y-%m")][str(row.category or _("no category"))] += 1
    top = Counter()
    for counts in months.values():
        top.update(counts)
    return {"date_from": date_from, "date_to": date_to, "total": total,
            "by_manager": sorted(by_manager.values(), key=lambda f: (-f.received, f.label)),
            "by_category": sorted(by_category.values(), key=lambda f: (-f.received, f.label)),
            "categories_by_month": {month: dict(counts) for month, counts in sorted(months.items())},
            "top_categories": [name for name, _count in top.most_common(8)]}


# Panels

def account_feedback_panel(*, account, user) -> dict | None:
    records = list(Feedback.objects.filter(account=account).select_related("category", "assignee")
                   .order_by("-received_at", "-id")[:10])
    open_count = Feedback.objects.filter(account=account, status__in=OPEN_STATUSES).count()
    return {"feedback": records, "open_feedback": open_count, "now": timezone.now(),
            "links": list(FeedbackLink.objects.filter(account=account, revoked_at__isnull=True)
                          .select_related("contact")[:5])}


def account_feedback_brief(*, account, user) -> dict | None:
    records = list(Feedback.objects.filter(account=account, status__in=OPEN_STATUSES).order_by("received_at")[:10])
    told = Feedback.objects.filter(account=account, resolved_at__isnull=False, informed_at__isnull=True)
    if not records:
        return None
    questions = [_("“%(subject)s” is still open: what can we tell them today?") % {"subject": r.subject}
                 for r in records if r.resolved_at is None]
    questions += [_("“%(subject)s” was resolved but the client has not been told: tell them at this meeting.") % {
        "subject": r.subject} for r in told[:5]]
    items = [panels.BriefItem(kind="feedback", title=record.subject, record_id=record.pk,
                              on=timezone.localtime(record.received_at).date(),
                              detail=f"{record.get_kind_display()}, {record.get_status_display()}")
             for record in records]
    return {"title": _("Open complaints and suggestions"), "items": items, "open_feedback": records,
            "questions": questions}


# Surveys

def surveys_visible_to(user) -> QuerySet:
    return Survey.objects.filter(access.account_q(user, prefix="account__"))


def survey_list(user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    queryset = surveys_visible_to(user).select_related("account", "contact", "deal", "complaint")
    for name in ("kind", "trigger"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("account"):
        queryset = queryset.filter(account_id=filters["account"])
    if filters.get("answered") is not None:
        queryset = queryset.filter(answered_at__isnull=not filters["answered"])
    return queryset.order_by("-sent_at", "-id")


@dataclass
class SurveyFigures:
    """Answers of one group (an account, a manager, a month): NPS is the share of promoters (9-10)
    less the share of detractors (0-6), in points; CSAT the average score (1-5)."""

    label: str
    sent: int = 0
    answered: int = 0
    _nps: list[int] = field(default_factory=list, repr=False)
    _csat: list[int] = field(default_factory=list, repr=False)

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.answered / self.sent, 1) if self.sent else None

    @property
    def nps(self) -> float | None:
        scores = self._nps
        if not scores:
            return None
        return round(100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores), 1)

    @property
    def csat(self) -> float | None:
        return round(sum(self._csat) / len(self._csat), 2) if self._csat else None

    def as_dict(self) -> dict:
        return {"label": self.label, "sent": self.sent, "answered": self.answered,
                "response_rate": self.response_rate, "nps": self.nps, "csat": self.csat,
                "nps_answers": len(self._nps), "csat_answers": len(self._csat)}


def survey_results(user, *, date_from: dt.date, date_to: dt.date) -> dict:
    """Surveys sent from ``date_from`` to ``date_to`` (inclusive): in all, by account, by manager
    (the account's) and by month."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = surveys_visible_to(user).filter(sent_at__gte=start, sent_at__lt=end).select_related("account__owner")
    total = SurveyFigures(label=_("All"))
    groups: dict[str, dict] = {"by_account": {}, "by_manager": {}, "by_month": {}}
    for survey in rows:
        keys = {"by_account": (survey.account_id, str(survey.account)),
                "by_manager": (survey.account.owner_id, str(survey.account.owner)),
                "by_month": (timezone.localtime(survey.sent_at).strftime("%Y-%m"),) * 2}
        targets = [total] + [groups[name].setdefault(key, SurveyFigures(label=label))
                             for name, (key, label) in keys.items()]
        for figures in targets:
            figures.sent += 1
            if survey.answered_at is not None:
                figures.answered += 1
                (figures._nps if survey.kind == "nps" else figures._csat).append(survey.score)
    return {"date_from": date_from, "date_to": date_to, "total": total,
            "by_account": sorted(groups["by_account"].values(), key=lambda f: (-f.answered, f.label)),
            "by_manager": sorted(groups["by_manager"].values(), key=lambda f: f.label),
            "by_month": [groups["by_month"][key] for key in sorted(groups["by_month"])]}


# Support desk

def tickets_visible_to(user) -> QuerySet:
    return Ticket.objects.filter(access.account_q(user, prefix="account__"))


def ticket_get_for_user(*, ticket_id, user):
    return get_or_404(tickets_visible_to(user).select_related("account__owner", "contact", "assignee"), ticket_id)


def ticket_list(user, filters: dict | None = None, order_by: str = "-created_at") -> QuerySet:
    filters = filters or {}
    queryset = tickets_visible_to(user).select_related("account", "contact", "assignee")
    state = filters.get("state")
    if state == "unsolved":  # not "open", which is a status of its own
        queryset = queryset.filter(status__in=OPEN_TICKET_STATUSES)
    elif state == "breached":
        now = timezone.now()
        queryset = queryset.filter(Q(first_response_at__isnull=True, response_due__lt=now)
                                   | Q(solved_at__isnull=True, resolution_due__lt=now), status__in=OPEN_TICKET_STATUSES)
    elif state:
        queryset = queryset.filter(status=state)
    if filters.get("mine"):
        queryset = queryset.filter(assignee=user)
    for name in ("priority",):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("account"):
        queryset = queryset.filter(account_id=filters["account"])
    if filters.get("q"):
        queryset = queryset.filter(Q(subject__icontains=filters["q"]) | Q(account__name__icontains=filters["q"]))
    return queryset.order_by(order_by, "-id")


def sees_unmatched_mail(user) -> bool:
    """Mail from unknown addresses belongs to no account: those who see every account, and heads."""
    return access.can(user, access.Capability.READ_UNMATCHED_MAIL)


def unmatched_mail(user) -> QuerySet:
    if not sees_unmatched_mail(user):
        return UnmatchedMail.objects.none()
    return UnmatchedMail.objects.filter(ticket__isnull=True)


def account_tickets_panel(*, account, user) -> dict | None:
    tickets = list(Ticket.objects.filter(account=account).select_related("contact").order_by("-created_at")[:8])
    open_tickets = Ticket.objects.filter(account=account, status__in=OPEN_TICKET_STATUSES).count() if tickets else 0
    return {"tickets": tickets, "open_tickets": open_tickets}
