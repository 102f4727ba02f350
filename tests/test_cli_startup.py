"""``kam --help`` and ``kam analyze --help`` answer without loading what only the work needs.

Checked on what a fresh process has imported when it ends, not on time, which a shared machine
cannot measure steadily; docs/benchmarks.md has the CPU times.
"""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import ManagementUtility, get_commands

from keyaccount.cli import installed_commands, main_help_text

# Imported only for the work itself: the analysis (numpy, scipy, polars) and documents (PDF, Word, Excel).
HEAVY = {"numpy", "scipy", "polars", "weasyprint", "docxtpl", "openpyxl"}

# ``kam ARGS`` as the installed script runs it, writing the names of the modules it imported on exit
# (``-X importtime`` would miss those Django imports with importlib, such as the apps' models).
PROBE = """
import atexit, sys
from pathlib import Path
imported = Path(sys.argv.pop(1))
atexit.register(lambda: imported.write_text("\\n".join(sys.modules)))
from keyaccount.cli import main
sys.exit(main())
"""


def kam(tmp_path, *args):
    """Run ``kam ARGS`` in a fresh process: its result, and the modules and top-level packages it imported."""
    env = {"KAM_SECRET_KEY": "test", "KAM_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    imported = tmp_path / "imported.txt"
    result = subprocess.run([sys.executable, "-c", PROBE, str(imported), *args], env=env,
                            capture_output=True, text=True, timeout=120)
    modules = set(imported.read_text().split())
    return result, {name.split(".")[0] for name in modules}, modules, result.stderr


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"], []], ids=["--help", "-h", "help", "no arguments"])
def test_kam_help_lists_djangos_commands_without_setting_django_up(tmp_path, args):
    result, packages, modules, errors = kam(tmp_path, *args)
    assert result.returncode == 0, errors
    assert result.stdout == ManagementUtility(["kam"]).main_help_text() + "\n"
    for command in ("migrate", "serve", "backup", "import", "insights", "support"):
        assert f"\n    {command}\n" in result.stdout
    assert not packages & HEAVY
    # No app's models were loaded: that is django.setup(), most of a command's start-up.
    assert "django.db.models" not in modules and "keyaccount.core.models" not in modules


def test_kam_help_for_one_command_still_sets_django_up(tmp_path):
    result, _packages, modules, errors = kam(tmp_path, "help", "backup")
    assert result.returncode == 0, errors
    assert "usage: kam backup" in result.stdout
    assert "keyaccount.core.models" in modules


def test_setting_django_up_leaves_the_api_and_calendar_libraries_for_later(tmp_path):
    # What every command pays before it starts: the apps' models and ready(), not django-ninja with
    # pydantic (the API's), icalendar (the calendar feed's) or the analysis and documents libraries.
    env = {"KAM_SECRET_KEY": "test", "KAM_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "DJANGO_SETTINGS_MODULE": "keyaccount.settings"}
    probe = "import sys, django; django.setup(); print(' '.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    modules = set(result.stdout.split())
    assert "keyaccount.timeline.calendar" in modules and "keyaccount.core.checks" in modules
    assert not {name.split(".")[0] for name in modules} & (HEAVY | {"ninja", "pydantic", "icalendar"})


def test_the_quick_listing_is_djangos_listing():
    assert installed_commands(settings.INSTALLED_APPS) == get_commands()
    assert main_help_text(get_commands(), prog_name="kam") == ManagementUtility(["kam"]).main_help_text()


def test_an_app_given_by_its_config_class_leaves_the_listing_to_django():
    # Where such an app keeps its commands only its AppConfig knows: kam asks Django, at full cost.
    assert installed_commands(["keyaccount.core.apps.CoreConfig", *settings.INSTALLED_APPS]) is None
    assert installed_commands(["no_such_package"]) is None


def test_kam_analyze_help_loads_neither_django_nor_the_analysis(tmp_path):
    result, packages, _modules, errors = kam(tmp_path, "analyze", "--help")
    assert result.returncode == 0, errors
    assert result.stdout.startswith("usage: kam analyze")
    assert not packages & (HEAVY | {"django"})


def test_kam_analyze_with_a_bad_argument_exits_2_before_loading_the_analysis(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("customer,date,amount\nA,2026-01-05,100\n", encoding="utf-8")
    result, packages, _modules, errors = kam(tmp_path, "analyze", str(orders), "--period", "year")
    assert result.returncode == 2
    assert "kam analyze: argument --period: invalid choice: 'year'" in errors
    assert not packages & (HEAVY | {"django"})


def test_kam_analyze_loads_the_analysis_once_the_arguments_are_good(tmp_path):
    # The other side of the two tests above: the same check sees the libraries when they are used.
    orders = tmp_path / "orders.csv"
    orders.write_text("customer,date,amount\nA,2026-01-05,100\nA,2026-02-05,80\nB,2026-01-20,40\n", encoding="utf-8")
    result, packages, _modules, errors = kam(tmp_path, "analyze", str(orders), "--format", "json")
    assert result.returncode == 0, errors
    assert '"customers"' in result.stdout
    assert {"numpy", "scipy", "polars"} <= packages and "django" not in packages


def test_the_list_of_commands_shows_analyze_and_its_help_is_the_analysis_help(tmp_path):
    listing, _packages, _modules, errors = kam(tmp_path, "--help")
    assert "\n[insights]\n    analyze\n" in listing.stdout, errors
    direct, _packages, _modules, _errors = kam(tmp_path, "analyze", "--help")
    through_help, _packages, _modules, errors = kam(tmp_path, "help", "analyze")
    assert through_help.returncode == 0, errors
    assert through_help.stdout == direct.stdout and "--until" in direct.stdout
