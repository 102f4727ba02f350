"""Forms of contract control: a contract, a file, an obligation, fulfilling one."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.contracts.models import Contract, Obligation
from keyaccount.core import access
from keyaccount.core.generic import ServiceFormMixin, VersionField
from keyaccount.core.models import User
from keyaccount.core.queries import our_company_name
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

    # The parties (us and the client), the contract's number and date, what and how much, from when until
    # when, the renewal terms; its status, manager and notes last.
    field_order = ["our_party", "counterparty", "number", "signed_on", "deal", "subject", "value", "currency",
                   "starts_on", "ends_on", "auto_renewal", "renewal_months", "notice_days", "remind_days_before",
                   "status", "owner", "notes"]

    def __init__(self, *args, user=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        account = account or getattr(self.instance, "account", None)
        self.fields["deal"].queryset = Deal.objects.filter(account=account)
        self.fields["owner"].queryset = access.sellers(with_administrators=True)
        self.fields["owner"].required = False
        for name in ("our_party", "counterparty"):
            self.fields[name].required = False
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        else:
            # Our company's legal name (core.Company), the client's, signed and starting today, by the
            # signed-in manager; what the view passed wins.
            today = timezone.localdate()
            self.initial.update({"our_party": our_company_name(), "counterparty": account.name if account else "",
                                 "signed_on": today, "starts_on": today, "owner": getattr(user, "pk", None),
                                 **(kwargs.get("initial") or {})})

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

    # Whose it is and who answers for it, what and by when, how much; the reminder, the orders it covers
    # and how it was fulfilled last.
    field_order = ["side", "responsible", "title", "kind", "due_on", "amount", "remind_days_before", "orders",
                   "status", "done_on", "evidence"]

    def __init__(self, *args, user=None, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.fields["done_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        contract = contract or getattr(self.instance, "contract", None)
        self.fields["orders"].queryset = (Order.objects.filter(account_id=contract.account_id).order_by("-ordered_on")
                                          if contract else Order.objects.none())
        self.fields["responsible"].queryset = User.objects.filter(is_active=True)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        elif user is not None and not (kwargs.get("initial") or {}).get("responsible"):
            self.initial["responsible"] = user.pk


class FulfilForm(forms.Form):
    version = VersionField()
    evidence = forms.CharField(label=_("evidence"), required=False, max_length=5000,
                               widget=forms.TextInput(attrs={"placeholder": _("waybill, payment order, act…")}))
