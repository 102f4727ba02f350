"""The one-page brief a manager reads before a meeting or a call, so that the client never hears
"so, what does your company do?".

Everything here is a read with the access rule applied: the account must be visible to the user,
financial figures need the right to see finances, and the sections other apps add (purchases,
deals, complaints) come through the panel registry under ``panels.BRIEF``, each deciding for
itself what this user may see. Each section may also add questions the dossier cannot answer yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts import panels
from keyaccount.accounts.choices import PAYING_SIDE, USING_SIDE, ContactRoleKind
from keyaccount.accounts.models import Account, AccountCompetitor, AccountFinancials, Contact
from keyaccount.accounts.queries import contacts_with_details
from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.timeline.choices import InteractionKind, MeetingStatus
from keyaccount.timeline.models import Interaction, InteractionContact
from keyaccount.timeline.queries import interactions_visible_to

# A birthday this close to the meeting is worth a word of congratulation.
BIRTHDAY_SOON_DAYS = 14
# What fits on one printed page.
MAX_PARTICIPANTS = 8
MAX_RECENT = 6
MAX_FINANCIAL_YEARS = 3


@dataclass(frozen=True)
class Participant:
    contact: Contact
    roles: list[tuple[str, str]]  # (role, label), in the order of ContactRoleKind
    birthday_in_days: int | None
    last_contact: dt.datetime | None

    @property
    def decides_or_pays(self) -> bool:
        return bool({role for role, _label in self.roles} & PAYING_SIDE)


@dataclass(frozen=True)
class YearFigures:
    financials: AccountFinancials
    revenue_change: float | None  # against the year before, as a fraction


@dataclass
class Brief:
    account: Account
    meeting: Interaction | None
    moment: dt.datetime
    participants: list[Participant]
    our_participants: list
    financials: list[YearFigures] | None  # None: this user may not see finances
    recent: list[Interaction]
    open_tasks: list[Interaction]
    competitors: list[AccountCompetitor]
    sections: list[dict]
    questions: list[str] = field(default_factory=list)


def next_birthday_in_days(birthday: dt.date | None, today: dt.date) -> int | None:
    """Days from ``today`` to the next birthday (0 on the day); 29 February counts as 1 March in
    other years."""
    if birthday is None:
        return None
    for year in (today.year, today.year + 1):
        try:
            next_one = birthday.replace(year=year)
        except ValueError:
            next_one = dt.date(year, 3, 1)
        if next_one >= today:
            return (next_one - today).days
    return None  # pragma: no cover - the next year always has the day


def _last_contacts(contact_ids: list[int], before: dt.datetime) -> dict[int, dt.datetime]:
    """When each person was last spoken to (any interaction they took part in), in one query."""
    rows = (InteractionContact.objects.filter(contact_id__in=contact_ids, interaction__starts_at__lt=before)
            .exclude(interaction__kind=InteractionKind.TASK)
            .values("contact_id").annotate(last=Max("interaction__starts_at")))
    return {row["contact_id"]: row["last"] for row in rows}


def _participants(account: Account, meeting: Interaction | None, moment: dt.datetime) -> list[Participant]:
    """The people at the meeting; without one (or with nobody named), the people who matter at the
    account: those who decide and pay first, then those who use the product."""
    people = contacts_with_details().filter(erased_at__isnull=True)
    chosen: list[Contact] = []
    if meeting is not None:
        chosen = list(people.filter(interaction_links__interaction=meeting).order_by("last_name", "first_name"))
    if not chosen:
        everyone = list(people.filter(account=account))

        def weight(contact: Contact):
            kinds = contact.role_kinds
            return (not kinds & PAYING_SIDE, not kinds & USING_SIDE, -contact.relationship_strength,
                    contact.last_name)

        chosen = sorted(everyone, key=weight)[:MAX_PARTICIPANTS]
    last = _last_contacts([contact.pk for contact in chosen], moment)
    today = timezone.localdate(moment)
    return [Participant(contact=contact, roles=[(kind.value, kind.label) for kind in ContactRoleKind
                                                if kind.value in contact.role_kinds],
                        birthday_in_days=next_birthday_in_days(contact.birthday, today),
                        last_contact=last.get(contact.pk))
            for contact in chosen]


def _financials(account: Account, user) -> list[YearFigures] | None:
    if not access.can(user, Capability.VIEW_FINANCES):
        return None
    years = list(account.financials.order_by("-year")[: MAX_FINANCIAL_YEARS + 1])
    figures = []
    for current, previous in zip(years, [*years[1:], None], strict=False):
        change = None
        if (previous is not None and previous.year == current.year - 1 and previous.currency == current.currency
                and current.revenue is not None and previous.revenue):
            change = float((current.revenue - previous.revenue) / previous.revenue)
        figures.append(YearFigures(financials=current, revenue_change=change))
    return figures[:MAX_FINANCIAL_YEARS]


def _questions(brief: Brief) -> list[str]:
    """What the manager should find out: the gaps in the dossier that matter for selling."""
    account = brief.account
    questions = []
    if not account.description.strip():
        questions.append(_("What exactly does the company do, and for whom?"))
    if not account.industry or not account.size:
        questions.append(_("Which industry are they in, and how many people work there?"))
    if brief.financials is not None:
        last_year = timezone.localdate(brief.moment).year - 1
        if not any(figures.financials.year >= last_year for figures in brief.financials):
            questions.append(_("What were their revenue and headcount in %(year)s?") % {"year": last_year})
    if not account.plans.strip():
        questions.append(_("What are their development plans for the coming year?"))
    if not account.needs.strip():
        questions.append(_("What do they need that they do not buy from us yet?"))
    if not brief.competitors:
        questions.append(_("Whom else do they buy from, and why?"))
    people = contacts_with_details().filter(account=account, erased_at__isnull=True)
    known_roles = set().union(*(contact.role_kinds for contact in people)) if people else set()
    if not known_roles & {ContactRoleKind.DECISION_MAKER}:
        questions.append(_("Who decides on purchases?"))
    if not known_roles & {ContactRoleKind.PAYER}:
        questions.append(_("Who pays and signs the contracts?"))
    if not known_roles & USING_SIDE:
        questions.append(_("Who uses our product day to day?"))
    for participant in brief.participants:
        contact = participant.contact
        if not contact.form_of_address:
            questions.append(_("How does %(name)s prefer to be addressed?") % {"name": contact.full_name})
        if not contact.position:
            questions.append(_("What is %(name)s's position?") % {"name": contact.full_name})
    return questions


def account_brief(*, account: Account, user, meeting: Interaction | None = None) -> Brief:
    """The brief for ``account`` as of now, or as of ``meeting`` when one is given. The account must
    already have been read through the access rule (``account_get_for_user``)."""
    moment = meeting.starts_at if meeting is not None else timezone.now()
    now = timezone.now()
    visible = interactions_visible_to(user).filter(account=account)
    recent = list(visible.filter(starts_at__lte=now).exclude(kind__in=[InteractionKind.TASK, InteractionKind.EVENT])
                  .exclude(kind=InteractionKind.MEETING, meeting_status__in=[MeetingStatus.PLANNED,
                                                                              MeetingStatus.CANCELLED])
                  .select_related("owner").prefetch_related("contact_links__contact")
                  .order_by("-starts_at", "-id")[:MAX_RECENT])
    open_tasks = list(visible.filter(kind=InteractionKind.TASK, done_at__isnull=True)
                      .select_related("assignee").order_by("due_at", "id")[:MAX_RECENT])
    brief = Brief(
        account=account,
        meeting=meeting,
        moment=moment,
        participants=_participants(account, meeting, moment),
        our_participants=list(meeting.participants.all()) if meeting is not None else [],
        financials=_financials(account, user),
        recent=recent,
        open_tasks=open_tasks,
        competitors=list(AccountCompetitor.objects.filter(account=account).select_related("competitor")),
        sections=panels.render_context(account=account, user=user, page=panels.BRIEF),
    )
    brief.questions = _questions(brief)
    for section in brief.sections:
        brief.questions.extend(section.get("questions", ()))
    return brief


def meeting_brief(*, meeting: Interaction, user) -> Brief:
    """The brief for a meeting (or a planned call) read through ``interaction_get_for_user``."""
    return account_brief(account=meeting.account, user=user, meeting=meeting)
