"""`kam backup` and `kam restore`: everything comes back exactly, across databases; a bad archive restores nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
import sys
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from keyaccount.accounts import services as account_services
from keyaccount.accounts.models import Account, Contact, Tag
from keyaccount.contracts import services as contract_services
from keyaccount.core import backup
from keyaccount.core import services as core_services
from keyaccount.core.models import AuditEntry, Notification, User
from keyaccount.deals import services as deal_services
from keyaccount.feedback import services as feedback_services
from keyaccount.insights.models import AccountScore
from keyaccount.loyalty import services as loyalty_services
from keyaccount.loyalty.models import Tier
from keyaccount.orders.models import OrderLine
from keyaccount.timeline import services as timeline_services
from tests.database_snapshot import snapshot
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct horse 42"
ATTACHMENT = b"%PDF-1.4\n" + bytes(range(256)) * 40
SNAPSHOT = "from tests.database_snapshot import print_snapshot; print_snapshot()"
# Content types made in another order than the source's, so their ids differ and must be mapped.
SHUFFLE_CONTENT_TYPES = """
from django.contrib.contenttypes.models import ContentType
names = list(ContentType.objects.order_by("-pk").values_list("app_label", "model"))
ContentType.objects.all().delete()
ContentType.objects.bulk_create(ContentType(app_label=app, model=model) for app, model in names)
"""
WRITE_DURING_A_BACKUP = """
import sqlite3
from django.conf import settings
from django.db import connection
from keyaccount.core.backup import _snapshot
from keyaccount.core.models import Team
with _snapshot(connection):
    before = Team.objects.count()
    writer = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0)
    writer.execute("INSERT INTO core_team(name) VALUES ('Written meanwhile')")
    writer.commit()
    during = Team.objects.count()
