"""Backups: every row of every table and every stored file in one zip archive, and back again.

An archive (format 1) is a zip file holding

- ``tables/<app_label>.<model>.jsonl``: one table, a header line ``{"model": ..., "columns": [...]}`` and
  then one JSON array per row, in primary-key order;
- ``files/<name>``: one file of the default storage (read through Django's storage API), byte for byte;
- ``manifest.json``, written last: the format, Keyaccount's version, when and from which database vendor,
  the migrations applied to that database, and each member's size, SHA-256 and (tables) row count.

Rows are written in a portable form (dates in ISO 8601, decimals as strings), so an archive made on
SQLite restores on PostgreSQL and back. Primary keys are kept; content types, whose ids differ between
databases, are matched by their natural key (app label, model) and every reference to one (the audit
log's, permissions') is mapped to the target's id. Sessions are left out: a session key is a bearer
secret, and after a restore everyone simply signs in again.

A restore treats the archive as hostile input. Before the database is touched it checks the manifest's
shape, that the members are exactly the ones the manifest lists (no links, no encryption, no more
inflation than real data shows, sizes as declared), and every member's SHA-256; stored files' names must
be plain relative paths. Rows are plain JSON turned into values by the model fields (no pickle, nothing
executed). The rows then go in inside one transaction, foreign keys are checked before it commits, and
any failure rolls everything back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
import struct
import tempfile
import uuid
import zipfile
import zlib
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from django.apps import apps as installed_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.exceptions import InvalidMigrationPlan
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import JSONField
from django.utils import timezone
from django.utils.duration import duration_iso_string
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as SchemaError

import keyaccount
from keyaccount.core import bulk

FORMAT = "keyaccount-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CONTENT_TYPES = "contenttypes.contenttype"
# A session key signs its holder in: an archive must not carry one (everyone signs in again instead).
LEFT_OUT = ("sessions.session",)
CHUNK_ROWS = 2000
COPY_BYTES = 1 << 20

# Sanity limits for an archive being restored: real backups stay far inside them, a crafted archive
# meets them before it costs memory or disk. zipfile reads the whole central directory (one entry per
# member) into memory, so its size is checked first, from the end record.
MAX_DIRECTORY_BYTES = 256 << 20
MAX_MANIFEST_BYTES = 64 << 20
MAX_ROW_BYTES = 64 << 20
# Rows as JSON deflate by 5-30 to one and documents by less, so a whole archive inflating more than this
# is a zip bomb (deflate reaches about 1030 to one; overlapping members, more). Small archives are let be.
MAX_INFLATION = 200
INFLATION_FROM_BYTES = 16 << 20

_SHA256 = r"^[0-9a-f]{64}$"


class ArchiveError(Exception):
    """A backup or a restore cannot go on; the message is one line for whoever runs it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TableEntry(_Strict):
    model: str = Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$", max_length=200)
    member: str
    rows: int = Field(ge=0)
    size: int = Field(ge=0)
    sha256: str = Field(pattern=_SHA256)


class FileEntry(_Strict):
    name: str = Field(max_length=1024)
    member: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=_SHA256)


class Manifest(_Strict):
    format: Literal["keyaccount-backup"]
    format_version: int = Field(ge=1, le=FORMAT_VERSION)
    keyaccount_version: str = Field(max_length=50)
    django_version: str = Field(max_length=50)
    created_at: str = Field(max_length=50)
    database_vendor: str = Field(max_length=50)
    migrations: dict[str, list[str]]
    left_out: list[str]
    tables: list[TableEntry]
    files: list[FileEntry]


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


@dataclass(frozen=True)
class RestoreSummary:
    tables: int
    rows: int
    files: int
    created_at: str
    keyaccount_version: str
    database_vendor: str


# --- writing --------------------------------------------------------------------------------------


