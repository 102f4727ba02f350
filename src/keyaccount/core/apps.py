from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Imported for their side effects: the system checks (``kam check``) and the
# ``field__any_of`` lookup (core.lookups) register themselves.
from keyaccount.core import checks, lookups  # noqa: F401
from keyaccount.core.calendar_bounds import bound_every_date_field


class CoreConfig(AppConfig):
    name = "keyaccount.core"
    label = "core"
    verbose_name = _("Workspace")

    def ready(self):
        bound_every_date_field()
