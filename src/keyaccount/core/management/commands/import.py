"""``kam import KIND FILE``: import a file of records (a call log, an order history) from the command line,
with what the web's import page does (``core.import_jobs``: the kinds the apps register)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from keyaccount.core import import_jobs
from keyaccount.core.choices import Role
from keyaccount.core.models import User


class Command(BaseCommand):
    help = ("Import records, all or nothing unless --skip-bad. `kam import calls FILE --format asterisk|csv "
            "[--mapping ...]`: a call log (Asterisk Master.csv, or a CSV/XLSX export with a column mapping). "
            "`kam import orders FILE`: order lines (CSV or XLSX: number, date, INN, SKU, quantity, price …), "
            "matched to accounts by INN and to products by SKU.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(import_jobs.kinds()))
        parser.add_argument("file")
        parser.add_argument("--format", dest="file_format", choices=["asterisk", "csv"], default=None,
                            help="calls: asterisk (default) or csv")
        parser.add_argument("--mapping", default=None,
                            help="field=Column pairs (calls: start=Date,src=From,dst=To,duration=Duration,"
                                 "outcome=Status; orders: number=Док,inn=ИНН …), a JSON object, or @FILE with either")
        parser.add_argument("--encoding", default=None, help="the file's encoding (default: detect UTF-8 or CP1251)")
        parser.add_argument("--utc", action="store_true", help="calls: times in the file are UTC "
                                                               "(default: KAM_CDR_TIME_ZONE)")
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
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user “{user}”.", returncode=2)
        else:
            administrators = User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
            actor = administrators.order_by("pk").first()
            if actor is None:
                raise CommandError("There is no administrator to import as; name the user with --user.", returncode=2)
        kind = import_jobs.kinds()[what]
        bar = _ProgressBar(self.stderr, path.stat().st_size) if self.stderr.isatty() else None
        choices = {"file_format": file_format, "mapping": mapping, "encoding": encoding, "utc": utc,
                   "skip_bad": skip_bad}
        try:
            with path.open("rb") as handle:
                report = kind.run(user=actor, file=handle, filename=path.name, options=choices, dry_run=dry_run,
                                  progress=bar)
        except PermissionDenied as error:
            raise CommandError(f"{actor.username} may not import {what}.", returncode=2) from error
        except ValidationError as error:
            if bar:
                bar.done()
            for message in error.messages:
                self.stderr.write(f"{path.name}: {message}")
            raise CommandError("Nothing was imported.", returncode=2) from error
        if bar:
            bar.done()
        for message in report.get("skipped", []):
            self.stderr.write(f"{path.name}: skipped: {message}")
        self.stdout.write(kind.summary(report, dry_run))


class _ProgressBar:
    """One line on a terminal, rewritten after each batch: how far into the file, rows and their rate."""

    WIDTH = 30

    def __init__(self, out, size: int):
        self.out, self.size, self.started, self.shown = out, size, time.monotonic(), False

    def __call__(self, rows: int, done: int) -> None:
        share = min(1.0, done / self.size) if self.size else 1.0
        filled = round(share * self.WIDTH)
        rate = rows / max(time.monotonic() - self.started, 1e-3)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}  {rows:,} rows  "
                       f"{rate:,.0f} rows/s", ending="")
        self.out.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.out.write("")
