"""``kam import calls FILE``: import a call log from the phone system."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from keyaccount.core.models import User
from keyaccount.timeline import importers


class Command(BaseCommand):
    help = ("Import records. `kam import calls FILE --format asterisk|csv [--mapping ...]`: a call log "
            "(Asterisk Master.csv, or a CSV/XLSX export with a column mapping). All or nothing unless --skip-bad.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["calls"])
        parser.add_argument("file")
        parser.add_argument("--format", dest="file_format", choices=["asterisk", "csv"], default="asterisk")
        parser.add_argument("--mapping", default=None,
                            help="field=Column pairs (start=Date,src=From,dst=To,duration=Duration,outcome=Status), "
                                 "a JSON object, or @FILE with either")
        parser.add_argument("--encoding", default=None, help="the file's encoding (default: detect UTF-8 or CP1251)")
        parser.add_argument("--utc", action="store_true", help="times in the file are UTC (default: KAM_CDR_TIME_ZONE)")
        parser.add_argument("--skip-bad", action="store_true", help="import the good rows and list the bad ones")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
        parser.add_argument("--user", default=None, help="who imports (recorded in the audit log); default: the "
                                                         "first administrator")

    def handle(self, *args, what, file, file_format, mapping, encoding, utc, skip_bad, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file “{file}”.", returncode=2)
        if mapping and mapping.startswith("@"):
            mapping_path = Path(mapping[1:])
            if not mapping_path.is_file():
                raise CommandError(f"No mapping file “{mapping[1:]}”.", returncode=2)
            mapping = mapping_path.read_text(encoding="utf-8")
        actor = (User.objects.filter(username=user).first() if user else
                 User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()) or User()
        if user and not actor.pk:
            raise CommandError(f"No user “{user}”.", returncode=2)
        bar = _ProgressBar(self.stderr) if self.stderr.isatty() else None
        try:
            with path.open("rb") as handle:
                report = importers.import_calls(user=actor, data=handle, filename=path.name, fmt=file_format,
                                                mapping=mapping, skip_bad=skip_bad, encoding=encoding, utc=utc,
                                                dry_run=dry_run, progress=bar)
        except ValidationError as error:
            if bar:
                bar.done()
            for message in error.messages:
                self.stderr.write(f"{path.name}: {message}")
            raise CommandError("Nothing was imported.", returncode=2) from error
        if bar:
            bar.done()
        for message in report.skipped:
            self.stderr.write(f"{path.name}: skipped: {message}")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.created} calls from {report.rows} rows ({report.encoding}); {report.duplicates} were "
            f"already there; {report.matched} matched, {report.unmatched} unmatched and {report.ambiguous} ambiguous "
            f"wait in the queue; {report.skipped_rows} bad rows skipped."
        )


class _ProgressBar:
    """One line on a terminal, rewritten after each batch: how far into the file, rows and their rate."""

    WIDTH = 30

    def __init__(self, out):
        self.out, self.started, self.shown = out, time.monotonic(), False

    def __call__(self, rows: int, done: int, size: int) -> None:
        share = min(1.0, done / size) if size else 1.0
        filled = round(share * self.WIDTH)
        rate = rows / max(time.monotonic() - self.started, 1e-3)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}  {rows:,} rows  "
                       f"{rate:,.0f} rows/s", ending="")
        self.out.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.out.write("")
