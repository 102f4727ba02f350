"""Files that arrive from outside, handled so that none can hurt the server.

- Every request body is measured before it is read: ``UploadLimitMiddleware`` refuses a declared
  ``Content-Length`` over ``KAM_UPLOAD_MAX_BYTES`` with 413, and ``UploadLimitHandler`` counts the
  file bytes that actually arrive as the form streams in and stops at the same limit (a body that
  lies about its length, or has none). ``AsgiBodyLimit`` does the same in front of the ASGI app,
  which would otherwise spool the whole body to disk before any middleware runs.
- ``check_zip`` reads the central directory of a ZIP-based file (XLSX, DOCX) and refuses it before
  anything unpacks it: too large unpacked, too highly compressed, too many parts, archives inside,
  parts that hold more than they declare.
- ``safe_filename`` and ``download_response``: an uploaded file's name is shown and sent back
  without path parts or control characters, and a stored file always downloads, never renders in
  our origin.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zipfile
import zlib
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# --- request bodies -----------------------------------------------------------------------------

_REFUSED = "_kam_upload_too_large"


def too_large_message() -> str:
    return _("The upload is larger than %(limit)s; send a smaller file.") % {
        "limit": filesizeformat(settings.KAM_UPLOAD_MAX_BYTES)}


def too_large_response(request: HttpRequest) -> HttpResponse:
    """413 in the shape the caller reads: JSON for the API, a page for a person."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": too_large_message()}, status=413)
    return render(request, "core/413.html", {"message": too_large_message()}, status=413)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads nothing of a body whose length it cannot parse


