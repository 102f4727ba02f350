"""The house's layers hold, and the contracts that guard them would catch a break (pyproject.toml,
[tool.importlinter]): an upward import, an import cycle inside an app, Django reaching analytics."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

LAYERS = "Layers: entry points, API, domain apps from the widest down, core"
PURE_ANALYTICS = "Analytics is pure computation: no Django, no other part of Keyaccount"
NO_CYCLES = "No cycles between apps or between the modules of one app"


def lint_imports(source: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=source.parent, env={"PYTHONPATH": str(source.parent), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def source(tmp_path) -> Path:
    """A copy of the package to break on purpose."""
    copy = tmp_path / "keyaccount"
    shutil.copytree(ROOT / "src/keyaccount", copy, ignore=shutil.ignore_patterns(
        "__pycache__", "static", "templates", "locale", "*.json", "*.docx"))
    return copy


def broken(result: subprocess.CompletedProcess) -> str:
    """The contracts the report calls broken."""
    return "\n".join(line for line in result.stdout.splitlines() if line.endswith("BROKEN"))


def test_the_code_as_it_is_keeps_every_contract(source):
    result = lint_imports(source)
    assert result.returncode == 0, result.stdout
    assert "3 kept, 0 broken" in result.stdout


def test_core_importing_a_domain_app_breaks_the_layers(source):
    with (source / "core/access.py").open("a") as module:
        module.write("\nfrom keyaccount.deals.models import Deal  # noqa\n")
    result = lint_imports(source)
    assert result.returncode == 1
    assert LAYERS in broken(result) and "keyaccount.core.access -> keyaccount.deals.models" in result.stdout


def test_an_import_inside_a_function_counts_like_any_other(source):
    with (source / "accounts/queries.py").open("a") as module:
        module.write("\n\ndef upward():\n    from keyaccount.feedback.models import Feedback  # noqa\n")
    result = lint_imports(source)
    assert result.returncode == 1 and LAYERS in broken(result)


def test_a_cycle_between_modules_of_one_app_breaks_the_build(source):
    with (source / "timeline/queries.py").open("a") as module:
        module.write("\nfrom keyaccount.timeline import services  # noqa\n")
    result = lint_imports(source)
    assert result.returncode == 1
    assert NO_CYCLES in broken(result) and LAYERS not in broken(result)


def test_the_demo_is_at_the_top_nothing_imports_it(source):
    with (source / "api/urls.py").open("a") as module:
        module.write("\nfrom keyaccount.demo import generator  # noqa\n")
    result = lint_imports(source)
    assert result.returncode == 1 and LAYERS in broken(result)


def test_analytics_may_not_import_django(source):
    with (source / "analytics/summary.py").open("a") as module:
        module.write("\nfrom django.conf import settings  # noqa\n")
    result = lint_imports(source)
    assert result.returncode == 1 and PURE_ANALYTICS in broken(result)
