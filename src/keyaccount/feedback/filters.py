"""List filters of client feedback."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.core.generic import IdField
from keyaccount.feedback.choices import (
    Channel,
    FeedbackKind,
    FeedbackStatus,
    Severity,
    SuggestionOutcome,
    TicketPriority,
    TicketStatus,
)

# "Resolved, client not yet told" is a status of its own: no second entry that says the same (the
# API still takes state=not_informed).
STATE_CHOICES = [("", "—"), ("open", _("Open")), ("breached", _("SLA breached")), *FeedbackStatus.choices]


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Subject, text, account…")}))
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", "—"), *FeedbackKind.choices])
    state = forms.ChoiceField(label=_("state"), required=False, choices=STATE_CHOICES)
    severity = forms.ChoiceField(label=_("severity"), required=False, choices=[("", "—"), *Severity.choices])
    channel = forms.ChoiceField(label=_("channel"), required=False, choices=[("", "—"), *Channel.choices])
    outcome = forms.ChoiceField(label=_("outcome"), required=False, choices=[("", "—"), *SuggestionOutcome.choices])
    category = IdField()
    account = IdField()
    assignee = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class KpiFilterForm(forms.Form):
    date_from = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", "—"), *FeedbackKind.choices])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The period ends before it starts."))
        return data


class TicketFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Subject, account…")}))
    state = forms.ChoiceField(label=_("state"), required=False, choices=[
        ("", "—"), ("unsolved", _("Not solved yet")), ("breached", _("SLA breached")), *TicketStatus.choices])
    priority = forms.ChoiceField(label=_("priority"), required=False, choices=[("", "—"), *TicketPriority.choices])
    mine = forms.BooleanField(label=_("mine"), required=False)
    account = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
