"""``kam token USERNAME``: create an API token and print it once; ``--list`` and ``--revoke``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from keyaccount.core import queries, services
from keyaccount.core.models import User


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = ("Create an API token for USERNAME and print it (only its hash is stored); --list shows the user's "
            "tokens, --revoke NAME stops one (NAME is the token's name or its prefix, kam_…).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        actions = parser.add_mutually_exclusive_group()
        actions.add_argument("--name", default="", help="what the new token is for (unique among live tokens)")
        actions.add_argument("--list", dest="show_list", action="store_true",
                             help="list the user's tokens, never their secrets")
        actions.add_argument("--revoke", metavar="NAME", default=None,
                             help="revoke the live token with this name or prefix")

    def handle(self, *args, username, name, show_list, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”.", returncode=2)
        if show_list:
            self._list(user)
        elif revoke is not None:
            self._revoke(user, revoke)
        else:
            self._create(user, name)

    def _create(self, user: User, name: str) -> None:
        if not user.is_active:
            raise CommandError(f"User “{user.username}” is deactivated.", returncode=2)
        try:
            _token, secret = services.token_create(user=user, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
        self.stdout.write(secret)

    def _list(self, user: User) -> None:
        tokens = list(queries.tokens_of(user))
        if not user.is_active:
            self.stdout.write(f"{user.username} is deactivated: none of their tokens works.")
        if not tokens:
            self.stdout.write(f"{user.username} has no API tokens.")
            return
        rows = [("NAME", "PREFIX", "CREATED", "LAST USED", "REVOKED")]
        rows += [(token.name or "-", f"{token.prefix}…", _when(token.created_at), _when(token.last_used_at),
                  _when(token.revoked_at)) for token in tokens]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())

    def _revoke(self, user: User, reference: str) -> None:
        """A name shared by several live tokens (only tokens made before names were unique can share
        one) is refused rather than revoking all of them: the operator picks by prefix."""
        if not user.is_active:
            raise CommandError(f"User “{user.username}” is deactivated: none of their tokens works.", returncode=2)
        matches = queries.tokens_called(owner=user, reference=reference)
        live = [token for token in matches if token.revoked_at is None]
        if not matches:
            raise CommandError(f"{user.username} has no token “{reference}” (see kam token {user.username} --list).",
                               returncode=2)
        if not live:
            self.stdout.write(f"Token “{reference}” of {user.username} was already revoked.")
            return
        if len(live) > 1:
            prefixes = ", ".join(f"{token.prefix}…" for token in live)
            raise CommandError(f"{len(live)} live tokens of {user.username} are called “{reference}” ({prefixes}); "
                               f"revoke them one at a time by prefix.", returncode=2)
        # The operator at the server's shell acts in the owner's name, as when the token was made.
        services.token_revoke(user=user, token=live[0])
        self.stdout.write(f"Revoked {live[0].prefix}… ({live[0].name or 'no name'}) of {user.username}.")
