"""``kam``: every Django management command plus Keyaccount's own, settings preselected."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "analyze":
        # Analytics on a file needs no settings and no database: it runs before Django is loaded.
        from keyaccount.analytics.cli import main as analyze

        sys.exit(analyze(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    argv[0] = "kam"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
