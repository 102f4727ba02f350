"""Forms of the timeline: one per kind of interaction (the fields that kind has), and the small
forms behind one-click actions."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.models import Contact
from keyaccount.core.generic import IdField, ServiceFormMixin, VersionField
from keyaccount.core.models import User
from keyaccount.timeline.choices import CallDirection, CallOutcome, InteractionKind
from keyaccount.timeline.models import Interaction

_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"})

FIELDS_BY_KIND = {
    InteractionKind.CALL: ["starts_at", "direction", "outcome", "their_number", "duration_seconds", "talk_seconds",
                           "recording_url", "summary"],
    InteractionKind.MEETING: ["subject", "starts_at", "ends_at", "place", "video_link", "travel_minutes", "agenda",
                              "summary"],
    InteractionKind.EMAIL: ["subject", "starts_at", "email_from", "email_to", "summary"],
    InteractionKind.NOTE: ["subject", "summary"],
    InteractionKind.TASK: ["subject", "due_at", "assignee", "summary"],
    InteractionKind.EVENT: ["subject", "summary"],
}


class InteractionForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()
    contacts = forms.ModelMultipleChoiceField(label=_("people"), required=False, queryset=Contact.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    participants = forms.ModelMultipleChoiceField(label=_("our participants"), required=False,
                                                  queryset=User.objects.filter(is_active=True),
                                                  widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Interaction
        fields = sorted({name for names in FIELDS_BY_KIND.values() for name in names})
        widgets = {"starts_at": _MOMENT, "ends_at": _MOMENT, "due_at": _MOMENT,
                   "summary": forms.Textarea(attrs={"rows": 4}), "agenda": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, account=None, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = kind or self.instance.kind
        keep = set(FIELDS_BY_KIND[kind]) | {"version", "contacts"} | ({"participants"} if kind in (
            InteractionKind.MEETING, InteractionKind.CALL) else set())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        account = account or self.instance.account
        self.fields["contacts"].queryset = Contact.objects.filter(account=account, erased_at__isnull=True)
        for name in ("starts_at", "ends_at", "due_at", "answered_at", "actual_start_at"):
            if name in self.fields:
                self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("contacts", [link.contact_id for link in self.instance.contact_links.all()])
            self.initial.setdefault("participants", [user.pk for user in self.instance.participants.all()])
        elif user is not None:
            self.initial.setdefault("participants", [user.pk])
            if "assignee" in self.fields:
                self.initial.setdefault("assignee", user.pk)

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
