"""Forms of planning: a sales plan, a key-account plan, an initiative, the words of a weekly report."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from keyaccount.core import access
from keyaccount.core.generic import ServiceFormMixin, VersionField
from keyaccount.core.models import User
from keyaccount.planning.models import AccountPlan, Initiative, SalesPlan, WeeklyReport

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SalesPlanForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = SalesPlan
        fields = ["user", "team", "period_kind", "period_start", "category", "amount", "currency"]
        widgets = {"period_start": _DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.sellers()
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        elif not (kwargs.get("initial") or {}).get("period_start"):
            self.initial["period_start"] = timezone.localdate().replace(day=1)  # this month


class AccountPlanForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = AccountPlan
        fields = ["year", "target_revenue", "currency", "objectives", "client_goals", "challenges",
                  "competitor_threats", "reviewed_on", "next_review_on"]
        widgets = {"reviewed_on": _DATE, "next_review_on": _DATE,
                   **{name: forms.Textarea(attrs={"rows": 3}) for name in (
                       "objectives", "client_goals", "challenges", "competitor_threats")}}

    def __init__(self, *args, user=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class InitiativeForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Initiative
        fields = ["title", "owner", "due_on", "status", "notes"]
        widgets = {"due_on": _DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        if not self.instance.pk and user is not None and not self.initial.get("owner"):
            self.initial["owner"] = user.pk


class WeeklyReportForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = WeeklyReport
        fields = ["highlights", "problems", "next_week"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ("highlights", "problems", "next_week")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
