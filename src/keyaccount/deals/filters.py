"""List filters of the pipeline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.core.generic import IdField
from keyaccount.core.models import User
from keyaccount.deals.choices import DealKind, ProposalStatus, StageOutcome
from keyaccount.deals.models import Stage

_DATE = forms.DateInput(attrs={"type": "date"})


class DealFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Deal, account, tender №…")}))
    state = forms.ChoiceField(label=_("state"), required=False, choices=[("", "—"), *StageOutcome.choices])
    stage = forms.ModelChoiceField(label=_("stage"), required=False, queryset=Stage.objects.filter(is_active=True))
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", "—"), *DealKind.choices])
    owner = forms.ModelChoiceField(label=_("owner"), required=False, queryset=User.objects.filter(is_active=True))
    close_from = forms.DateField(label=_("closes from"), required=False, widget=_DATE)
    close_to = forms.DateField(label=_("closes by"), required=False, widget=_DATE)
    account = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def query_filters(data: dict) -> dict:
        return {**data, "stage": data["stage"].pk if data.get("stage") else None,
                "owner": data["owner"].pk if data.get("owner") else None}


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, title, account…")}))
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", "—"), *ProposalStatus.choices])
    account = IdField()
    deal = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
