from django import forms
from django.utils.translation import gettext_lazy as _


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or SKU…")}))
    category = forms.CharField(label=_("category"), required=False, max_length=120)
    active = forms.NullBooleanField(label=_("on sale"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
