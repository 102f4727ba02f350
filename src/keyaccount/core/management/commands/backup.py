"""``kam backup FILE``: the whole installation, every table and every stored file, in one zip archive."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from keyaccount.core import backup


class Command(BaseCommand):
    help = ("Write every table of the database and every stored file to the zip archive FILE (readable by its "
            "owner only: it holds password hashes). FILE appears only when complete.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. /var/backups/keyaccount-2026-03-01.zip")

    def handle(self, *args, file, **options):
        try:
            summary = backup.backup(file)
        except backup.ArchiveError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(f"Backed up {summary.rows} rows of {summary.tables} tables and {summary.files} files to "
                          f"{summary.path} ({summary.size / 1e6:.1f} MB).")
