from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.queries import accounts_visible_to
from keyaccount.catalog.models import Product
from keyaccount.core.generic import ServiceFormMixin, VersionField
from keyaccount.orders.models import Order, OrderLine

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Order
        fields = ["number", "account", "ordered_on", "currency", "status", "payment_due_on", "paid_on", "notes"]
        widgets = {"ordered_on": _DATE, "payment_due_on": _DATE, "paid_on": _DATE,
                   "notes": forms.Textarea(attrs={"rows": 2})}

    # Whose order, its number and date, when it is to be paid; status, currency, payment and notes after.
    field_order = ["account", "number", "ordered_on", "payment_due_on", "status", "currency", "paid_on", "notes"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        if not self.instance.pk and not self.initial.get("ordered_on"):
            self.initial["ordered_on"] = timezone.localdate()

        self.fields["account"].queryset = accounts_visible_to(user).only("id", "name", "short_name")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class OrderLineForm(forms.ModelForm):
    class Meta:
        model = OrderLine
        fields = ["product", "quantity", "unit_price", "discount_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        self.fields["unit_price"].required = False
        self.fields["unit_price"].help_text = _("Empty: the list price")


OrderLineFormSet = forms.inlineformset_factory(Order, OrderLine, form=OrderLineForm, extra=3, can_delete=True)
