"""Sign-in throttling, sessions of deactivated users, safe exports, deploy checks, and the headers
(Content-Security-Policy, Referrer-Policy, nosniff) on every kind of response."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

import keyaccount
from keyaccount.core import exports, services
from tests.factories import AccountFactory, ContactFactory, OrderFactory

# Templates that never reach a browser under our headers: e-mails, and pages rendered only to PDF.
NOT_SERVED = re.compile(r"(/email/|_pdf\.html$|/brief_print\.html$|/report_print\.html$)")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=|\shx-on[:\-]|javascript:""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
STYLE_WITHOUT_NONCE = re.compile(r"<style(?![^>]*\snonce=)[^>]*>", re.IGNORECASE)
TEMPLATES = sorted(path for path in Path(keyaccount.__file__).parent.rglob("templates/**/*.html"))


def assert_safe_headers(response, what):
    policy = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "script-src 'self'" in policy, what
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, what
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, what
    assert response.get("Referrer-Policy") == "same-origin", what
    assert response.get("X-Content-Type-Options") == "nosniff", what


def assert_no_inline_code(html, what):
    for pattern in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE, STYLE_WITHOUT_NONCE):
        assert not pattern.search(html), f"{what}: {pattern.search(html).group(0)}"


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


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path).split("/keyaccount/")[-1])
def test_no_served_template_has_inline_script_handler_or_style(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "scripts come from static files (script-src 'self')"
    if not NOT_SERVED.search(str(template)):
        assert not INLINE_HANDLER.search(text), "behaviour goes to static/keyaccount/app.js (data- attributes)"
        assert not STYLE_ATTRIBUTE.search(text), "styles go to a class in static/keyaccount/app.css"
        assert not STYLE_WITHOUT_NONCE.search(text), "an inline <style> carries nonce=\"{{ request.csp_nonce }}\""


def test_the_template_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>') and not INLINE_SCRIPT.search('<script src="/a.js">')
    assert INLINE_HANDLER.search('<select onchange="x()">') and INLINE_HANDLER.search('<a href="javascript:x()">')
    assert INLINE_HANDLER.search('<div hx-on:click="x()">') and not INLINE_HANDLER.search('<div data-online="1">')
    assert STYLE_ATTRIBUTE.search('<p style="color: red">') and not STYLE_ATTRIBUTE.search('<link rel="stylesheet">')
    assert len(TEMPLATES) > 50


def test_every_page_of_the_main_menu_carries_the_security_headers(client_for, people, anna_account):
    ContactFactory(account=anna_account)
    OrderFactory(account=anna_account)
    admin = people["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(admin)
    home = client.get(reverse("accounts:account_list"))
    menu = re.search(r'<header class="topbar">(.*?)</header>', home.content.decode(), re.S).group(1)
    pages = sorted(set(re.findall(r'href="(/[^"#?]*)"', menu)))
    pages += [reverse("core:tokens"), anna_account.get_absolute_url(), "/admin/", "/admin/core/apitoken/"]
    assert len(pages) >= 18, pages
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe_headers(response, url)
        assert_no_inline_code(response.content.decode(), url)


def test_errors_api_answers_and_anonymous_pages_carry_the_headers_too(client, people):
    token_secret = services.token_create(user=people["anna"])[1]
    responses = {
        "sign-in page": client.get(reverse("core:login")),
        "404 page": client.get("/no-such-page/"),
        "API answer": client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {token_secret}"),
        "API 401": client.get("/api/v1/accounts/"),
        "API 404": client.get("/api/v1/accounts/999999", HTTP_AUTHORIZATION=f"Bearer {token_secret}"),
        "API 422": client.post("/api/v1/accounts/", {}, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token_secret}"),
        "static file": client.get("/static/keyaccount/app.js"),
    }
    for what, response in responses.items():
        assert_safe_headers(response, what)
    assert responses["404 page"].status_code == 404 and responses["API 401"].status_code == 401


def test_the_printable_account_plan_styles_itself_with_the_requests_nonce(client_for, people, anna_account):
    from keyaccount.planning import services as planning_services

    plan = planning_services.account_plan_create(user=people["anna"], account=anna_account,
                                                 data={"year": 2026, "goals": "Grow"})
    response = client_for(people["anna"]).get(reverse("planning:account_plan_print", args=[plan.pk]),
                                              {"format": "html"})
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
