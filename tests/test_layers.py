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


BREAKS = {
    # where the line goes: (the line, the contract it breaks)
    "core importing a domain app": ("core/access.py", "\nfrom keyaccount.deals.models import Deal  # noqa\n", LAYERS),
    "an upward import inside a function": ("accounts/queries.py", "\n\ndef upward():\n"
                                           "    from keyaccount.feedback.models import Feedback  # noqa\n", LAYERS),
    "the API importing the demo": ("api/urls.py", "\nfrom keyaccount.demo import generator  # noqa\n", LAYERS),
    "a cycle between modules of one app": ("timeline/queries.py",
                                           "\nfrom keyaccount.timeline import services  # noqa\n", NO_CYCLES),
    "Django in analytics": ("analytics/summary.py", "\nfrom django.conf import settings  # noqa\n", PURE_ANALYTICS),
}


@pytest.mark.parametrize("break_", BREAKS.values(), ids=BREAKS.keys())
def test_each_kind_of_break_fails_the_contract_that_guards_against_it(source, break_):
    module, line, contract = break_
    with (source / module).open("a") as code:
        code.write(line)
    result = lint_imports(source)
    assert result.returncode == 1
    assert f"{contract} BROKEN" in broken(result).splitlines(), result.stdout
