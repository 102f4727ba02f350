"""The `kam` command line: tokens, and clear errors with exit code 2."""

import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command

from keyaccount.core.models import ApiToken


@pytest.mark.django_db
def test_kam_token_prints_a_working_token_once(client, people, capsys):
    call_command("token", "anna")
    secret = capsys.readouterr().out.strip()
    assert ApiToken.objects.filter(user=people["anna"]).count() == 1
    assert client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_kam_token_for_an_unknown_user_exits_with_2(tmp_path):
    env = {"KAM_SECRET_KEY": "test", "KAM_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "keyaccount.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    # A fresh install's database has the cache table the rate limits count in (migration core.0004).
    with sqlite3.connect(tmp_path / "keyaccount.sqlite3") as database:
        assert database.execute("SELECT name FROM sqlite_master WHERE name = 'kam_cache'").fetchone()
    result = subprocess.run([sys.executable, "-m", "keyaccount.cli", "token", "nobody"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "No user “nobody”" in result.stderr and "Traceback" not in result.stderr
