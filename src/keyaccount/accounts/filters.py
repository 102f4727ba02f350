"""List filters: one form per list, used by the page and (through its fields) by the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.choices import AccountStatus, ContactRoleKind, Industry
from keyaccount.accounts.models import Tag
from keyaccount.core import access
from keyaccount.core.generic import RecordsField


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Name, INN, person, phone…"), "aria-label": _("Search"), "autofocus": True,
    }))
    status = forms.MultipleChoiceField(label=_("status"), required=False, choices=AccountStatus.choices,
                                       widget=forms.CheckboxSelectMultiple)
    owner = RecordsField(
        label=_("manager"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=access.sellers(),
    )
    industry = forms.MultipleChoiceField(label=_("industry"), required=False, choices=Industry.choices,
                                         widget=forms.CheckboxSelectMultiple)
    tag = forms.ModelMultipleChoiceField(label=_("tag"), required=False, queryset=Tag.objects.all(),
                                         to_field_name="name", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def query_filters(data: dict) -> dict:
        """The account query's filters from (possibly partial) cleaned data."""
        return {
            "status": data.get("status") or [],
            "owner": [user.pk for user in data.get("owner") or []],
            "industry": data.get("industry") or [],
            "tag": [tag.name for tag in data.get("tag") or []],
        }


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or phone…")}))
    role = forms.ChoiceField(label=_("role"), required=False, choices=[("", "—"), *ContactRoleKind.choices])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CompetitorFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
