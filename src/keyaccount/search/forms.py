from django import forms
from django.utils.translation import gettext_lazy as _

# Longer than any name, INN, phone or subject anyone types; longer queries are refused (400).
MAX_QUERY = 200


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Account, INN, person, phone, deal, ticket…"), "autocomplete": "off"}))
