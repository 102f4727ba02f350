"""``kam``: every Django management command plus Keyaccount's own, settings preselected."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "kam"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
