"""``kam``: every Django management command plus Keyaccount's own, settings preselected."""

from __future__ import annotations

import os
import pkgutil
import sys
from collections import defaultdict
from importlib.machinery import PathFinder
from importlib.util import find_spec

# What Django answers with its list of commands (``kam``, ``kam help``, ``kam --help``, ``kam -h``).
MAIN_HELP_ARGUMENTS = ([], ["help"], ["--help"], ["-h"])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "analyze":
        # Analytics on a file needs no settings and no database: it runs before Django is loaded.
        from keyaccount.analytics.cli import main as analyze

        sys.exit(analyze(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    argv[0] = "kam"
    # The list of commands needs no django.setup(), which is most of a command's start-up; shell
    # completion (``kam`` with DJANGO_AUTO_COMPLETE set) stays Django's.
    if argv[1:] in MAIN_HELP_ARGUMENTS and "DJANGO_AUTO_COMPLETE" not in os.environ:
        commands = installed_commands(settings.INSTALLED_APPS)
        if commands is not None:
            sys.stdout.write(main_help_text(commands, prog_name=argv[0]) + "\n")
            return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def installed_commands(installed_apps: list[str]) -> dict[str, str] | None:
    """Django's ``get_commands()`` (command name: the app that has it) without ``django.setup()``.

    Setting Django up imports every app's models and what they import, about a second of CPU; the
    list of commands needs only the apps' folders, found here without running any package's
    ``__init__``. None when an entry of INSTALLED_APPS is not a plain package (an AppConfig class,
    a namespace package): only setting up tells where such an app's commands are.
    """
    django_management = _package_folder("django.core.management")
    if django_management is None:
        return None
    commands = dict.fromkeys(_commands_in(django_management), "django.core")
    # As in get_commands(): an app listed earlier wins a name over a later one and over Django.
    for app in reversed(installed_apps):
        folder = _package_folder(app)
        if folder is None:
            return None
        commands.update(dict.fromkeys(_commands_in(os.path.join(folder, "management")), app))
    return commands


def main_help_text(commands: dict[str, str], *, prog_name: str) -> str:
    """The text of Django's ``ManagementUtility.main_help_text()`` for these commands."""
    from django.core.management.color import color_style

    by_app = defaultdict(list)
    for name, app in commands.items():
        by_app["django" if app == "django.core" else app.rpartition(".")[-1]].append(name)
    style = color_style()
    lines = ["", f"Type '{prog_name} help <subcommand>' for help on a specific subcommand.", "",
             "Available subcommands:"]
    for app in sorted(by_app):
        lines += ["", style.NOTICE(f"[{app}]"), *(f"    {name}" for name in sorted(by_app[app]))]
    return "\n".join(lines)


def _package_folder(dotted: str) -> str | None:
    """The one folder of package ``dotted``, found without importing it or its parents."""
    parent, _, _ = dotted.rpartition(".")
    if not parent:
        spec = find_spec(dotted)  # a top-level name is found without being imported
    else:
        folder = _package_folder(parent)
        spec = PathFinder.find_spec(dotted, [folder]) if folder else None
    if spec is None or not spec.submodule_search_locations:
        return None
    folders = list(spec.submodule_search_locations)
    return folders[0] if len(folders) == 1 else None


def _commands_in(management_folder: str) -> list[str]:
    # Django's find_commands(): the modules of management/commands, but not those starting with _.
    return [name for _, name, is_package in pkgutil.iter_modules([os.path.join(management_folder, "commands")])
            if not is_package and not name.startswith("_")]


if __name__ == "__main__":
    main()