def backup(path: str | os.PathLike, *, storage: Storage | None = None) -> BackupSummary:
    """Write the database and the stored files to the zip archive ``path``.

    The archive is written to a temporary file beside ``path`` and renamed over it only when complete,
    so a failed backup never leaves a half-written archive (and never spoils an earlier one). It is
    created readable by its owner only: it holds password hashes.
    """
    path = Path(path)
    storage = storage or storages["default"]
    if path.is_dir():
        raise ArchiveError(f"“{path}” is a folder; name the archive file, e.g. {path / 'keyaccount.zip'}.")
    if not path.parent.is_dir():
        raise ArchiveError(f"No folder “{path.parent}”.")
    try:
        _require_migrated(connection)
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as error:
        raise ArchiveError(f"Cannot write in “{path.parent}”: {error.strerror}.") from error
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", allowZip64=True) as archive:
                manifest = _manifest_head(connection)
                with _snapshot(connection):
                    manifest["migrations"] = _applied_migrations(connection)
                    manifest["tables"] = [_write_table(archive, model) for model in _models_to_back_up()]
                    files = (_write_file(archive, storage, name) for name in _stored_names(storage))
                    manifest["files"] = [entry for entry in files if entry is not None]
                archive.writestr(_member(MANIFEST), json.dumps(manifest, ensure_ascii=False, indent=1))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException as error:  # Ctrl-C too: the partial file goes, whatever stopped the backup
        with contextlib.suppress(OSError):
            os.unlink(partial)
        if isinstance(error, OSError):
            raise ArchiveError(f"The backup failed ({error.strerror or error}); “{path}” was not written.") from error
        if isinstance(error, DatabaseError):
            raise ArchiveError(f"The database could not be read ({_first_line(error)}); “{path}” was not written.") \
                from error
        raise
    _sync_folder(path.parent)
    return BackupSummary(path=path, tables=len(manifest["tables"]), rows=sum(t["rows"] for t in manifest["tables"]),
                         files=len(manifest["files"]), size=path.stat().st_size)


def _require_migrated(connection) -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ArchiveError("The database has migrations still to apply; run “kam migrate” first.")


def _manifest_head(connection) -> dict:
    import django

    return {"format": FORMAT, "format_version": FORMAT_VERSION, "keyaccount_version": keyaccount.__version__,
            "django_version": django.get_version(), "created_at": timezone.now().isoformat(timespec="seconds"),
            "database_vendor": connection.vendor, "left_out": list(LEFT_OUT)}


@contextlib.contextmanager
def _snapshot(connection) -> Iterator[None]:
    """Read every table from one consistent moment while the application goes on writing."""
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "sqlite":
        # In WAL mode a deferred transaction reads one snapshot without holding the write lock an
        # IMMEDIATE one (the setting for writers) would keep for the whole backup.
        connection.ensure_connection()
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = mode
    else:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


def _applied_migrations(connection) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _models_to_back_up() -> list:
    models = [model for model in installed_apps.get_models(include_auto_created=True)
              if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in LEFT_OUT]
    # Content types first: a restore maps them before any row that refers to one.
    return sorted(models, key=lambda model: model._meta.label_lower != CONTENT_TYPES)


def _columns(model) -> list:
    return [field for field in model._meta.local_concrete_fields if not getattr(field, "generated", False)]


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o600) << 16
    return info


class _HashingWriter:
    """Writes to a zip member through a buffer, counting bytes and hashing them on the way."""

    def __init__(self, target):
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0
        self.buffer = bytearray()

    def write(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) >= COPY_BYTES:
            self.flush()

    def write_line(self, value) -> None:
        self.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

    def flush(self) -> None:
        self.digest.update(self.buffer)
        self.size += len(self.buffer)
        self.target.write(self.buffer)
        self.buffer.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            self.flush()
        self.target.close()


def _portable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"a {type(value).__name__} cannot go into a backup")


def _write_table(archive: zipfile.ZipFile, model) -> dict:
    label = model._meta.label_lower
    fields = _columns(model)
    member = f"tables/{label}.jsonl"
    # A JSON field's value is already JSON; every other value is made portable.
    encoders = [(lambda value: value) if isinstance(field, JSONField) else _portable for field in fields]
    rows = (model._base_manager.order_by("pk").values_list(*(field.attname for field in fields))
            .iterator(chunk_size=CHUNK_ROWS))
    count = 0
    with _HashingWriter(archive.open(_member(member), "w", force_zip64=True)) as out:
        out.write_line({"model": label, "columns": [field.attname for field in fields]})
        for row in rows:
            out.write_line([encode(value) for encode, value in zip(encoders, row, strict=True)])
            count += 1
    return {"model": label, "member": member, "rows": count, "size": out.size, "sha256": out.digest.hexdigest()}


