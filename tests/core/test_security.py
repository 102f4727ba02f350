"""Sign-in throttling, sessions of deactivated users, safe exports, deploy checks."""

import subprocess
import sys

from django.urls import reverse

from keyaccount.core import exports, services
from tests.factories import AccountFactory


def test_repeated_failed_logins_are_throttled(client, people):
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "anna", "password": "wrong"})
    locked = client.post(reverse("core:login"), {"username": "anna", "password": "correct horse battery staple"})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()


def test_a_deactivated_users_session_stops_working_at_once(client_for, people, anna_account):
    client = client_for(people["anna"])
    assert client.get(reverse("accounts:account_list")).status_code == 200
    services.user_deactivate(actor=people["admin"], user=people["anna"])
    assert client.get(reverse("accounts:account_list")).status_code == 302


def test_exports_neutralise_formula_cells(client_for, people):
    AccountFactory(name="=HYPERLINK(\"http://evil\")", owner=people["anna"])
    assert exports.neutralise("+1") == "'+1" and exports.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert exports.neutralise("-") == "'-" and exports.neutralise("ok") == "ok" and exports.neutralise(5) == 5
    response = client_for(people["anna"]).get(reverse("accounts:account_export"), {"format": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in content


def test_xlsx_export_opens_and_is_neutralised(client_for, people):
    import io

    from openpyxl import load_workbook

    AccountFactory(name="@cmd", owner=people["anna"])
    response = client_for(people["anna"]).get(reverse("accounts:account_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'@cmd"


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from django.conf import settings

    from keyaccount import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_PASSWORD_VALIDATORS


def test_deploy_checks_pass_with_production_settings(tmp_path):
    env = {"KAM_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789",
           "KAM_DATA_DIR": str(tmp_path), "KAM_HTTPS": "1", "KAM_ALLOWED_HOSTS": "crm.example.com",
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "keyaccount.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_uploads_over_the_limit_are_refused(client_for, people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(people["anna"]).post(reverse("core:profile"), {"first_name": "x" * 5000})
    assert response.status_code == 400
