"""Forms of loyalty: a tier set by hand, a referral, a VIP club event and its invitations."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.models import Account, Contact
from keyaccount.loyalty.choices import InvitationStatus
from keyaccount.loyalty.models import Tier

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OverrideForm(forms.Form):
    tier = forms.ModelChoiceField(label=_("tier"), queryset=Tier.objects.all())
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.TextInput)
    until = forms.DateField(label=_("until (empty: until cleared)"), required=False, widget=_DATE)


class ReferralForm(forms.Form):
    referred = forms.ModelChoiceField(label=_("new client"), queryset=Account.objects.none())
    referred_on = forms.DateField(label=_("when"), required=False, widget=_DATE)
    note = forms.CharField(label=_("notes"), required=False, max_length=5000)

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("referred_on", timezone.localdate())
        self.fields["referred"].queryset = accounts if accounts is not None else Account.objects.none()


class EventForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    starts_at = forms.DateTimeField(label=_("starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("place"), required=False, max_length=300)
    capacity = forms.IntegerField(label=_("places"), required=False, min_value=1, max_value=100000)
    description = forms.CharField(label=_("description"), required=False, max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class InviteForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(label=_("people"), queryset=Contact.objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts if contacts is not None else Contact.objects.none()


class AnswerForm(forms.Form):
    status = forms.ChoiceField(choices=InvitationStatus.choices)