def _stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _stored_names(storage, f"{folder}/{sub}" if folder else sub)


def _write_file(archive: zipfile.ZipFile, storage: Storage, name: str) -> dict | None:
    if not is_plain_relative_path(name):
        raise ArchiveError(f"The stored file “{name}” has a name a restore would refuse; rename or remove it.")
    member = f"files/{name}"
    try:
        source = storage.open(name, "rb")
    except FileNotFoundError:
        return None  # deleted since the folder was listed: it is no longer part of the installation
    with source, _HashingWriter(archive.open(_member(member), "w", force_zip64=True)) as out:
        while chunk := source.read(COPY_BYTES):
            out.write(chunk)
    return {"name": name, "member": member, "size": out.size, "sha256": out.digest.hexdigest()}


def is_plain_relative_path(name: str) -> bool:
    """A storage name that stays inside the storage wherever it is used: no ``..``, no root, no drive."""
    if not name or len(name) > 1024 or "\\" in name or any(ord(char) < 32 or ord(char) == 127 for char in name):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts) and ":" not in parts[0]


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# --- reading --------------------------------------------------------------------------------------


def restore(path: str | os.PathLike, *, force: bool = False, check_only: bool = False,
            storage: Storage | None = None) -> RestoreSummary:
    """Put the archive ``path`` back: the same rows with the same keys, the same files.

    The target must be empty (no users, no records of theirs, none of the archive's files in the
    storage) unless ``force``, which replaces everything in it. The database is migrated to the
    archive's migration state, loaded in one transaction, then migrated on to this version.
    ``check_only`` stops after checking the archive, before anything is changed.
    """
    path = Path(path)
    storage = storage or storages["default"]
    with _open_archive(path) as archive:
        manifest = _read_manifest(archive)
        _check_members(archive, manifest, archive_bytes=path.stat().st_size)
        _verify(archive, manifest)
        try:
            executor = MigrationExecutor(connection)
            targets = _recorded_state(executor, manifest)
            if check_only:
                return _summary(manifest)
            if not force:
                _require_empty(connection, storage, manifest)
            state = _migrate_to(executor, targets)
        except DatabaseError as error:
            raise ArchiveError(f"The database refused: {_first_line(error)}") from error
        _load(archive, manifest, state.apps, connection, storage)
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as error:
        raise ArchiveError(f"The archive was restored, but migrating it to this version failed: "
                           f"{_first_line(error)}") from error
    return _summary(manifest)


def _summary(manifest: Manifest) -> RestoreSummary:
    return RestoreSummary(tables=len(manifest.tables), rows=sum(entry.rows for entry in manifest.tables),
                          files=len(manifest.files), created_at=manifest.created_at,
                          keyaccount_version=manifest.keyaccount_version, database_vendor=manifest.database_vendor)


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    if not path.is_file():
        raise ArchiveError(f"No file “{path}”.")
    with _read_errors(path), path.open("rb") as raw:
        directory = _directory_size(raw)
        if directory is not None and directory > MAX_DIRECTORY_BYTES:
            raise ArchiveError(f"“{path.name}” lists more members than a Keyaccount backup can have.")
        with zipfile.ZipFile(raw) as archive:
            yield archive


@contextlib.contextmanager
def _read_errors(path: Path) -> Iterator[None]:
    """What zip and zlib raise on a damaged archive, as one line."""
    try:
        yield
    except zipfile.BadZipFile as error:
        raise ArchiveError(f"“{path.name}” is damaged or not a complete zip archive ({error}).") from error
    except (zlib.error, EOFError) as error:
        raise ArchiveError(f"“{path.name}” is damaged: a member cannot be inflated ({error}).") from error
    except OSError as error:
        raise ArchiveError(f"Cannot read “{path.name}”: {error.strerror or error}.") from error


