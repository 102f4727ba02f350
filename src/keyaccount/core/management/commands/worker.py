"""``kam worker``: the background worker (reminders now; other scheduled jobs as they come)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = ("Run the background worker: sends reminders by e-mail and in the app. Its queue is a SQLite file "
            "in the data directory, or Redis when KAM_REDIS_URL is set.")

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=1, help="threads running jobs (default 1)")
        parser.add_argument("--quiet", action="store_true", help="log only warnings and errors")

    def handle(self, *args, workers, quiet, **options):
        if settings.KAM_JOB_QUEUE == "memory":
            raise CommandError("KAM_JOB_QUEUE=memory keeps jobs inside one process; a worker needs sqlite or redis.",
                               returncode=2)
        if not 1 <= workers <= 32:
            raise CommandError(f"--workers must be between 1 and 32, not {workers}.", returncode=2)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `kam migrate` first.", returncode=2)
        where = settings.KAM_REDIS_URL.split("@")[-1] if settings.KAM_JOB_QUEUE == "redis" \
            else settings.HUEY["connection"]["filename"]
        self.stdout.write(f"Keyaccount worker: queue in {settings.KAM_JOB_QUEUE} ({where}); mail via "
                          f"{settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}.")
        self.stdout.flush()
        extra = {"verbose": False} if quiet else {}
        call_command("run_huey", workers=workers, worker_type="thread", periodic=True, **extra)
