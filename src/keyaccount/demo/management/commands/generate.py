"""``kam generate``: the demo company in another size, or the scale data set for benchmarks."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from keyaccount.demo import scale


class Command(BaseCommand):
    help = ("Generate data. Without --accounts/--order-lines: the demo company (as `kam demo --no-serve`). "
            "With them: stream the scale data set (e.g. --accounts 100000 --order-lines 10000000) in bounded memory.")

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=None)
        parser.add_argument("--order-lines", type=int, default=None)
        parser.add_argument("--lang", choices=["ru", "en"], default="ru")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, accounts, order_lines, lang, seed, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if accounts is None and order_lines is None:
            call_command("demo", "--no-serve", "--lang", lang)
            return
        accounts, order_lines = accounts or 0, order_lines or 0
        if accounts < 1 or order_lines < 0:
            raise CommandError("--accounts must be at least 1 and --order-lines not negative.", returncode=2)
        started = time.monotonic()
        stats = scale.generate(accounts=accounts, order_lines=order_lines, seed=seed,
                               progress=lambda message: self.stderr.write(message))
        self.stdout.write(f"Generated {stats['accounts']:,} accounts, {stats['contacts']:,} contacts, "
                          f"{stats['orders']:,} orders, {stats['order_lines']:,} lines, {stats['deals']:,} deals, "
                          f"{stats['interactions']:,} calls and meetings, {stats['complaints']:,} complaints, "
                          f"{stats['tickets']:,} tickets in {time.monotonic() - started:.0f} s.\n"
                          f"Sign in as scale-head-0, scale00, scale-support-1, scale-analyst or scale-admin, "
                          f"password '{scale.PASSWORD}'.")
