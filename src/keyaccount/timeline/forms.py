"""Forms of the timeline: one per kind of interaction (the fields that kind has), and the small
forms behind one-click actions."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import main_contact
from keyaccount.accounts.models import Contact
from keyaccount.core.forms import MEETING_MINUTES, end_of_working_day, next_meeting_start
from keyaccount.core.generic import IdField, ServiceFormMixin, VersionField
from keyaccount.core.models import User
from keyaccount.timeline.choices import CallDirection, CallOutcome, InteractionKind
from keyaccount.timeline.models import Interaction

_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# A meeting's end follows its start in the browser (static/keyaccount/forms.js keeps the duration).
_END = forms.DateTimeInput(attrs={"type": "datetime-local", "data-ends-after": "starts_at",
                                  "data-default-minutes": str(MEETING_MINUTES)}, format="%Y-%m-%dT%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"})

# The fields each kind has, in the order a person tells it: when (and until), who, what, then the details;
# the rarely used last. ``contacts`` are the client's people, ``participants`` ours.
FIELDS_BY_KIND = {
    InteractionKind.CALL: ["starts_at", "contacts", "direction", "outcome", "summary", "their_number",
                           "duration_seconds", "talk_seconds", "participants", "recording_url"],
    InteractionKind.MEETING: ["starts_at", "ends_at", "contacts", "participants", "subject", "place",
                              "travel_minutes", "video_link", "agenda", "summary"],
    InteractionKind.EMAIL: ["starts_at", "contacts", "email_from", "email_to", "subject", "summary"],
    InteractionKind.NOTE: ["contacts", "subject", "summary"],
    InteractionKind.TASK: ["subject", "due_at", "assignee", "contacts", "summary"],
    InteractionKind.EVENT: ["contacts", "subject", "summary"],
}
# Kinds logged with the account's main contact already ticked (a note or a task is often about no one).
WITH_MAIN_CONTACT = (InteractionKind.CALL, InteractionKind.MEETING, InteractionKind.EMAIL)
_MODEL_FIELDS = sorted({name for names in FIELDS_BY_KIND.values() for name in names} - {"contacts", "participants"})


class InteractionForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()
    contacts = forms.ModelMultipleChoiceField(label=_("people"), required=False, queryset=Contact.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    participants = forms.ModelMultipleChoiceField(label=_("our participants"), required=False,
                                                  queryset=User.objects.filter(is_active=True),
                                                  widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Interaction
        fields = _MODEL_FIELDS
        widgets = {"starts_at": _MOMENT, "ends_at": _END, "due_at": _MOMENT,
                   "summary": forms.Textarea(attrs={"rows": 4}), "agenda": forms.Textarea(attrs={"rows": 3}),
                   "email_from": forms.EmailInput(attrs={"autocomplete": "email"}),
                   "their_number": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args, user=None, account=None, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind = kind or self.instance.kind
        order = FIELDS_BY_KIND[kind]
        for name in list(self.fields):
            if name not in order and name != "version":
                del self.fields[name]
        self.order_fields(order)
        account = account or self.instance.account
        people = Contact.objects.filter(account=account, erased_at__isnull=True)
        if "contacts" in self.fields:
            self.fields["contacts"].queryset = people
        for name in ("starts_at", "ends_at", "due_at", "answered_at", "actual_start_at"):
            if name in self.fields:
                self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
        if kind in (InteractionKind.TASK, InteractionKind.EMAIL):
            self.fields["subject"].required = True  # the service asks for it too; the browser now says so first
        if kind == InteractionKind.MEETING:
            self.fields["ends_at"].help_text = _("Empty: an hour after the start.")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("contacts", [link.contact_id for link in self.instance.contact_links.all()])
            self.initial.setdefault("participants", [user.pk for user in self.instance.participants.all()])
            return
        # The new record's own values (None, or now for the start) give way to the defaults below,
        # and those to what the view passed.
        defaults = {}
        if kind in WITH_MAIN_CONTACT:
            main = main_contact(people)
            defaults["contacts"] = [main.pk] if main else []
        if kind == InteractionKind.MEETING:
            start = next_meeting_start(user)
            defaults.update(starts_at=start, ends_at=start + dt.timedelta(minutes=MEETING_MINUTES))
        if user is not None:
            defaults["participants"] = [user.pk]
            if kind == InteractionKind.TASK:
                defaults.update(assignee=user.pk, due_at=end_of_working_day(user))
        self.initial.update({**defaults, **(kwargs.get("initial") or {})})

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if self.kind == InteractionKind.MEETING and start and not end and "ends_at" not in self.errors:
            # Only the start given: the meeting lasts the usual hour, as the form suggested.
            data["ends_at"] = start + dt.timedelta(minutes=MEETING_MINUTES)
        elif start and end and end < start:
            self.add_error("ends_at", _("The end cannot come before the start."))
        return data

    def service_data(self) -> dict:
        data = super().service_data()
        if "participants" not in self.fields:
            data.pop("participants", None)
        return data


class LogCallForm(forms.Form):
    """"Log this call" on a person's page."""

    outcome = forms.ChoiceField(label=_("outcome"), choices=CallOutcome.choices, initial=CallOutcome.ANSWERED)
    direction = forms.ChoiceField(label=_("direction"), choices=CallDirection.choices[:2],
                                  initial=CallDirection.OUTBOUND)
    summary = forms.CharField(label=_("summary"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What was agreed")}))


class MeetingCloseForm(forms.Form):
    version = VersionField()
    actual_start_at = forms.DateTimeField(label=_("actually started"), widget=_MOMENT,
                                          input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
    summary = forms.CharField(label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    agreements = forms.CharField(label=_("agreements"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(
        label=_("next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; a date at the end sets the due date: “Send the proposal; 2026-12-05”"),
    )

    def clean_next_steps(self):
        steps, errors = [], []
        for number, line in enumerate((self.cleaned_data.get("next_steps") or "").splitlines(), start=1):
            if not line.strip():
                continue
            subject, _sep, when = line.rpartition(";") if ";" in line else (line, "", "")
            due = None
            if when.strip():
                try:
                    due = dt.datetime.combine(dt.date.fromisoformat(when.strip()), dt.time(18, 0))
                except ValueError:
                    errors.append(_("Line %(n)s: “%(value)s” is not a date like 2026-12-05.")
                                  % {"n": number, "value": when.strip()})
                    continue
            steps.append({"subject": subject.strip()[:300], "due_at": due})
        if errors:
            raise forms.ValidationError(errors)
        return steps


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label=_("kind"), required=False, choices=InteractionKind.choices,
                                     widget=forms.CheckboxSelectMultiple)
    person = IdField()
    date_from = forms.DateField(label=_("from"), required=False, widget=_DATE)
    date_to = forms.DateField(label=_("to"), required=False, widget=_DATE)
    cursor = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CallImportForm(forms.Form):
    file = forms.FileField(label=_("call log file"), required=False,
                           help_text=_("Asterisk Master.csv, or a CSV/XLSX export of your telephony provider"))
    file_format = forms.ChoiceField(label=_("format"), choices=[("asterisk", "Asterisk CDR (Master.csv)"),
                                                                ("csv", _("CSV or XLSX with a column mapping"))])
    mapping = forms.CharField(label=_("column mapping"), required=False, max_length=2000,
                              help_text=_("For CSV/XLSX: start=Date,src=From,dst=To,duration=Duration,outcome=Status"))
    encoding = forms.ChoiceField(label=_("encoding"), required=False, choices=[
        ("", _("Detect (UTF-8 or Windows-1251)")), ("utf-8", "UTF-8"), ("cp1251", "Windows-1251")])
    utc = forms.BooleanField(label=_("times in the file are UTC"), required=False)
    skip_bad = forms.BooleanField(label=_("skip bad rows (and list them) instead of refusing the file"), required=False)
    upload = forms.CharField(required=False, widget=forms.HiddenInput)


class ActivityFilterForm(forms.Form):
    date_from = forms.DateField(label=_("from"), required=False, widget=_DATE)
    date_to = forms.DateField(label=_("to"), required=False, widget=_DATE)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
