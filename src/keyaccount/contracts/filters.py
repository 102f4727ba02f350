"""List filters of contract control."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.contracts.choices import ContractStatus, ObligationKind, Side
from keyaccount.core.generic import IdField

DUE_CHOICES = [("", "—"), ("overdue", _("Overdue")), ("soon", _("Due within two weeks")), ("open", _("Open")),
               ("done", _("Closed"))]


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, subject, account…")}))
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", "—"), *ContractStatus.choices])
    ends_before = forms.DateField(label=_("ends by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    account = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ObligationFilterForm(forms.Form):
    due = forms.ChoiceField(label=_("due"), required=False, choices=DUE_CHOICES)
    side = forms.ChoiceField(label=_("whose"), required=False, choices=[("", "—"), *Side.choices])
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", "—"), *ObligationKind.choices])
    account = IdField()
    contract = IdField()
    responsible = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