print(before, during, Team.objects.count())
"""
AFTER_RESTORE = """
import json
from keyaccount.accounts.models import Account
from keyaccount.accounts.queries import account_list
from keyaccount.core import services
from keyaccount.core.models import User
anna = User.objects.get(username="anna")
newcomer = Account.objects.create(name="OOO Newcomer", owner=anna, search_text="ooo newcomer")
print(json.dumps({
    "password": anna.check_password(%(password)r),
    "token": getattr(services.token_authenticate(%(secret)r), "username", None),
    "found": [account.name for account in account_list(User.objects.get(username="admin"), search="severstal")],
    "new_id": newcomer.pk,
}))
"""


@pytest.fixture
def company(people, anna_account, anna_contact, settings):
    """A little of everything: accounts, people, orders, the timeline, deals, contracts with a file, feedback,
    loyalty, scores, notifications, audit entries, a password and an API token."""
    # The restored copy runs with the installation's hashers, not the fast one the tests use.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    anna, head = people["anna"], people["head"]
    anna.set_password(PASSWORD)
    anna.save()
    _token, secret = core_services.token_create(user=anna, name="ERP")
    holding = account_services.account_create(user=anna, data={"name": "AO Severstal Holding", "inn": "7707083893"})
    Account.objects.filter(pk=anna_account.pk).update(parent=holding)
    anna_account.tags.add(Tag.objects.create(name="steel"))
    boss = account_services.contact_create(user=anna, account=anna_account, data={
        "last_name": "Орлова", "first_name": "Мария", "roles": ["decision_maker", "payer"],
        "phones": ["8 (916) 123-45-67"], "emails": ["m.orlova@example.com"]})
    Contact.objects.filter(pk=anna_contact.pk).update(reports_to=boss)
    product = ProductFactory(name="Boiler", list_price=Decimal("125000.50"))
    order = OrderFactory(account=anna_account, number="ORD-7")
    OrderLineFactory(order=order, product=product, quantity=Decimal("2.5"))
    timeline_services.interaction_create(user=anna, account=anna_account, data={
        "kind": "meeting", "subject": "Boiler house visit", "contacts": [boss, anna_contact],
        "participants": [anna.pk, head.pk], "starts_at": timezone.now() + dt.timedelta(days=2)})
    deal = deal_services.deal_create(user=anna, account=anna_account, data={
        "title": "Boiler house", "amount": Decimal("900000"), "products": [product.pk]})
    deal_services.proposal_create(user=anna, account=anna_account, data={
        "title": "Boiler house", "deal": deal, "lines": [{"product": product, "quantity": Decimal("3")}]})
    contract = contract_services.contract_create(user=anna, account=anna_account, data={
        "number": "7-K", "subject": "Supply", "starts_on": dt.date(2026, 1, 1), "deal": deal})
    contract_services.attachment_add(user=anna, contract=contract,
                                     upload=SimpleUploadedFile("Договор 7-K.pdf", ATTACHMENT))
    contract_services.obligation_create(user=anna, contract=contract, data={
        "kind": "delivery", "title": "Batch 1", "due_on": dt.date(2026, 6, 1), "orders": [order.pk]})
    feedback_services.feedback_create(user=anna, account=anna_account, data={
        "subject": "Late delivery", "text": "Two days late.\nAgain."})
    loyalty_services.tier_override(user=head, account=anna_account, tier=Tier.objects.order_by("pk").last(),
                                   reason="Strategic")
    event = loyalty_services.event_create(user=head, data={
        "title": "Club dinner", "starts_at": timezone.now() + dt.timedelta(days=7), "capacity": 10})
    loyalty_services.invite(user=head, event=event, contacts=[boss])
    AccountScore.objects.create(account=anna_account, computed_on=dt.date(2026, 3, 1), currency="RUB",
                                p_alive=0.123456789012345, total_spend=Decimal("312501.25"),
                                health_parts={"rhythm": {"value": 0.5, "note": "ровно"}})
    Notification.objects.create(user=anna, title="Meeting tomorrow", key="n-1")
    assert AuditEntry.objects.count() >= 8
    return {"secret": secret}


def _postgres_url() -> str:
    """Where the tests may create databases of their own: KAM_TEST_POSTGRES_URL, else the suite's server."""
    if os.environ.get("KAM_TEST_POSTGRES_URL"):
        return os.environ["KAM_TEST_POSTGRES_URL"]
    configured = os.environ.get("KAM_DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        return configured
    return "postgresql://postgres@127.0.0.1:5432/kam_backup_test"


@pytest.fixture
def postgres_database():
    """A new, empty PostgreSQL database, dropped afterwards; the URL to reach it."""
    import psycopg

    parts = urlsplit(_postgres_url())
    name = f"{parts.path.lstrip('/') or 'kam'}_{uuid.uuid4().hex[:8]}"
    server = urlunsplit(parts._replace(path="/postgres"))
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("KAM_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {parts.hostname}:{parts.port}: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(parts._replace(path=f"/{name}"))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_installation(request, tmp_path):
    """Another installation's environment: a new SQLite file (not even migrated), or a new PostgreSQL
    database migrated with content types whose ids differ from the source's."""
    env = {key: value for key, value in os.environ.items() if key != "KAM_DATABASE_URL"}
    env["KAM_DATA_DIR"] = str(tmp_path / "restored")
    if request.param == "postgresql":
        env["KAM_DATABASE_URL"] = request.getfixturevalue("postgres_database")
        _kam(env, "migrate", "--verbosity", "0")
        _kam(env, "shell", "-v", "0", "-c", SHUFFLE_CONTENT_TYPES)
    return env


def _kam(env, *args, expect=0):
    result = subprocess.run([sys.executable, "-m", "keyaccount.cli", *args], env=env, cwd=ROOT, text=True,
                            capture_output=True, timeout=600)
    assert result.returncode == expect, result.stderr
    return result


def _stored_files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.django_db
def test_a_restore_into_a_fresh_installation_gives_back_every_row_and_every_file(company, fresh_installation,
                                                                                 tmp_path, settings):
    archive = tmp_path / "keyaccount.zip"
    call_command("backup", str(archive))
    source = json.loads(json.dumps(snapshot()))

    restored_run = _kam(fresh_installation, "restore", str(archive))
    assert restored_run.stdout.startswith("Restored:") and "Traceback" not in restored_run.stderr

    restored = json.loads(_kam(fresh_installation, "shell", "-v", "0", "-c", SNAPSHOT).stdout)
    assert sorted(restored) == sorted(source)
    for table, rows in source.items():
        assert restored[table] == rows, table
    source_files = _stored_files(Path(settings.STORAGES["default"]["OPTIONS"]["location"]))
    assert list(source_files.values()) == [ATTACHMENT]
    assert _stored_files(Path(fresh_installation["KAM_DATA_DIR"]) / "media") == source_files

    after = json.loads(_kam(fresh_installation, "shell", "-v", "0", "-c", AFTER_RESTORE % {
        "password": PASSWORD, "secret": company["secret"]}).stdout)
    assert after["password"] is True and after["token"] == "anna"
    assert sorted(after["found"]) == ["AO Severstal Holding", "OOO Severstal Trade"]
    assert after["new_id"] > max(Account.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_archive_lists_its_format_versions_migrations_and_each_members_checksum(company, client_for, people,
                                                                                    tmp_path):
    client_for(people["anna"]).get("/accounts/")
    assert Session.objects.exists()
    archive = tmp_path / "keyaccount.zip"
    call_command("backup", str(archive))

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        assert manifest["format"] == "keyaccount-backup" and manifest["format_version"] == 1
        assert manifest["database_vendor"] == connection.vendor
        assert "0001_initial" in manifest["migrations"]["accounts"]
        assert manifest["tables"][0]["model"] == "contenttypes.contenttype"
        tables = {entry["model"]: entry for entry in manifest["tables"]}
        assert tables["core.user"]["rows"] == User.objects.count()
        assert tables["orders.orderline"]["rows"] == OrderLine.objects.count()
        assert "sessions.session" not in tables and manifest["left_out"] == ["sessions.session"]
        for entry in [*manifest["tables"], *manifest["files"]]:
            assert hashlib.sha256(opened.read(entry["member"])).hexdigest() == entry["sha256"]
        header = json.loads(opened.read("tables/core.user.jsonl").splitlines()[0])
        assert header["model"] == "core.user" and "password" in header["columns"]
        assert len(manifest["files"]) == 1 and manifest["files"][0]["size"] == len(ATTACHMENT)
        assert sorted(opened.namelist()) == sorted(
            ["manifest.json", *(entry["member"] for entry in [*manifest["tables"], *manifest["files"]])])


@pytest.mark.django_db
def test_a_failed_backup_leaves_no_file_and_keeps_the_previous_archive(people, tmp_path, monkeypatch):
    default_storage.save("contracts/1/scan.pdf", ContentFile(b"%PDF scan"))
    archive = tmp_path / "keyaccount.zip"
    archive.write_bytes(b"yesterday's backup")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_write_file", disk_full)
    with pytest.raises(CommandError, match="No space left on device") as error:
        call_command("backup", str(archive))
    assert error.value.returncode == 2
    assert archive.read_bytes() == b"yesterday's backup"
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["keyaccount.zip"]


def test_a_backup_on_sqlite_reads_one_snapshot_and_lets_writers_go_on(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "KAM_DATABASE_URL"}
    env["KAM_DATA_DIR"] = str(tmp_path)
    _kam(env, "migrate", "--verbosity", "0")
    # The writer waits for no lock (timeout 0); the backup goes on seeing the moment it started from.
    assert _kam(env, "shell", "-v", "0", "-c", WRITE_DURING_A_BACKUP).stdout.split() == ["0", "0", "1"]


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["folder", "missing/keyaccount.zip"])
def test_a_backup_to_a_folder_or_a_missing_folder_is_refused_in_one_line(tmp_path, target):
    with pytest.raises(CommandError) as error:
        call_command("backup", str(tmp_path / target) if target != "folder" else str(tmp_path))
    assert error.value.returncode == 2 and "\n" not in str(error.value)


# --- hostile and damaged archives: nothing is restored -------------------------------------------


@pytest.fixture
def archive(people, anna_order, tmp_path):
    """A genuine archive of a small installation, which the tests below then damage or craft."""
    OrderLineFactory(order=anna_order)
    default_storage.save("contracts/1/scan.pdf", ContentFile(b"%PDF scan"))
    path = tmp_path / "genuine.zip"
    call_command("backup", str(path))
    return path


def _craft(source: Path, target: Path, *, replace=None, drop=(), add=None, symlinks=(), edit=None, rehash=True):
    """Copy an archive with members replaced, dropped or added (files), the manifest edited, and the
    manifest's sizes and checksums following the new contents unless ``rehash`` is false."""
    with zipfile.ZipFile(source) as old:
        manifest = json.loads(old.read("manifest.json"))
        contents = {name: old.read(name) for name in old.namelist() if name != "manifest.json"}
    for name in drop:
        del contents[name]
    contents.update(replace or {})
    for name, data in (add or {}).items():
        contents[f"files/{name}"] = data
        manifest["files"].append({"name": name, "member": f"files/{name}", "size": 0, "sha256": "0" * 64})
    if rehash:
        for entry in [*manifest["tables"], *manifest["files"]]:
            data = contents.get(entry["member"], b"")
            entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    if edit:
        edit(manifest)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as new:
        for name, data in contents.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((stat.S_IFLNK | 0o777) if name in symlinks else (stat.S_IFREG | 0o600)) << 16
            new.writestr(info, data)
        new.writestr("manifest.json", json.dumps(manifest))
    return target


def _edit_row(data: bytes, *, column: str, where, value) -> bytes:
    lines = data.decode().splitlines()
    columns = json.loads(lines[0])["columns"]
    rows = [json.loads(line) for line in lines[1:]]
    for row in rows:
        if where(dict(zip(columns, row, strict=True))):
            row[columns.index(column)] = value
    return "".join(json.dumps(line) + "\n" for line in [json.loads(lines[0]), *rows]).encode()


def _restore_is_refused(path: Path, message: str, *extra: str):
    before = json.loads(json.dumps(snapshot()))
    with pytest.raises(CommandError, match=message) as error:
        call_command("restore", str(path), "--force", *extra)
    assert error.value.returncode == 2 and "\n" not in str(error.value)
    assert json.loads(json.dumps(snapshot())) == before
    return error


def _read(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as opened:
        return opened.read(member)


@pytest.mark.django_db
def test_an_archive_from_an_older_keyaccount_is_loaded_at_its_own_state_then_migrated_on(archive, tmp_path):
    support_desk = ["tables/feedback.ticket.jsonl", "tables/feedback.ticketmessage.jsonl",
                    "tables/feedback.unmatchedmail.jsonl"]

    def before_the_support_desk(manifest):
        # The desk's migration and every one of the app's after it.
        manifest["migrations"]["feedback"] = [name for name in manifest["migrations"]["feedback"]
                                              if name < "0004_support_desk"]
        manifest["tables"] = [entry for entry in manifest["tables"] if entry["member"] not in support_desk]

    older = _craft(archive, tmp_path / "older.zip", drop=support_desk, edit=before_the_support_desk)
    env = {key: value for key, value in os.environ.items() if key != "KAM_DATABASE_URL"}
    env["KAM_DATA_DIR"] = str(tmp_path / "restored")
    # This installation is a version ahead of the archive: it goes back to the archive's state first.
    _kam(env, "migrate", "--verbosity", "0")
    _kam(env, "shell", "-v", "0", "-c", SHUFFLE_CONTENT_TYPES)
    _kam(env, "restore", str(older))

    assert "No planned migration operations" in _kam(env, "migrate", "--plan").stdout
    assert json.loads(_kam(env, "shell", "-v", "0", "-c", SNAPSHOT).stdout) == json.loads(json.dumps(snapshot()))


@pytest.mark.django_db
def test_a_tampered_row_restores_nothing(archive, tmp_path, anna_account):
    accounts = _read(archive, "tables/accounts.account.jsonl").replace(b"OOO Severstal Trade", b"OOO Severstal Fraud")
    tampered = _craft(archive, tmp_path / "tampered.zip", replace={"tables/accounts.account.jsonl": accounts},
                      rehash=False)
    _restore_is_refused(tampered, "does not match its SHA-256")
    assert Account.objects.get(pk=anna_account.pk).name == "OOO Severstal Trade"


@pytest.mark.django_db
def test_a_changed_file_restores_nothing(archive, tmp_path):
    tampered = _craft(archive, tmp_path / "tampered.zip", replace={"files/contracts/1/scan.pdf": b"%PDF scam"},
                      rehash=False)
    _restore_is_refused(tampered, "does not match its SHA-256")
    assert default_storage.open("contracts/1/scan.pdf").read() == b"%PDF scan"


@pytest.mark.django_db
@pytest.mark.parametrize("damage, message", [
    ("truncated", "damaged or not a complete zip archive"),
    ("a member missing", "lacks “tables/orders.orderline.jsonl”"),
    ("an extra member", "which its manifest does not list"),
    ("not a zip", "damaged or not a complete zip archive"),
    ("no manifest", "has no manifest.json"),
    ("rows missing", "holds 0 rows; its manifest says 1"),
    ("a row nested too deep", "line 2: not valid JSON"),
])
def test_a_damaged_archive_restores_nothing(archive, tmp_path, damage, message):
    damaged = tmp_path / "damaged.zip"
    if damage == "truncated":
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif damage == "a member missing":
        _craft(archive, damaged, drop=["tables/orders.orderline.jsonl"], rehash=False)
    elif damage == "an extra member":
        _craft(archive, damaged, replace={"payload.py": b"import os"})
    elif damage == "not a zip":
        damaged.write_bytes(b"id,name\n1,OOO\n")
    elif damage == "no manifest":
        with zipfile.ZipFile(archive) as old, zipfile.ZipFile(damaged, "w") as new:
            for name in old.namelist():
                if name != "manifest.json":
                    new.writestr(name, old.read(name))
    else:
        header = _read(archive, "tables/orders.orderline.jsonl").splitlines(keepends=True)[0]
        rows = b"" if damage == "rows missing" else b"[" * 100_000 + b"]" * 100_000 + b"\n"
        _craft(archive, damaged, replace={"tables/orders.orderline.jsonl": header + rows})
    _restore_is_refused(damaged, message)


@pytest.mark.django_db
@pytest.mark.parametrize("column, value, message", [
    ("order_id", 999_999, "refused the archive's rows"),
    ("quantity", "a lot", "line 2: quantity"),
    ("product_id", None, "refused the archive's rows"),
    ("id", 2**70, "a value cannot be stored|refused the archive's rows"),
])
def test_rows_the_database_refuses_restore_nothing(archive, tmp_path, column, value, message):
    lines = _edit_row(_read(archive, "tables/orders.orderline.jsonl"), column=column, where=lambda row: True,
                      value=value)
    crafted = _craft(archive, tmp_path / "crafted.zip", replace={"tables/orders.orderline.jsonl": lines})
    _restore_is_refused(crafted, message)
    assert default_storage.open("contracts/1/scan.pdf").read() == b"%PDF scan"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../escaped.txt", "{tmp}/escaped.txt", "contracts/../../escaped.txt",
                                  "C:/escaped.txt", "contracts\\..\\..\\escaped.txt", "contracts/./x.txt"])
def test_a_file_named_outside_the_storage_is_refused(archive, tmp_path, name):
    crafted = _craft(archive, tmp_path / "crafted.zip", add={name.format(tmp=tmp_path): b"owned"})
    _restore_is_refused(crafted, "would land outside the storage")
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()


@pytest.mark.django_db
def test_a_symbolic_link_member_is_refused(archive, tmp_path):
    crafted = _craft(archive, tmp_path / "crafted.zip", replace={"files/contracts/1/scan.pdf": b"/etc/passwd"},
                     symlinks=["files/contracts/1/scan.pdf"])
    _restore_is_refused(crafted, "is a link, a folder or a device")


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_it_is_inflated(archive, tmp_path):
    crafted = _craft(archive, tmp_path / "bomb.zip", add={"contracts/1/zeros.pdf": bytes(64 << 20)})
    assert crafted.stat().st_size < 1 << 20
    _restore_is_refused(crafted, "refused as a zip bomb")


@pytest.mark.django_db
def test_a_line_longer_than_the_limit_is_refused_before_it_is_parsed(archive, monkeypatch):
    monkeypatch.setattr(backup, "MAX_ROW_BYTES", 64)
    _restore_is_refused(archive, "line 1: the line is too long")


@pytest.mark.django_db
@pytest.mark.parametrize("edit, message", [
    (lambda manifest: manifest.update(format_version=2), "backup format 2, newer than this Keyaccount reads"),
    (lambda manifest: manifest["migrations"]["accounts"].append("0999_from_the_future"),
     "newer Keyaccount .*accounts.0999_from_the_future"),
    (lambda manifest: manifest["tables"][1].update(rows="many"), "malformed at tables.1.rows"),
    (lambda manifest: manifest["tables"].reverse(), "content types first"),
    (lambda manifest: manifest["files"][0].update(size=5), "its manifest says 5"),
])
def test_an_archive_from_a_newer_keyaccount_or_with_a_malformed_manifest_is_refused(archive, tmp_path, edit,
                                                                                     message):
    crafted = _craft(archive, tmp_path / "crafted.zip", edit=edit)
    _restore_is_refused(crafted, message)


@pytest.mark.django_db
def test_an_installation_in_use_is_not_overwritten_without_force(archive):
    with pytest.raises(CommandError, match="already holds data") as error:
        call_command("restore", str(archive))
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_restore_check_reads_the_whole_archive_and_changes_nothing(archive, capsys):
    before = json.loads(json.dumps(snapshot()))
    call_command("restore", str(archive), "--check")
    assert capsys.readouterr().out.startswith("The archive is sound and restorable:")
    assert json.loads(json.dumps(snapshot())) == before


def test_kam_restore_of_a_missing_file_exits_with_2_and_one_line(tmp_path):
    env = {**os.environ, "KAM_DATA_DIR": str(tmp_path)}
    env.pop("KAM_DATABASE_URL", None)
    result = _kam(env, "restore", str(tmp_path / "nowhere.zip"), expect=2)
    assert result.stderr.strip() == f"CommandError: No file “{tmp_path / 'nowhere.zip'}”."


def test_an_archive_written_with_a_member_larger_than_its_directory_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "MAX_DIRECTORY_BYTES", 100)
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as opened:
        for number in range(10):
            opened.writestr(f"files/{number}", b"")
    with pytest.raises(backup.ArchiveError, match="more members than"):
        backup.restore(many, check_only=True)


def test_storage_names_that_would_leave_the_storage_are_not_plain():
    assert backup.is_plain_relative_path("contracts/12/20260301-Договор.pdf")
    for name in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "C:/x", "a\\b", "a/\x00b", "a/./b", "a/"]:
        assert not backup.is_plain_relative_path(name), name

