import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from keyaccount.core.choices import REMINDER_LEAD_CHOICES
from keyaccount.core.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "patronymic", "email", "language", "time_zone", "extension",
                  "email_reminders"]

    reminder_leads = forms.TypedMultipleChoiceField(
        label=_("Remind me before meetings, planned calls and deadlines"), choices=REMINDER_LEAD_CHOICES,
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("In the app, and by e-mail if it is on. Travel time to a meeting is added."))

    def clean_time_zone(self):
        value = self.cleaned_data.get("time_zone", "").strip()
        if value and value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Unknown time zone; use a name such as Europe/Moscow."))
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As the browser says")), *settings.LANGUAGES]
        self.initial.setdefault("reminder_leads", self.instance.reminder_leads)

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["reminder_minutes"] = ",".join(str(lead) for lead in sorted(self.cleaned_data["reminder_leads"]))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What is it for?"), max_length=100,
                           help_text=_("A name you will recognise, such as “1C exchange” or “reports script”."))
