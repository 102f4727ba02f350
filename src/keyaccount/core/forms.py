import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.core.choices import NOTIFICATION_DEFAULTS, REMINDER_LEAD_CHOICES, NotificationChannel, NotificationKind
from keyaccount.core.models import User
from keyaccount.core.working_time import company_calendar, user_calendar

# How long a meeting lasts when only its start is given (the form's default, and forms.js in the browser).
MEETING_MINUTES = 60


def next_meeting_start(user, now: dt.datetime | None = None) -> dt.datetime:
    """When a meeting planned now most likely starts: the next full hour, moved into the user's working
    time (a meeting planned at 19:30 on Friday starts on Monday at 9:00)."""
    calendar = user_calendar(user) if user is not None else company_calendar()
    local = (now or timezone.now()).astimezone(calendar.zone)
    hour = local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    start = calendar.next_working_moment(hour)
    periods = calendar.periods(start.date())
    # A meeting that would run past the end of the working day starts the next working morning.
    if periods and start + dt.timedelta(minutes=MEETING_MINUTES) > periods[-1][1]:
        start = calendar.next_working_moment(periods[-1][1])
    return start


def end_of_working_day(user, now: dt.datetime | None = None) -> dt.datetime:
    """When a task given now is due: the end of today's working day, or of the next one when today's is
    over (or less than an hour of it is left)."""
    calendar = user_calendar(user) if user is not None else company_calendar()
    local = (now or timezone.now()).astimezone(calendar.zone)
    periods = calendar.periods(local.date())
    if periods and periods[-1][1] - dt.timedelta(hours=1) >= local:
        return periods[-1][1]
    day = calendar.next_working_day(local.date() + dt.timedelta(days=1))
    return calendar.periods(day)[-1][1]


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


class NotificationSettingsForm(forms.Form):
    """How each kind of notification reaches the user, and the morning digest of everything unread."""

    digest = forms.BooleanField(
        label=_("Every morning, e-mail me a digest of my unread notifications"), required=False,
        help_text=_("At 8:00 in your time zone, once a day, only when something is unread."))

    def __init__(self, *args, channels: dict[str, str], digest: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["digest"] = digest
        for kind, label in NotificationKind.choices:
            default = NOTIFICATION_DEFAULTS[kind]
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=NotificationChannel.choices, initial=channels[kind],
                help_text=_("Usually: %(channel)s") % {"channel": NotificationChannel(default).label})

    def kind_fields(self):
        return [self[kind] for kind in NotificationKind.values]

    def service_data(self) -> dict:
        return {"channels": {kind: self.cleaned_data[kind] for kind in NotificationKind.values},
                "digest": self.cleaned_data["digest"]}
