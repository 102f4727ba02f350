"""``kam token USERNAME``: create an API token and print it once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from keyaccount.core import services
from keyaccount.core.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”.", returncode=2)
        if not user.is_active:
            raise CommandError(f"User “{username}” is deactivated.", returncode=2)
        _token, secret = services.token_create(user=user, name=name)
        self.stdout.write(secret)
