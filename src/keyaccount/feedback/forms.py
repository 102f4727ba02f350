"""Forms of the feedback loop: a record, each step of it, a public link, and the public form."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.choices import ContactRoleKind
from keyaccount.accounts.forms import main_contact
from keyaccount.accounts.models import Contact
from keyaccount.core.generic import ServiceFormMixin, VersionField
from keyaccount.core.models import User
from keyaccount.feedback import services
from keyaccount.feedback.choices import (
    SURVEY_SCALE,
    Channel,
    ClientReaction,
    FeedbackKind,
    SuggestionOutcome,
    SurveyKind,
    TicketPriority,
    TicketStatus,
)
from keyaccount.feedback.models import MAX_TEXT, Feedback, FeedbackCategory

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# How the client can have been told the outcome (not through a form or a survey).
INFORMED_CHANNELS = [(value, label) for value, label in Channel.choices
                     if value not in (Channel.WEB_FORM, Channel.SURVEY)]


class FeedbackForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Feedback
        fields = ["kind", "channel", "contact", "category", "severity", "subject", "text", "assignee", "order",
                  "product", "deal", "contract", "received_at"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5}), "received_at": _MOMENT}

    # Who, what kind, how and when it came; what they said; how serious and who handles it; what it is
    # about (an order, a product, a deal, a contract) last.
    field_order = ["contact", "kind", "channel", "received_at", "subject", "text", "severity", "category",
                   "assignee", "order", "product", "deal", "contract"]

    def __init__(self, *args, user=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        account = account or getattr(self.instance, "account", None)
        self.fields["contact"].queryset = Contact.objects.filter(account=account, erased_at__isnull=True)
        self.fields["category"].queryset = FeedbackCategory.objects.filter(is_active=True)
        self.fields["assignee"].queryset = User.objects.filter(is_active=True)
        for name, related in (("order", "orders"), ("deal", "deals"), ("contract", "contracts")):
            field = self.fields[name]
            field.queryset = getattr(account, related).all() if account else field.queryset.none()
        for name in set(self.fields) & set(services.COMMERCIAL_LINKS) - set(services.fields_for(user)):
            del self.fields[name]
        self.fields["received_at"].required = False
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        elif account is not None:
            # The account's main contact, its manager (the service's choice too) and now.
            main = main_contact(self.fields["contact"].queryset)
            self.initial.update({"contact": main.pk if main else None, "assignee": account.owner_id,
                                 "received_at": timezone.now(), **(kwargs.get("initial") or {})})

    def service_data(self) -> dict:
        data = super().service_data()
        if not data.get("received_at"):
            data.pop("received_at", None)
        return data


class RespondForm(forms.Form):
    version = VersionField()
    note = forms.CharField(label=_("what we told the client"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    version = VersionField()
    resolution = forms.CharField(label=_("what was done"), max_length=MAX_TEXT,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label=_("outcome (suggestions)"), required=False,
                                choices=[("", "—"), *SuggestionOutcome.choices])
    outcome_reason = forms.CharField(label=_("why"), required=False, max_length=MAX_TEXT,
                                     widget=forms.Textarea(attrs={"rows": 2}))


class InformForm(forms.Form):
    version = VersionField()
    via = forms.ChoiceField(label=_("how the client was told"), choices=INFORMED_CHANNELS)
    at = forms.DateTimeField(label=_("when"), required=False, widget=_MOMENT,
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("at", timezone.now())
    reaction = forms.ChoiceField(label=_("the client's reaction"), required=False,
                                 choices=[("", "—"), *ClientReaction.choices])
    note = forms.CharField(label=_("what the client said"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(forms.Form):
    version = VersionField()


class LinkForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("for one person (optional)"), required=False,
                                     queryset=Contact.objects.none())
    expires_on = forms.DateField(label=_("valid until"), required=False, widget=_DATE)

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(account=account, erased_at__isnull=True)


class PublicFeedbackForm(forms.Form):
    """What a client fills in without signing in. ``website`` is a trap for robots: people never
    see it (it is hidden), robots fill every field."""

    kind = forms.ChoiceField(label=_("This is"), choices=FeedbackKind.choices, initial=FeedbackKind.COMPLAINT)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Tell us"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Your name"), required=False, max_length=150)
    email = forms.EmailField(label=_("Your e-mail, for the answer"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    website = forms.CharField(required=False, max_length=200, widget=forms.TextInput(attrs={
        "autocomplete": "off", "tabindex": "-1"}))

    def clean_text(self):
        text = self.cleaned_data["text"]
        if "\x00" in text:
            raise forms.ValidationError(_("The text has characters that cannot be stored."))
        return text


class SurveySendForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("person"), queryset=Contact.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=SurveyKind.choices)

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(account=account, erased_at__isnull=True)
        if "contact" not in self.initial:
            main = main_contact(self.fields["contact"].queryset)
            self.initial["contact"] = main.pk if main else None


class SurveyAnswerForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Your score"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything to add?"), required=False, max_length=MAX_TEXT,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, kind=SurveyKind.NPS, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = SURVEY_SCALE[kind]
        self.fields["score"].choices = [(value, str(value)) for value in range(low, high + 1)]


class TicketForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("user"), queryset=Contact.objects.none())
    subject = forms.CharField(label=_("subject"), max_length=300)
    body = forms.CharField(label=_("what the user says"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 5}))
    priority = forms.ChoiceField(label=_("priority"), choices=TicketPriority.choices, initial=TicketPriority.NORMAL)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices, initial=Channel.CALL)

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(account=account, erased_at__isnull=True)
        if "contact" not in self.initial:
            # A ticket comes from someone who uses the product: the first such person, else the main contact.
            main = main_contact(self.fields["contact"].queryset, role=ContactRoleKind.USER) \
                or main_contact(self.fields["contact"].queryset)
            self.initial["contact"] = main.pk if main else None


class TicketReplyForm(forms.Form):
    version = VersionField()
    body = forms.CharField(label=_("reply"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(label=_("then"), choices=[(TicketStatus.WAITING, _("wait for the user")),
                                                        (TicketStatus.SOLVED, _("solved")),
                                                        (TicketStatus.OPEN, _("keep open"))])


class TicketNoteForm(forms.Form):
    body = forms.CharField(label=_("internal note"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 2}))


class TicketUpdateForm(forms.Form):
    version = VersionField()
    status = forms.ChoiceField(label=_("status"), choices=TicketStatus.choices)
    priority = forms.ChoiceField(label=_("priority"), choices=TicketPriority.choices)
    assignee = forms.ModelChoiceField(label=_("assignee"), required=False, queryset=User.objects.filter(is_active=True))


class AssignMailForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("whose it is"), queryset=Contact.objects.none())

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts if contacts is not None else Contact.objects.none()
