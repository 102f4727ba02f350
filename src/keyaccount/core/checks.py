"""System checks (``kam check``) for settings a deployment writes by hand."""

from __future__ import annotations

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

RATE_SETTINGS = ("KAM_API_RATE", "KAM_API_ADDRESS_RATE", "KAM_PUBLIC_FORM_RATE", "KAM_PUBLIC_LINK_RATE",
                 "KAM_INBOUND_RATE", "KAM_LOGIN_ADDRESS_RATE")


@register()
def rates_are_readable(app_configs, **kwargs):
    # Imported when the check runs, not when the core app loads this module: the throttles are
    # django-ninja's, and ninja with pydantic is a third of every command's start-up (start-up
    # cost, not a cycle: tests/test_cli_startup.py).
    from keyaccount.core.throttle import rate_setting

    errors = []
    for name in RATE_SETTINGS:
        try:
            rate_setting(name)
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), id="keyaccount.E001"))
    return errors
