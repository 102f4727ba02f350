from django import forms

from keyaccount.catalog.models import Product
from keyaccount.core.generic import ServiceFormMixin, VersionField


class ProductForm(ServiceFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Product
        fields = ["sku", "name", "category", "unit", "list_price", "currency", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
