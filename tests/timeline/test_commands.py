"""`kam import calls`: a clear line per problem and exit code 2, or a summary of what was imported."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from keyaccount.timeline.models import Interaction
from tests.timeline.test_importers import CP1251_EXPORT, CP1251_MAPPING, MASTER_CSV


@pytest.mark.django_db
def test_kam_import_calls_reports_what_it_did(tmp_path, people, capsys):
    master = tmp_path / "Master.csv"
    master.write_text(MASTER_CSV)
    call_command("import", "calls", str(master), "--user", "anna")
    assert "Imported 3 calls from 3 rows" in capsys.readouterr().out
    call_command("import", "calls", str(master))
    assert "Imported 0 calls from 3 rows (utf-8); 3 were already there" in capsys.readouterr().out
    export = tmp_path / "calls.csv"
    export.write_bytes(CP1251_EXPORT.encode("cp1251"))
    mapping = tmp_path / "mapping.txt"
    mapping.write_text(CP1251_MAPPING, encoding="utf-8")
    call_command("import", "calls", str(export), "--format", "csv", "--mapping", f"@{mapping}")
    assert Interaction.objects.count() == 5


@pytest.mark.django_db
def test_kam_import_calls_names_bad_rows_and_saves_nothing(tmp_path, people, capsys):
    master = tmp_path / "Master.csv"
    master.write_text(MASTER_CSV.replace(",212,205,", ",abc,205,"))
    with pytest.raises(CommandError) as error:
        call_command("import", "calls", str(master))
    assert error.value.returncode == 2
    assert "Master.csv: Line 1, column 13 (duration)" in capsys.readouterr().err
    assert not Interaction.objects.exists()
    call_command("import", "calls", str(master), "--skip-bad")
    assert "skipped: Line 1" in capsys.readouterr().err and Interaction.objects.count() == 2


def test_a_missing_file_exits_with_2_without_a_traceback(tmp_path):
    env = {"KAM_SECRET_KEY": "test", "KAM_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "keyaccount.cli", "import", "calls", str(tmp_path / "nope.csv")],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "No file" in result.stderr and "Traceback" not in result.stderr
