"""Forms for the web UI. Validation of the data itself lives on the models and in services; forms
add widgets and parse what a person types (lists of phones, tags)."""

from __future__ import annotations

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.choices import AccountStatus, ContactRoleKind
from keyaccount.accounts.models import Account, AccountFinancials, Competitor, Contact, ContactConsent
from keyaccount.accounts.queries import accounts_visible_to
from keyaccount.accounts.services import clean_emails, clean_phones
from keyaccount.core.generic import RecordsField, ServiceFormMixin, VersionField
from keyaccount.core.models import User

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def main_contact(contacts, *, role: str = ContactRoleKind.DECISION_MAKER) -> Contact | None:
    """The person a form picks first among an account's ``contacts``: the first one with ``role`` (by
    default the one who decides), else the first person added to the account."""
    return (contacts.filter(roles__role=role).order_by("pk").first()
            or contacts.order_by("pk").first())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


class AccountForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()
    tags = forms.CharField(label=_("tags"), required=False, help_text=_("Comma-separated"))
    shared_with = RecordsField(
        label=_("shared with"), required=False, queryset=User.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    status = forms.ChoiceField(label=_("status"), choices=AccountStatus.choices)
    status_reason = forms.CharField(label=_("reason for the status change"), required=False)

    class Meta:
        model = Account
        fields = [
            "name", "short_name", "status", "inn", "kpp", "ogrn", "vat_number", "country", "industry", "size",
            "website", "phone", "owner", "team", "parent", "legal_address", "postal_address", "description", "history",
            "founded_year", "needs", "plans", "notes",
        ]
        widgets = {**{name: forms.Textarea(attrs={"rows": 3}) for name in
                      ("legal_address", "postal_address", "description", "history", "needs", "plans", "notes")},
                   "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                   "website": forms.URLInput(attrs={"placeholder": "https://"})}

    # Who the client is (name, identifiers), its state, how to reach it, who works it, what we know;
    # the rarely used last.
    field_order = ["name", "short_name", "inn", "kpp", "ogrn", "status", "status_reason", "industry", "size",
                   "website", "phone", "legal_address", "postal_address", "owner", "team", "shared_with", "parent",
                   "tags", "description", "needs", "plans", "history", "founded_year", "country", "vat_number",
                   "notes"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)

        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        self.fields["owner"].required = False
        self.fields["parent"].queryset = accounts_visible_to(user).only("id", "name", "short_name")
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))
            self.initial.setdefault("shared_with", [s.user_id for s in self.instance.shares.all()])
        else:
            self.initial.setdefault("owner", getattr(user, "pk", None))

    def clean_tags(self):
        return _lines(self.cleaned_data.get("tags", ""))


class ContactForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()
    roles = forms.MultipleChoiceField(label=_("roles on the account"), required=False,
                                      choices=ContactRoleKind.choices, widget=forms.CheckboxSelectMultiple)
    phones = forms.CharField(label=_("phones"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One per line, any format: 8 916 123-45-67, +7 495 ..."))
    emails = forms.CharField(label=_("e-mails"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One per line"))

    class Meta:
        model = Contact
        fields = [
            "last_name", "first_name", "patronymic", "position", "department", "roles", "phones", "emails",
            "messengers", "preferred_language", "preferred_channel", "form_of_address", "birthday",
            "reports_to", "relationship_strength", "notes",
        ]
        widgets = {"birthday": _DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    # The name as the language writes it (Иванова Анна Сергеевна; Anna Ivanova), the job, the roles, how to
    # reach the person; what a manager learns later at the end.
    field_order = ["last_name", "first_name", "patronymic", "position", "department", "roles", "phones", "emails",
                   "reports_to", "preferred_channel", "preferred_language", "form_of_address",
                   "relationship_strength", "birthday", "messengers", "notes"]

    def __init__(self, *args, user=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        order = list(self.field_order)
        if translation.get_language() and not translation.get_language().startswith("ru"):
            order[:2] = ["first_name", "last_name"]
        self.order_fields(order)
        self.fields["birthday"].widget.attrs["max"] = timezone.localdate().isoformat()
        account = account or (self.instance.account if self.instance.pk else None)
        people = Contact.objects.filter(account=account, erased_at__isnull=True)
        if self.instance.pk:
            people = people.exclude(pk=self.instance.pk)
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("roles", [r.role for r in self.instance.roles.all()])
            self.initial.setdefault("phones", "\n".join(str(p) for p in self.instance.phones.all()))
            self.initial.setdefault("emails", "\n".join(e.email for e in self.instance.emails.all()))
        self.fields["reports_to"].queryset = people

    def clean_phones(self):
        lines = [line for line in (self.cleaned_data.get("phones") or "").splitlines() if line.strip()]
        try:
            clean_phones(lines)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["phones"]) from error
        return lines

    def clean_emails(self):
        lines = _lines(self.cleaned_data.get("emails", ""))
        try:
            clean_emails(lines)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["emails"]) from error
        return lines


class FinancialsForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = AccountFinancials
        fields = ["year", "currency", "revenue", "profit", "employees", "extra"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extra"].required = False
        self.fields["extra"].help_text = _('JSON, e.g. {"EBITDA": 1200000}')
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean_extra(self):
        extra = self.cleaned_data.get("extra") or {}
        if not isinstance(extra, dict):
            raise forms.ValidationError(_('Give the indicators as a JSON object: {"name": value}.'))
        return extra


class CompetitorForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Competitor
        fields = ["name", "website", "strengths", "weaknesses", "notes"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("strengths", "weaknesses", "notes")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class AccountCompetitorForm(forms.Form):
    competitor = forms.ModelChoiceField(label=_("competitor"), queryset=Competitor.objects.all())
    offering = forms.CharField(label=_("what they offer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    since = forms.DateField(label=_("since"), required=False, widget=_DATE)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = ContactConsent
        fields = ["purpose", "given_on", "source", "text_version"]
        widgets = {"given_on": _DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("given_on", timezone.localdate())
