from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "keyaccount.core"
    label = "core"
    verbose_name = _("Workspace")

    def ready(self):
        from keyaccount.core import checks  # noqa: F401 - registers the system checks
