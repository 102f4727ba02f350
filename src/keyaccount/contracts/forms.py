"""Forms of contract control: a contract, a file, an obligation, fulfilling one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.contracts.models import Contract, Obligation
from keyaccount.core import access
from keyaccount.core.generic import ServiceFormMixin, VersionField
from keyaccount.core.models import User
from keyaccount.deals.models import Deal
from keyaccount.orders.models import Order

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Contract
        fields = ["number", "signed_on", "deal", "owner", "our_party", "counterparty", "subject", "value", "currency",
                  "starts_on", "ends_on", "auto_renewal", "renewal_months", "notice_days", "remind_days_before",
                  "status", "notes"]
        widgets = {"signed_on": _DATE, "starts_on": _DATE, "ends_on": _DATE,
                   "subject": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        account = account or getattr(self.instance, "account", None)
        self.fields["deal"].queryset = Deal.objects.filter(account=account)
        self.fields["owner"].queryset = access.sellers(with_administrators=True)
        self.fields["owner"].required = False
        for name in ("our_party", "counterparty"):
            self.fields[name].required = False
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        elif user is not None:
            self.initial.setdefault("owner", user.pk)

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("owner", "our_party", "counterparty"):
            if not data.get(name):
                data.pop(name, None)
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"))


class ObligationForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Obligation
        fields = ["side", "kind", "title", "due_on", "amount", "responsible", "status", "done_on", "evidence",
                  "orders", "remind_days_before"]
        widgets = {"due_on": _DATE, "done_on": _DATE, "evidence": forms.Textarea(attrs={"rows": 2}),
                   "orders": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        contract = contract or getattr(self.instance, "contract", None)
        self.fields["orders"].queryset = (Order.objects.filter(account_id=contract.account_id).order_by("-ordered_on")
                                          if contract else Order.objects.none())
        self.fields["responsible"].queryset = User.objects.filter(is_active=True)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class FulfilForm(forms.Form):
    version = VersionField()
    evidence = forms.CharField(label=_("evidence"), required=False, max_length=5000,
                               widget=forms.TextInput(attrs={"placeholder": _("waybill, payment order, act…")}))