class UploadLimitMiddleware:
    """Refuse an upload over ``KAM_UPLOAD_MAX_BYTES`` before its body is read.

    Runs as a view middleware placed before the CSRF check, because that check is the first thing
    that reads a form's body; at that point the user and their language are known, so the refusal
    is a page in their language (or JSON under ``/api/``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A body parsed lazily by the view itself (not a POST form) and stopped by the handler.
        if getattr(request, _REFUSED, False):
            return too_large_response(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _declared_length(request) > settings.KAM_UPLOAD_MAX_BYTES:
            return too_large_response(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            # Parse the form now, through UploadLimitHandler, so that a body that grows past the
            # limit never reaches the view half-read.
            request.POST  # noqa: B018 - reading it is the point
            if getattr(request, _REFUSED, False):
                return too_large_response(request)
        return None


class UploadLimitHandler(FileUploadHandler):
    """First of the upload handlers: counts every file byte of a request as it arrives and stops
    the upload (nothing of it kept) once they pass ``KAM_UPLOAD_MAX_BYTES``, whatever the
    request's headers said."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.KAM_UPLOAD_MAX_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                setattr(self.request, _REFUSED, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class AsgiBodyLimit:
    """ASGI wrapper with the same limit: Django's ASGI handler spools the whole body to a
    temporary file before any middleware runs, so the limit must stand in front of it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.KAM_UPLOAD_MAX_BYTES
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                return await self._refuse(send)
        received = 0
        refused = False
        started = False

        async def limited_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True  # the app hears the client went away, and reads no further
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, watched_send)
        if refused and not started:
            await self._refuse(send)

    @staticmethod
    async def _refuse(send):
        body = too_large_message().encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


# --- ZIP-based files ----------------------------------------------------------------------------

# A real spreadsheet or Word file compresses 3 to 15 to 1 (sheet XML about 12); a bomb, a thousand.
MAX_RATIO = 100
# Parts smaller than this unpacked are not ratio-checked: a small part may compress very well.
RATIO_FLOOR = 1024 * 1024
# An XLSX or DOCX has tens of parts; a few hundred with many images or sheets.
MAX_MEMBERS = 1000
# Names of archives that may sit inside another (a Word file may embed a spreadsheet).
ARCHIVE_SUFFIXES = (".zip", ".jar", ".xlsx", ".xlsm", ".xlsb", ".docx", ".docm", ".pptx", ".odt", ".ods", ".odp",
                    ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar", ".cab")
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD = struct.Struct("<4s4H2LH")


class UnsafeArchive(ValidationError):
    """A ZIP-based file refused before it was unpacked; the message says why."""


def _entries_declared(file: BinaryIO, size: int) -> int | None:
    """The number of parts the end-of-directory record declares, read before Python's zipfile
    parses (and keeps in memory) a directory of any length; None if there is no such record. A
    ZIP64 file says 0xFFFF here, more than any limit we set."""
    tail_size = min(size, _END_RECORD.size + 0xFFFF)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or at + _END_RECORD.size > len(tail):
        return None
    return _END_RECORD.unpack_from(tail, at)[4]


def check_zip(file: BinaryIO, *, max_unpacked: int | None = None, max_members: int = MAX_MEMBERS,
              max_ratio: int = MAX_RATIO, nested_under: tuple[str, ...] = ()) -> None:
    """Refuse a ZIP-based file (raise ``UnsafeArchive``) from its central directory alone, before
    anything unpacks a byte of it: more than ``max_members`` parts; parts declaring more than
    ``max_unpacked`` (default ``KAM_UPLOAD_MAX_UNPACKED_BYTES``) in all; a part over the floor, or
    the whole, compressed more than ``max_ratio`` to 1; sizes that do not fit the file; an archive
    inside it, unless under one of ``nested_under``. Raises ``zipfile.BadZipFile`` for a file that
    is not a ZIP at all. Leaves ``file`` at its start.

    Last, each part is inflated once as a stream, a megabyte at a time and thrown away, to see that
    it holds what it declares: Python's zipfile returns no more than the declared size, but a
    whole-part ``read()`` (python-docx and openpyxl do it) first inflates everything the part
    holds, up to 2 GB, so a part declaring a kilobyte must not hold more."""
    max_unpacked = settings.KAM_UPLOAD_MAX_UNPACKED_BYTES if max_unpacked is None else max_unpacked
    file.seek(0, 2)
    size = file.tell()
    declared = _entries_declared(file, size)
    if declared is None:
        file.seek(0)
        raise zipfile.BadZipFile("no end of central directory")
    too_many = _("The file holds more than %(limit)s parts; a spreadsheet or a document has far fewer.")
    if declared > max_members:
        raise UnsafeArchive(too_many % {"limit": max_members})
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
    file.seek(0)
    if len(members) > max_members:
        raise UnsafeArchive(too_many % {"limit": max_members})
    total = 0
    for member in members:
        if member.compress_size > size or member.file_size < 0:
            raise UnsafeArchive(_("“%(name)s” inside the file declares sizes that do not fit the file.")
                                % {"name": member.filename[:100]})
        if member.file_size > RATIO_FLOOR and member.file_size > max_ratio * max(member.compress_size, 1):
            raise UnsafeArchive(_("“%(name)s” inside the file is compressed %(ratio)s to 1 (at most %(limit)s to 1 "
                                  "is accepted): this looks like a zip bomb.") % {
                "name": member.filename[:100], "ratio": member.file_size // max(member.compress_size, 1),
                "limit": max_ratio})
        name = member.filename.lower()
        if name.endswith(ARCHIVE_SUFFIXES) and not name.startswith(nested_under):
            raise UnsafeArchive(_("The file holds another archive (“%(name)s”), which is not expected here.")
                                % {"name": member.filename[:100]})
        total += member.file_size
    if total > max_unpacked or (total > RATIO_FLOOR and total > max_ratio * max(size, 1)):
        raise UnsafeArchive(_("The file unpacks to %(size)s (at most %(limit)s, and %(ratio)s times its own size, "
                              "is accepted).") % {"size": filesizeformat(total), "limit": filesizeformat(max_unpacked),
                                                 "ratio": max_ratio})
    try:
        for member in members:
            if _inflated_size(file, member) != member.file_size:
                raise UnsafeArchive(_("“%(name)s” inside the file holds another size than it declares.")
                                    % {"name": member.filename[:100]})
    finally:
        file.seek(0)


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_READ = 64 * 1024
_INFLATE = 1024 * 1024


def _inflated_size(file: BinaryIO, member: zipfile.ZipInfo) -> int:
    """What ``member`` really inflates to, counted in bounded steps and stopped as soon as it
    passes the declared size (one more step is enough to know it lies)."""
    if member.flag_bits & 0x1:
        raise UnsafeArchive(_("“%(name)s” inside the file is encrypted.") % {"name": member.filename[:100]})
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise UnsafeArchive(_("“%(name)s” inside the file is compressed in a way office files are not.")
                            % {"name": member.filename[:100]})
    file.seek(member.header_offset)
    header = file.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {member.filename!r}")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    file.seek(member.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, produced = member.compress_size, 0
    try:
        while left > 0 and not inflater.eof:
            data = file.read(min(left, _READ))
            if not data:
                break
            left -= len(data)
            while data and not inflater.eof and produced <= member.file_size:
                produced += len(inflater.decompress(data, _INFLATE))
                data = inflater.unconsumed_tail
            if produced > member.file_size:
                break
    except zlib.error as error:
        raise zipfile.BadZipFile(f"{member.filename!r} does not inflate: {error}") from error
    return produced


# --- names and downloads ------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\\/]")
# What a stored file is sent as: types no browser runs as a page or a script. Anything else is
# application/octet-stream.
DOWNLOAD_TYPES = {
    ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".rtf": "application/rtf", ".txt": "text/plain; charset=utf-8", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".png": "image/png", ".tif": "image/tiff", ".tiff": "image/tiff", ".zip": "application/zip",
}


def safe_filename(name: str, *, max_length: int = 120, default: str = "file") -> str:
    """An uploaded file's name fit to store, show and send back: its last path part only, without
    control or formatting characters (NUL, line breaks, right-to-left overrides), leading dots or
    runs of spaces, cut to ``max_length`` keeping the extension."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = _SEPARATORS.split(name)[-1]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 16:
            name = stem[:max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:max_length].rstrip(" .")
    return name or default


def download_response(file, *, filename: str) -> FileResponse:
    """A stored upload sent back as a download under a safe name: never shown inline, never sent
    as HTML, SVG or XML, not sniffed, and sandboxed should a browser open it anyway."""
    name = safe_filename(filename)
    _stem, dot, extension = name.lower().rpartition(".")
    content_type = DOWNLOAD_TYPES.get(dot + extension, "application/octet-stream")
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
