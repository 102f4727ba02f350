"""``kam analyze``: customer analytics on an order file, no database needed.

``kam`` runs ``keyaccount.analytics.cli`` before Django is set up (keyaccount/cli.py); this command
exists so that the list of commands (``kam help``) shows it and ``kam help analyze`` explains it.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from keyaccount.analytics.cli import main as analyze


class Command(BaseCommand):
    help = "Customer analytics on an order file (RFM, ABC/XYZ, BG/NBD, Pareto/NBD, CLV); no database needed."

    def run_from_argv(self, argv):
        # The analysis parses its own arguments, the same ones whichever way it is started.
        sys.exit(analyze(argv[2:]))

    def print_help(self, prog_name, subcommand):
        analyze(["--help"])
