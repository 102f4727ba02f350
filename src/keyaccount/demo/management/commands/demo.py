"""``kam demo``: migrate, load the demo company once, print the logins, serve the UI."""

from __future__ import annotations

import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from keyaccount.core.server import serve
from keyaccount.demo import generator


class Command(BaseCommand):
    help = "Prepare the demo company (migrate, load data once) and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")
        parser.add_argument("--lang", choices=["ru", "en"], default=None,
                            help="language of the demo data and the users (default: KAM_LANGUAGE)")
        parser.add_argument("--reset", action="store_true", help="delete all data and load the demo again")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, port, no_serve, lang, reset, seed, **options):
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.", returncode=2)
        lang = lang or settings.LANGUAGE_CODE.split("-")[0]
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            generator.reset_database()
        if generator.is_loaded():
            self.stdout.write("The demo company is already loaded (use --reset to start over).")
        else:
            started = time.monotonic()
            stats = generator.DemoGenerator(
                lang=lang, seed=seed, progress=lambda step: self.stderr.write(f"  demo: {step}…"),
            ).run()
            self.stdout.write(
                f"Demo company loaded in {time.monotonic() - started:.0f} s: {stats['accounts']} accounts, "
                f"{stats['products']} products, {stats['orders']} orders with {stats['order_lines']} lines."
            )
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nKeyaccount demo: {url}"))
        self.stdout.write("Logins (password “demo” for each):")
        for username, role in generator.DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role.label}")
        if no_serve:
            return
        # The worker sends reminders (by default into DATA_DIR/outbox until KAM_SMTP_HOST is set).
        worker = subprocess.Popen([sys.executable, "-m", "keyaccount.cli", "worker", "--quiet"])
        self.stdout.write(f"Reminders: the worker runs alongside (pid {worker.pid}).")
        try:
            serve(bind=f"127.0.0.1:{port}", workers=1, threads=8)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
