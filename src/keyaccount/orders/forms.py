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


class OrderImportForm(forms.Form):
    file = forms.FileField(label=_("order lines file"), required=False,
                           help_text=_("CSV or XLSX, a row per order line: number, date, INN (and KPP), SKU, "
                                       "quantity, price or amount; discount, currency and status if you have them"))
    mapping = forms.CharField(label=_("column mapping"), required=False, max_length=2000,
                              help_text=_("Only if your headers are not the usual ones: number=Док,inn=ИНН покупателя"))
    encoding = forms.ChoiceField(label=_("encoding"), required=False, choices=[
        ("", _("Detect (UTF-8 or Windows-1251)")), ("utf-8", "UTF-8"), ("cp1251", "Windows-1251")])
    skip_bad = forms.BooleanField(label=_("skip bad rows (and list them) instead of refusing the file"), required=False)
    upload = forms.CharField(required=False, widget=forms.HiddenInput)
