"""Surveys, the feedback stage of every deal: an NPS or CSAT question e-mailed to a person with a
link of its own, sent by hand, when a deal reaches fulfilment or feedback, and regularly to the
people of key accounts; the answer lands on the account's timeline, and a low score opens a
complaint, so an unhappy client is followed like one who complained.

Only people with an active consent to surveys (152-FZ) get one; nobody gets a second survey on
the same deal, and the regular survey skips anyone asked in the last ``RESURVEY_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from keyaccount.accounts.choices import AccountStatus, ConsentPurpose, ContactRoleKind
from keyaccount.accounts.models import Account, Contact
from keyaccount.core import audit
from keyaccount.core.editing import require
from keyaccount.core.queries import our_company_name
from keyaccount.feedback import services
from keyaccount.feedback.choices import (
    SURVEY_LOW,
    SURVEY_SCALE,
    Channel,
    FeedbackKind,
    Severity,
    SurveyKind,
    SurveyTrigger,
)
from keyaccount.feedback.models import Feedback, Survey
from keyaccount.timeline.services import event_record

logger = logging.getLogger(__name__)
SALT = "keyaccount.feedback.survey"
ANSWER_DAYS = 30
RESURVEY_DAYS = 90
# Deal stages after which the client is asked how it went.
SURVEY_STAGES = ("fulfilment", "feedback")


def token(survey: Survey) -> str:
    return signing.dumps(survey.pk, salt=SALT, compress=False)


def survey_for_token(value: str) -> Survey | None:
    """The survey a token names; None for a forged one."""
    try:
        pk = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Survey.objects.filter(pk=pk).select_related("account__owner", "contact", "deal").first()


def may_survey(contact: Contact) -> bool:
    return (contact.erased_at is None and contact.emails.exists()
            and contact.consents.filter(purpose=ConsentPurpose.SURVEYS, withdrawn_on__isnull=True).exists())


def _mail(survey: Survey) -> None:
    link = settings.KAM_BASE_URL.rstrip("/") + reverse("feedback:survey_answer", args=[token(survey)])
    language = (survey.contact.preferred_language or settings.LANGUAGE_CODE)[:2]
    with translation.override(language if language in ("ru", "en") else settings.LANGUAGE_CODE):
        company = our_company_name()
        context = {"survey": survey, "link": link, "company": company,
                   "address": survey.contact.form_of_address or str(survey.contact)}
        subject = _("%(company)s asks: how are we doing?") % {"company": company}
        mail = EmailMultiAlternatives(subject=subject[:250], to=[survey.email],
                                      body=render_to_string("feedback/email/survey.txt", context))
        mail.attach_alternative(render_to_string("feedback/email/survey.html", context), "text/html")
    mail.send(fail_silently=False)


@transaction.atomic
def survey_send(*, user, account: Account, contact: Contact, kind: str = SurveyKind.NPS, deal=None,
                trigger: str = SurveyTrigger.MANUAL) -> Survey:
    if user is not None:
        require(services.can_handle(user))
    errors = {}
    if contact.account_id != account.pk:
        errors["contact"] = [_("This person belongs to another account.")]
    elif not may_survey(contact):
        errors["contact"] = [_("Surveys go only to people with an e-mail and an active consent to surveys.")]
    if kind not in SurveyKind.values:
        errors["kind"] = [_("Choose NPS or CSAT.")]
    if deal is not None and deal.account_id != account.pk:
        errors["deal"] = [_("This belongs to another account.")]
    if deal is not None and Survey.objects.filter(deal=deal, contact=contact, kind=kind).exists():
        errors["deal"] = [_("This person has already been asked about this deal.")]
    if errors:
        raise ValidationError(errors)
    survey = Survey.objects.create(account=account, contact=contact, deal=deal, kind=kind, trigger=trigger,
                                   email=contact.emails.first().email, created_by=user,
                                   expires_on=timezone.localdate() + dt.timedelta(days=ANSWER_DAYS))
    audit.record_create(actor=user, instance=survey, after=audit.snapshot(survey), account_id=account.pk)
    # Sent once the survey is stored: a failed transaction sends nothing.
    transaction.on_commit(lambda: _mail(survey))
    return survey


@transaction.atomic
def survey_answer(*, survey: Survey, score, comment: str = "") -> Survey:
    """The person's answer, once; a low score opens a complaint assigned to the account's manager."""
    survey = Survey.objects.select_for_update().select_related("account__owner", "contact").get(pk=survey.pk)
    low, high = SURVEY_SCALE[survey.kind]
    errors = {}
    if survey.answered_at is not None:
        errors["__all__"] = [_("This survey has already been answered. Thank you!")]
    elif survey.expires_on < timezone.localdate():
        errors["__all__"] = [_("This survey has closed.")]
    if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
        errors["score"] = [_("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}]
    if len(comment or "") > 10_000:
        errors["comment"] = [_("The comment is too long.")]
    if errors:
        raise ValidationError(errors)
    survey.score, survey.comment, survey.answered_at = score, (comment or "").strip(), timezone.now()
    owner = survey.account.owner
    event_record(user=owner, account=survey.account, subject=_("%(kind)s answer from %(person)s: %(score)s") % {
        "kind": survey.get_kind_display().split(":")[0], "person": survey.contact, "score": score},
        summary=survey.comment[:2000])
    if score <= SURVEY_LOW[survey.kind]:
        survey.complaint = _complaint_from(survey)
    survey.save(update_fields=["score", "comment", "answered_at", "complaint"])
    audit.record_update(actor=None, instance=survey, before={"score": None},
                        after={"score": score, "comment": survey.comment}, account_id=survey.account_id)
    return survey


def _complaint_from(survey: Survey) -> Feedback:
    return services.feedback_receive(Feedback(
        account=survey.account, contact=survey.contact, deal=survey.deal, kind=FeedbackKind.COMPLAINT,
        channel=Channel.SURVEY, severity=Severity.HIGH, assignee=survey.account.owner,
        subject=(_("Low score in a survey: %(score)s of %(high)s") % {
            "score": survey.score, "high": SURVEY_SCALE[survey.kind][1]})[:300],
        text=survey.comment or _("(no comment)")))


def _people_to_ask(account: Account, contact: Contact | None = None) -> list[Contact]:
    if contact is not None:
        return [contact] if may_survey(contact) else []
    people = [c for c in account.contacts.filter(erased_at__isnull=True, roles__role__in=[
        ContactRoleKind.DECISION_MAKER, ContactRoleKind.USER]).distinct() if may_survey(c)]
    return people[:3]


def on_deal_stage(deal, stage) -> int:
    """A deal reached fulfilment or feedback: its main contact (else the account's deciders and
    users, up to three) get a CSAT survey, once per deal."""
    if stage.code not in SURVEY_STAGES:
        return 0
    sent = 0
    for person in _people_to_ask(deal.account, deal.contact):
        if not Survey.objects.filter(deal=deal, contact=person).exists():
            survey_send(user=None, account=deal.account, contact=person, kind=SurveyKind.CSAT, deal=deal,
                        trigger=SurveyTrigger.DEAL_STAGE)
            sent += 1
    return sent


def on_deal_stage_safely(deal, stage) -> int:
    try:
        return on_deal_stage(deal, stage)
    # The move is done; a mail server that refuses must not turn it into an error page. Django's mail
    # backends raise smtplib.SMTPException (an OSError) or the socket's OSError; anything else is a bug
    # and goes up.
    except OSError:
        logger.exception("feedback: the survey after deal %s moved to %s was not sent", deal.pk, stage.code)
        return 0


def survey_key_accounts(*, today: dt.date | None = None) -> int:
    """The regular NPS survey of key accounts: their deciders and users not asked in the last
    ``RESURVEY_DAYS`` (run daily by the worker; each person is asked at most that often)."""
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=RESURVEY_DAYS)
    sent = 0
    for account in Account.objects.filter(status=AccountStatus.KEY).iterator(chunk_size=200):
        for person in _people_to_ask(account):
            if not Survey.objects.filter(contact=person, sent_at__gte=since).exists():
                with transaction.atomic():
                    survey_send(user=None, account=account, contact=person, kind=SurveyKind.NPS,
                                trigger=SurveyTrigger.SCHEDULE)
                sent += 1
    return sent
