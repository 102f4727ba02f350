import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "patronymic", "email", "language", "time_zone", "extension"]

    def clean_time_zone(self):
        value = self.cleaned_data.get("time_zone", "").strip()
        if value and value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Unknown time zone; use a name such as Europe/Moscow."))
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As the browser says")), *settings.LANGUAGES]
