"""``kam serve``: production-style serving (gunicorn), static files served by the app (whitenoise)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from keyaccount.core.server import serve


class Command(BaseCommand):
    help = "Serve Keyaccount with gunicorn; static files come from the app itself."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")

    def handle(self, *args, bind, workers, threads, **options):
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.", returncode=2)
        if ":" not in bind:
            raise CommandError(f"--bind takes address:port, e.g. 0.0.0.0:8000, not “{bind}”.", returncode=2)
        serve(bind=bind, workers=workers, threads=threads)