def _directory_size(raw) -> int | None:
    """The size of the zip's central directory as its end record declares it (``None``: no end record)."""
    raw.seek(0, os.SEEK_END)
    end = raw.tell()
    tail_length = min(end, 22 + 0xFFFF)
    raw.seek(end - tail_length)
    tail = raw.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    (size,) = struct.unpack("<I", tail[at + 12:at + 16])
    if size == 0xFFFFFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        (record_at,) = struct.unpack("<Q", tail[at - 12:at - 4])
        raw.seek(record_at)
        record = raw.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            (size,) = struct.unpack("<Q", record[40:48])
    return size


def _read_manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise ArchiveError("The archive has no manifest.json: it is not a Keyaccount backup.") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ArchiveError("The archive's manifest.json is too large to be a Keyaccount backup's.")
    _check_member_info(info, declared_size=info.file_size)
    try:
        with archive.open(info) as member:
            data = json.loads(member.read(MAX_MANIFEST_BYTES + 1))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ArchiveError(f"The archive's manifest.json is not valid JSON ({error}).") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError("The archive's manifest.json does not describe a Keyaccount backup.")
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ArchiveError(f"The archive is in backup format {version}, newer than this Keyaccount reads "
                           f"({FORMAT_VERSION}); update Keyaccount, then restore.")
    try:
        manifest = Manifest.model_validate(data)
    except SchemaError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise ArchiveError(f"The archive's manifest.json is malformed at {where}: {problem['msg']}.") from error
    _check_manifest_members(manifest)
    return manifest


def _check_manifest_members(manifest: Manifest) -> None:
    if not manifest.tables or manifest.tables[0].model != CONTENT_TYPES:
        raise ArchiveError("The archive's manifest.json must list the content types first.")
    for entry in manifest.tables:
        if entry.member != f"tables/{entry.model}.jsonl":
            raise ArchiveError(f"The archive's manifest.json names the table {entry.model} “{entry.member}”.")
    for entry in manifest.files:
        if not is_plain_relative_path(entry.name):
            raise ArchiveError(f"The archive holds a file named “{entry.name}”, which would land outside the "
                               "storage (an absolute path, “..” or a drive); nothing was restored.")
        if entry.member != f"files/{entry.name}":
            raise ArchiveError(f"The archive's manifest.json stores the file “{entry.name}” as “{entry.member}”.")
    members = [MANIFEST, *(entry.member for entry in manifest.tables), *(entry.member for entry in manifest.files)]
    if len(set(members)) != len(members):
        raise ArchiveError("The archive's manifest.json lists a member twice.")


def _check_members(archive: zipfile.ZipFile, manifest: Manifest, *, archive_bytes: int) -> None:
    """The members are exactly the ones listed: plain files, sizes as declared, no bombs."""
    declared = {entry.member: entry.size for entry in (*manifest.tables, *manifest.files)}
    infos = archive.infolist()
    if sum(info.compress_size for info in infos) > archive_bytes:
        raise ArchiveError("The archive's members overlap: refused as a zip bomb.")
    inflated = sum(info.file_size for info in infos)
    if inflated > INFLATION_FROM_BYTES and inflated > MAX_INFLATION * archive_bytes:
        raise ArchiveError(f"The archive would inflate {inflated // archive_bytes} times (more than {MAX_INFLATION}): "
                           "refused as a zip bomb.")
    seen = set()
    for info in infos:
        if info.filename in seen:
            raise ArchiveError(f"The archive holds “{info.filename}” twice.")
        seen.add(info.filename)
        if info.filename == MANIFEST:
            continue
        if info.filename not in declared:
            raise ArchiveError(f"The archive holds “{info.filename}”, which its manifest does not list.")
        _check_member_info(info, declared_size=declared[info.filename])
    missing = sorted(set(declared) - seen)
    if missing:
        raise ArchiveError(f"The archive lacks “{missing[0]}”, which its manifest lists"
                           + (f" (and {len(missing) - 1} more)." if len(missing) > 1 else "."))


