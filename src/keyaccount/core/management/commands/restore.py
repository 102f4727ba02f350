"""``kam restore FILE``: put a ``kam backup`` archive back into an empty installation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from keyaccount.core import backup


class Command(BaseCommand):
    help = ("Restore the archive FILE written by “kam backup”: the same rows with the same keys and the same "
            "files, all or nothing. The installation must be empty unless --force. Stop the app and the worker "
            "first.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true",
                            help="replace everything the installation holds (rows and same-named files)")
        parser.add_argument("--check", action="store_true",
                            help="only check the archive (checksums, format, migrations); change nothing")

    def handle(self, *args, file, force, check, **options):
        try:
            summary = backup.restore(file, force=force, check_only=check)
        except backup.ArchiveError as error:
            raise CommandError(str(error), returncode=2) from error
        made = (f"made {summary.created_at} by Keyaccount {summary.keyaccount_version} on "
                f"{summary.database_vendor}")
        verb = "The archive is sound and restorable" if check else "Restored"
        self.stdout.write(f"{verb}: {summary.rows} rows of {summary.tables} tables and {summary.files} files "
                          f"({made}).")
