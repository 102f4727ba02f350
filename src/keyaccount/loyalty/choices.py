from django.db import models
from django.utils.translation import gettext_lazy as _


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Coming")
    DECLINED = "declined", _("Not coming")
    ATTENDED = "attended", _("Came")
    NO_SHOW = "no_show", _("Did not come")