def _check_member_info(info: zipfile.ZipInfo, *, declared_size: int) -> None:
    # Zip writers that record no file type leave these bits 0; any type but a regular file is refused.
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if info.is_dir() or file_type not in (0, stat.S_IFREG):
        raise ArchiveError(f"The archive's member “{info.filename}” is a link, a folder or a device, not a file.")
    if info.flag_bits & 0x1:
        raise ArchiveError(f"The archive's member “{info.filename}” is encrypted.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(f"The archive's member “{info.filename}” uses an unsupported compression.")
    if info.file_size != declared_size:
        raise ArchiveError(f"The archive's member “{info.filename}” is {info.file_size} bytes; "
                           f"its manifest says {declared_size}.")


def _verify(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """Read every member once: its SHA-256, its size and (tables) its rows must be the manifest's."""
    for entry in (*manifest.tables, *manifest.files):
        digest = hashlib.sha256()
        size = lines = 0
        with archive.open(entry.member) as member:
            while chunk := member.read(COPY_BYTES):
                digest.update(chunk)
                size += len(chunk)
                lines += chunk.count(b"\n")
        if size != entry.size or digest.hexdigest() != entry.sha256:
            raise ArchiveError(f"The archive's member “{entry.member}” does not match its SHA-256 in the manifest: "
                               "the archive is damaged or was changed; nothing was restored.")
        if isinstance(entry, TableEntry) and lines != entry.rows + 1:
            raise ArchiveError(f"The archive's member “{entry.member}” holds {max(lines - 1, 0)} rows; "
                               f"its manifest says {entry.rows}.")


def _recorded_state(executor: MigrationExecutor, manifest: Manifest) -> list[tuple[str, str | None]]:
    """The migration targets that put this database where the archive's database was."""
    known = set(executor.loader.disk_migrations)
    recorded = {(app_label, name) for app_label, names in manifest.migrations.items() for name in names}
    unknown = sorted(recorded - known)
    if unknown:
        app_label, name = unknown[0]
        raise ArchiveError(f"The archive comes from a newer Keyaccount (this one does not know the migration "
                           f"{app_label}.{name}); update Keyaccount, then restore.")
    graph = executor.loader.graph
    targets: list[tuple[str, str | None]] = []
    for app_label in sorted({node[0] for node in graph.nodes}):
        ours = [node for node in graph.nodes if node[0] == app_label and node in recorded]
        leaves = [node for node in ours if not any(
            child.key in recorded for child in graph.node_map[node].children if child.key[0] == app_label)]
        targets.extend(sorted(leaves) or [(app_label, None)])
    return targets


def _require_empty(connection, storage: Storage, manifest: Manifest) -> None:
    """Refuse to overwrite an installation in use: one with users, or with records that name one."""
    tables = set(connection.introspection.table_names())
    user_model = installed_apps.get_model(settings.AUTH_USER_MODEL)
    for model in installed_apps.get_models(include_auto_created=True):
        names_a_user = model is user_model or any(
            field.is_relation and field.related_model is user_model for field in model._meta.local_fields)
        if names_a_user and model._meta.db_table in tables and model._base_manager.exists():
            raise ArchiveError("This installation already holds data (users and their records): restore into an "
                               "empty one, or pass --force to replace everything in it.")
    for entry in manifest.files:
        if storage.exists(entry.name):
            raise ArchiveError(f"The file storage already holds “{entry.name}”: restore into an empty storage, "
                               "or pass --force to overwrite it.")


def _migrate_to(executor: MigrationExecutor, targets):
    try:
        plan = executor.migration_plan(targets)
        return executor.migrate(targets, plan=plan)
    except InvalidMigrationPlan as error:
        raise ArchiveError("This database's migrations are ahead of the archive in some apps and behind in others; "
                           "restore into a freshly created database.") from error


def _load(archive: zipfile.ZipFile, manifest: Manifest, state_apps, connection, storage: Storage) -> None:
    """Replace every table's rows with the archive's and put its files back, all or nothing."""
    by_label = {model._meta.label_lower: model for model in state_apps.get_models(include_auto_created=True)
                if model._meta.managed and not model._meta.proxy}
    for entry in manifest.tables:
        if entry.model not in by_label:
            raise ArchiveError(f"The archive holds the table {entry.model}, which this database does not have "
                               "at the archive's migration state.")
    written: list[str] = []
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for label, model in by_label.items():
                    if label != CONTENT_TYPES:
                        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            content_types = _load_content_types(archive, manifest.tables[0], by_label[CONTENT_TYPES], connection)
            for entry in manifest.tables[1:]:
                _load_table(archive, entry, by_label[entry.model], connection, content_types)
            connection.check_constraints(table_names=[model._meta.db_table for model in by_label.values()])
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), list(by_label.values())):
                    cursor.execute(statement)
            for entry in manifest.files:
                _restore_file(archive, entry, storage, written)
    except BaseException as error:  # Ctrl-C too: the files already put back go whatever stopped the restore
        for name in written:
            # Django's Storage.delete documents no exception (the file system raises OSError, boto3's
            # S3 backend its ClientError): a cleanup that fails must not hide the error that stopped us.
            with contextlib.suppress(Exception):
                storage.delete(name)
        if isinstance(error, DatabaseError):
            raise ArchiveError(f"The database refused the archive's rows, so nothing was restored: "
                               f"{_first_line(error)}") from error
        if isinstance(error, OSError):
            raise ArchiveError(f"A file could not be stored, so nothing was restored: "
                               f"{error.strerror or error}.") from error
        raise


