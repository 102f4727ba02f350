"""Filters of the planning pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.core.generic import IdField
from keyaccount.planning.choices import PeriodKind, ReportStatus


class PlanFilterForm(forms.Form):
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    period_kind = forms.ChoiceField(label=_("period"), required=False, choices=[("", "—"), *PeriodKind.choices])
    user = IdField()
    team = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class AccountPlanFilterForm(forms.Form):
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    account = IdField()
    owner = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", "—"), *ReportStatus.choices])
    week_from = forms.DateField(label=_("from the week of"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    user = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
