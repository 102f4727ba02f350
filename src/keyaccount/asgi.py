import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")
django_application = get_asgi_application()

from keyaccount.core.uploads import AsgiBodyLimit  # noqa: E402 - needs the settings above

# Django's ASGI handler reads a whole body to disk before any middleware: the limit stands in front.
application = AsgiBodyLimit(django_application)