class _Rows:
    """A table member's lines as JSON values, each line measured before it is parsed."""

    def __init__(self, archive: zipfile.ZipFile, entry: TableEntry):
        self.entry = entry
        self.member = archive.open(entry.member)
        self.number = 0

    def __iter__(self):
        while line := self.member.readline(MAX_ROW_BYTES + 1):
            self.number += 1
            if len(line) > MAX_ROW_BYTES or not line.endswith(b"\n"):
                raise self.error("the line is too long or cut short")
            try:
                yield json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
                raise self.error(f"not valid JSON ({error})") from error

    def error(self, problem: str) -> ArchiveError:
        return ArchiveError(f"The archive's member “{self.entry.member}”, line {self.number}: {problem}; "
                            "nothing was restored.")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.member.close()


def _header(rows: Iterator, reader: _Rows, model) -> list[str]:
    header = next(rows, None)
    columns = header.get("columns") if isinstance(header, dict) else None
    if (not isinstance(columns, list) or not all(isinstance(name, str) for name in columns)
            or header.get("model") != reader.entry.model):
        raise reader.error("the header does not name the table and its columns")
    expected = {field.attname for field in _columns(model)}
    if len(set(columns)) != len(columns) or set(columns) != expected:
        raise reader.error(f"the columns are not this database's ({', '.join(sorted(set(columns) ^ expected))})")
    return columns


def _load_content_types(archive: zipfile.ZipFile, entry: TableEntry, model, connection) -> dict[int, int]:
    """Match the archive's content types to this database's by (app label, model); add the missing."""
    ours = {(app_label, name): pk for pk, app_label, name in
            model._base_manager.values_list("pk", "app_label", "model")}
    mapping: dict[int, int] = {}
    with _Rows(archive, entry) as reader:
        rows = iter(reader)
        columns = _header(rows, reader, model)
        for row in rows:
            if not isinstance(row, list) or len(row) != len(columns):
                raise reader.error(f"a row must list {len(columns)} values")
            values = dict(zip(columns, row, strict=True))
            if not isinstance(values["id"], int) or not all(isinstance(values[key], str) and values[key]
                                                                for key in ("app_label", "model")):
                raise reader.error("a content type needs an id, an app label and a model")
            key = (values["app_label"], values["model"])
            if key not in ours:
                ours[key] = model._base_manager.create(app_label=key[0], model=key[1]).pk
            mapping[values["id"]] = ours[key]
    return mapping


# Django's own fields whose database value is the very int, str or bool JSON gives back: these skip the
# per-value conversion, which otherwise takes most of a restore's time. Subclasses, which may convert
# differently, are not in the table.
_NATIVE = {
    **dict.fromkeys((models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField,
                     models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
                     models.PositiveBigIntegerField, models.PositiveSmallIntegerField), int),
    **dict.fromkeys((models.CharField, models.TextField, models.EmailField, models.SlugField, models.URLField), str),
    models.BooleanField: bool,
}


