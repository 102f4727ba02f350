"""``kam insights refresh``: score every account now (the worker does it every night)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from keyaccount.insights import services


class Command(BaseCommand):
    help = "Refresh the account scores (RFM, ABC/XYZ, p_alive, CLV, health) and send churn alerts."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args, action, **options):
        try:
            result = services.refresh()
        except DatabaseError as error:  # a database that is not migrated, for one; a bug keeps its traceback
            raise CommandError(str(error)) from error
        self.stdout.write(f"{result['scored']} accounts scored, {result['alerts']} churn alerts sent")
