"""Forms of the pipeline: a deal, a stage move with what the stage asks for, a stage, a proposal
with its lines, a Word template."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import main_contact
from keyaccount.accounts.models import Competitor, Contact
from keyaccount.catalog.models import Product
from keyaccount.core import access
from keyaccount.core.choices import VatRate
from keyaccount.core.generic import ServiceFormMixin, VersionField
from keyaccount.core.queries import our_company, seller_requisites
from keyaccount.deals.choices import LossReason
from keyaccount.deals.models import Deal, Proposal, ProposalTemplate, Stage

# How long a new proposal is valid unless the manager says otherwise.
VALID_DAYS = 30
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def _managers():
    return access.sellers(with_administrators=True)


class DealForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()
    products = forms.CharField(label=_("products of interest (SKUs, comma-separated)"), required=False,
                               max_length=2000)

    class Meta:
        model = Deal
        fields = ["kind", "title", "contact", "owner", "amount", "currency", "probability", "expected_close_on",
                  "description", "tender_number", "tender_platform", "tender_procedure", "submission_deadline",
                  "our_bid", "winner", "winning_price"]
        widgets = {"expected_close_on": _DATE, "submission_deadline": _MOMENT,
                   "description": forms.Textarea(attrs={"rows": 3})}

    # Who, what, how much and when; a tender's own fields and the owner (the manager who opens it) last.
    field_order = ["contact", "title", "kind", "amount", "currency", "expected_close_on", "probability", "products",
                   "description", "owner", "tender_number", "tender_platform", "tender_procedure",
                   "submission_deadline", "our_bid", "winner", "winning_price"]

    def __init__(self, *args, user=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        account = account or getattr(self.instance, "account", None)
        self.fields["contact"].queryset = Contact.objects.filter(account=account, erased_at__isnull=True)
        self.fields["owner"].queryset = _managers()
        self.fields["owner"].required = False
        self.fields["submission_deadline"].input_formats = _MOMENT_FORMATS
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("products", ", ".join(self.instance.products.values_list("sku", flat=True)))
        else:
            if not self.initial.get("owner"):  # the new record's own None gives way to the signed-in manager
                self.initial["owner"] = user.pk if user else None
            self.initial.setdefault("currency", settings.KAM_DEFAULT_CURRENCY)
            if not (kwargs.get("initial") or {}).get("contact"):
                main = main_contact(self.fields["contact"].queryset)
                self.initial["contact"] = main.pk if main else None
            self.fields["probability"].required = False

    def clean_products(self):
        skus = [part.strip() for part in self.cleaned_data["products"].split(",") if part.strip()]
        found = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk"))
        missing = [sku for sku in skus if sku not in found]
        if missing:
            raise ValidationError(_("No product with SKU %(skus)s.") % {"skus": ", ".join(missing)})
        return [found[sku] for sku in skus]

    def service_data(self) -> dict:
        data = super().service_data()
        choice = data.pop("vat_rate", "") or VatRate.BY_DATE
        data["vat_by_date"] = choice == VatRate.BY_DATE
        if not data["vat_by_date"]:
            data["vat_rate"] = None if choice == VatRate.NONE else Decimal(choice)
        if data.get("owner") is None:
            data.pop("owner", None)
        if data.get("probability") is None:
            data.pop("probability", None)
        return data


class DealMoveForm(forms.Form):
    version = VersionField()
    stage = forms.ModelChoiceField(label=_("stage"), queryset=Stage.objects.filter(is_active=True))
    loss_reason = forms.ChoiceField(label=_("loss reason"), required=False, choices=[("", "—"), *LossReason.choices])
    lost_to = forms.ModelChoiceField(label=_("lost to"), required=False, queryset=Competitor.objects.all())
    competitor_offer = forms.CharField(label=_("what the competitor offered"), required=False, max_length=5000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    loss_details = forms.CharField(label=_("loss details"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    winner = forms.CharField(label=_("winner (tenders)"), required=False, max_length=300)
    winning_price = forms.DecimalField(label=_("winning price (tenders)"), required=False, min_value=0,
                                       max_digits=18, decimal_places=2)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)

    def move_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key not in ("version", "stage")}
        return {key: value for key, value in data.items() if value not in (None, "")}


class StageForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Stage
        fields = ["code", "name", "position", "probability", "outcome", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class ProposalForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()
    lines = forms.CharField(
        label=_("lines"), required=False, max_length=200_000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One line per row: SKU; quantity; price (empty: list price); discount %; description "
                    "(empty: the product's name)."))

    # Not the model's number: one of the rates a document may carry, or "by the document's date".
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VatRate.choices, required=False)
    # To whom and on which deal, what is offered and until when, the money's terms; the template, the
    # status and the date it went out (the service sets them when it is sent) last.
    field_order = ["contact", "deal", "title", "valid_until", "lines", "currency", "vat_rate", "prices_include_vat",
                   "terms", "language", "template", "status", "sent_on"]

    class Meta:
        model = Proposal
        fields = ["title", "deal", "contact", "language", "currency", "prices_include_vat",
                  "valid_until", "status", "sent_on", "terms", "template"]
        widgets = {"valid_until": _DATE, "sent_on": _DATE, "terms": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        account = account or getattr(self.instance, "account", None)
        self.fields["deal"].queryset = Deal.objects.filter(account=account)
        self.fields["contact"].queryset = Contact.objects.filter(account=account, erased_at__isnull=True)
        self.fields["template"].queryset = ProposalTemplate.objects.all()
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("vat_rate", self._vat_choice(self.instance))
            self.initial.setdefault("lines", "\n".join(
                f"{line.product.sku}; {line.quantity.normalize()}; {line.unit_price}; "
                f"{line.discount_percent.normalize()}; {line.description}"
                for line in self.instance.lines.select_related("product")))
        else:
            self._new_proposal_defaults(user, kwargs.get("initial") or {})
        company = our_company()
        if company.inn:
            # The seller is our company, with the requisites an administrator keeps (core.Company).
            ids = seller_requisites(translation.get_language() or "ru", company)["details"].splitlines()[0]
            self.fields["title"].help_text = _("Seller: %(company)s, %(ids)s") % {"company": company.name, "ids": ids}

    def _new_proposal_defaults(self, user, passed: dict) -> None:
        """Our company's VAT rule, the deal's person (else the account's main contact) and title,
        valid for 30 days, in the manager's language; what the view passed wins."""
        defaults = {"vat_rate": our_company().vat_rate or VatRate.BY_DATE, "currency": settings.KAM_DEFAULT_CURRENCY,
                    "valid_until": timezone.localdate() + dt.timedelta(days=VALID_DAYS)}
        language = (getattr(user, "language", "") or translation.get_language() or "ru")[:2]
        if language in dict(settings.LANGUAGES):
            defaults["language"] = language
        deal = None
        if str(passed.get("deal") or "").isdigit():
            deal = self.fields["deal"].queryset.filter(pk=passed["deal"]).first()
        if deal is not None:
            defaults["title"] = deal.title
            defaults["contact"] = deal.contact_id
        if not defaults.get("contact"):
            main = main_contact(self.fields["contact"].queryset)
            defaults["contact"] = main.pk if main else None
        self.initial.update({**defaults, **passed})

    def _vat_choice(self, proposal) -> str:
        """The choice that shows a stored proposal's rate; a rate no longer offered (18 %) is kept."""
        if proposal.vat_by_date:
            return VatRate.BY_DATE
        if proposal.vat_rate is None:
            return VatRate.NONE
        rate = str(proposal.vat_rate.normalize() if proposal.vat_rate == proposal.vat_rate.to_integral()
                   else proposal.vat_rate)
        if rate not in VatRate.values:
            self.fields["vat_rate"].choices = [*VatRate.choices, (rate, f"{rate} %")]
        return rate

    def clean_lines(self):
        """Rows of "SKU; quantity; price; discount; description"; each error names its row."""
        rows, errors = [], []
        text = self.cleaned_data["lines"]
        entries = [line for line in text.splitlines() if line.strip()]
        skus = {line.split(";")[0].strip() for line in entries}
        products = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk"))
        for number, line in enumerate(entries, start=1):
            parts = [part.strip() for part in line.split(";")] + [""] * 5
            sku, quantity, price, discount, description = parts[:5]
            if sku not in products:
                errors.append(_("Row %(n)s: no product with SKU “%(sku)s”.") % {"n": number, "sku": sku})
                continue
            rows.append({"product_id": products[sku], "quantity": quantity.replace(",", ".").replace(" ", ""),
                         "unit_price": price.replace(",", ".").replace(" ", "") or None,
                         "discount_percent": discount.replace(",", ".").replace("%", "") or None,
                         "description": description})
        if errors:
            raise ValidationError(errors)
        return rows

    def service_data(self) -> dict:
        data = super().service_data()
        choice = data.pop("vat_rate", "") or VatRate.BY_DATE
        data["vat_by_date"] = choice == VatRate.BY_DATE
        if not data["vat_by_date"]:
            data["vat_rate"] = None if choice == VatRate.NONE else Decimal(choice)
        if self.instance.pk and not self.has_changed_lines():
            data.pop("lines", None)
        return data

    def has_changed_lines(self) -> bool:
        return "lines" in self.changed_data


class TemplateUploadForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES)
    file = forms.FileField(label=_("Word file (.docx)"))
    is_default = forms.BooleanField(label=_("default for its language"), required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
