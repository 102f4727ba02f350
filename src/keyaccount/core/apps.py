from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Imported for its side effect of registering the system checks (``kam check``).
from keyaccount.core import checks  # noqa: F401
# Imported for its side effect of registering ``field__any_of`` (core.lookups).
from keyaccount.core import lookups  # noqa: F401
from keyaccount.core.calendar_bounds import bound_every_date_field


class CoreConfig(AppConfig):
    name = "keyaccount.core"
    label = "core"
    verbose_name = _("Workspace")

    def ready(self):
        bound_every_date_field()