def _decoder(field, connection, content_types: dict[int, int]):
    """Turn one portable value back into what the database driver takes for ``field``."""
    if field.is_relation and field.related_model._meta.label_lower == CONTENT_TYPES:
        def content_type(value):
            if value is None:
                return None
            try:
                return content_types[field.target_field.to_python(value)]
            except KeyError:
                raise ValueError(f"content type {value} is not in the archive") from None

        return content_type
    if isinstance(field, JSONField):
        return lambda value: field.get_db_prep_save(value, connection)

    def convert(value):
        return None if value is None else field.get_db_prep_save(field.to_python(value), connection)

    plain = field.target_field if type(field) in (models.ForeignKey, models.OneToOneField) else field
    native = _NATIVE.get(type(plain))
    if native is None:
        return convert
    return lambda value: value if type(value) is native else convert(value)


def _load_table(archive: zipfile.ZipFile, entry: TableEntry, model, connection, content_types) -> None:
    with _Rows(archive, entry) as reader:
        rows = iter(reader)
        columns = _header(rows, reader, model)
        fields_by_name = {field.attname: field for field in _columns(model)}
        fields = [fields_by_name[name] for name in columns]
        decoders = [_decoder(field, connection, content_types) for field in fields]

        def values():
            for row in rows:
                if not isinstance(row, list) or len(row) != len(fields):
                    raise reader.error(f"a row must list {len(fields)} values")
                decoded = []
                for field, decode, value in zip(fields, decoders, row, strict=True):
                    try:
                        decoded.append(decode(value))
                    except (ValidationError, ValueError, TypeError, ArithmeticError) as error:
                        problem = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                        raise reader.error(f"{field.attname}: {problem}") from error
                yield decoded

        quote = connection.ops.quote_name
        try:
            # Driver errors (a constraint, a value out of range) become Django's, which the caller reports.
            with connection.wrap_database_errors:
                count = _insert_rows(connection, quote(model._meta.db_table), [quote(field.column) for field in fields],
                                     values())
        except (OverflowError, ValueError, TypeError) as error:
            # What a driver raises for a value it cannot bind (an integer past 64 bits, say).
            raise reader.error(f"a value cannot be stored ({error})") from error
    if count != entry.rows:
        raise ArchiveError(f"The archive's member “{entry.member}” holds {count} rows; its manifest says {entry.rows}.")


def _insert_rows(connection, table: str, columns: list[str], rows) -> int:
    """COPY on PostgreSQL (``core.bulk``); elsewhere batches through the driver's executemany, without the
    large page cache the importers ask SQLite for, so a restore's memory stays flat."""
    if connection.vendor == "postgresql":
        return bulk.insert_rows(table, columns, rows)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        return bulk.executemany_in_batches(cursor, sql, rows, CHUNK_ROWS)


class _CheckedReader:
    """A member being copied into the storage, hashed on the way. It reads forward only (rewound, it
    would hash bytes twice): it says so to the object store's uploader, which asks before it seeks."""

    closed = False

    def seekable(self) -> bool:
        return False

    def __init__(self, member, size: int):
        self.member = member
        self.size = size
        self.read_bytes = 0
        self.digest = hashlib.sha256()

    def read(self, count: int = -1) -> bytes:
        data = self.member.read(count)
        self.digest.update(data)
        self.read_bytes += len(data)
        return data


def _restore_file(archive: zipfile.ZipFile, entry: FileEntry, storage: Storage, written: list[str]) -> None:
    if storage.exists(entry.name):
        storage.delete(entry.name)
    with archive.open(entry.member) as member:
        reader = _CheckedReader(member, entry.size)
        saved = storage.save(entry.name, File(reader, name=entry.name))
    written.append(saved)
    if saved != entry.name:
        raise ArchiveError(f"The storage kept the file “{entry.name}” as “{saved}”; nothing was restored.")
    if reader.read_bytes != entry.size or reader.digest.hexdigest() != entry.sha256:
        raise ArchiveError(f"The archive's member “{entry.member}” changed while it was restored; "
                           "nothing was restored.")
