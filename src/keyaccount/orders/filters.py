from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.core.generic import IdField
from keyaccount.orders.models import OrderStatus

_DATE = forms.DateInput(attrs={"type": "date"})


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Order number…")}))
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", "—"), *OrderStatus.choices])
    date_from = forms.DateField(label=_("from"), required=False, widget=_DATE)
    date_to = forms.DateField(label=_("to"), required=False, widget=_DATE)
    account = IdField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
