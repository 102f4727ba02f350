"""Uploads that cannot hurt the server: every body measured before it is read (WSGI and ASGI, a
declared length, a lying one, none), ZIP-based files refused from their directory alone, names
cleaned, stored files always downloaded."""

import asyncio
import io
import sys
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from openpyxl import Workbook

from keyaccount.core.uploads import AsgiBodyLimit, UnsafeArchive, check_zip, download_response, safe_filename
from keyaccount.deals.documents import DEFAULT_TEMPLATES
from keyaccount.timeline.models import Interaction
from tests import bombs
from tests.timeline.test_importers import MASTER_CSV

LIMIT = 10_000
BOUNDARY = "kamboundary"
FILE_HEAD = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Master.csv\"\r\n"
             "Content-Type: text/csv\r\n\r\n").encode()


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.KAM_UPLOAD_MAX_BYTES = LIMIT


class EndlessUpload:
    """A client's body that never ends: a multipart head, then file bytes for as long as anyone
    reads. ``taken`` says how much the server read."""

    def __init__(self):
        self.taken = 0

    def _take(self, size):
        size = 65536 if size is None or size < 0 else min(size, 65536)
        head = FILE_HEAD[self.taken:self.taken + size]
        chunk = head + b"x" * (size - len(head))
        self.taken += len(chunk)
        return chunk

    def read(self, size=-1):
        return self._take(size)

    def readline(self, size=-1):
        return self._take(size)


def wsgi_post(path, stream, content_length=None):
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost", "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.input": stream, "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
               "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
               "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}"}
    if content_length is not None:
        environ["CONTENT_LENGTH"] = str(content_length)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=dict(headers))

    body = b"".join(WSGIHandler()(environ, start_response))
    return answer["status"], answer["headers"], body


def test_an_upload_declaring_more_than_the_limit_is_refused_before_a_byte_is_read(db):
    stream = EndlessUpload()
    status, headers, body = wsgi_post("/timeline/calls/import/", stream, content_length=50 * 1024 * 1024 * 1024)
    assert status == 413 and stream.taken == 0
    assert headers["Content-Type"].startswith("text/html") and b"larger than 9.8" in body


def test_a_body_lying_about_its_length_is_read_no_further_than_it_says(db):
    stream = EndlessUpload()
    status, _headers, _body = wsgi_post("/api/v1/interactions/calls/import", stream, content_length=4000)
    assert stream.taken <= 4000 and status < 500


def test_a_body_without_a_length_is_not_read_at_all(db):
    stream = EndlessUpload()  # chunked transfer: the server gives no CONTENT_LENGTH
    status, _headers, _body = wsgi_post("/timeline/calls/import/", stream)
    assert stream.taken == 0 and status < 500


def test_the_page_and_the_api_answer_413_for_a_file_over_the_limit(people, client_for, api_as):
    big = SimpleUploadedFile("Master.csv", MASTER_CSV.encode() * 100)
    page = client_for(people["anna"]).post("/timeline/calls/import/", {"file": big, "file_format": "asterisk",
                                                                       "import": "1"})
    assert page.status_code == 413 and "larger than 9.8" in page.content.decode()
    big.seek(0)
    answer = api_as("anna")("post", "/api/v1/interactions/calls/import", data={"file": big,
                                                                               "file_format": "asterisk"})
    assert answer.status_code == 413 and "larger than 9.8" in answer.json()["detail"]
    assert not Interaction.objects.exists()


def _asgi_scope(path, headers):
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"localhost"),
                        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()), *headers],
            "server": ("localhost", 80), "client": ("127.0.0.1", 5000)}


def _asgi_call(app, scope, chunks):
    """Run ``app`` on a body sent in ``chunks`` (an iterator); returns (status, body, chunks taken)."""
    sent, taken = [], 0

    async def receive():
        nonlocal taken
        chunk = next(chunks, None)
        if chunk is None:
            await asyncio.sleep(3600)  # the client waits for the answer
        taken += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return start["status"], body, taken


def _endless_file():
    yield FILE_HEAD
    while True:
        yield b"x" * 1000


def test_under_asgi_a_body_is_cut_off_at_the_limit_before_django_spools_it():
    app = AsgiBodyLimit(ASGIHandler())
    declared = _asgi_scope("/api/v1/interactions/calls/import", [(b"content-length", b"999999999")])
    status, body, taken = _asgi_call(app, declared, _endless_file())
    assert status == 413 and taken == 0 and b"larger than" in body
    status, body, taken = _asgi_call(app, _asgi_scope("/api/v1/interactions/calls/import", []), _endless_file())
    assert status == 413 and taken <= LIMIT // 1000 + 2


def test_file_bytes_past_the_limit_stop_the_upload_whatever_the_length_said():
    # Without the ASGI guard Django reads the body whole and trusts nothing but the parser: the
    # upload handler counts the file as it streams and stops it.
    chunks = iter([FILE_HEAD, *[b"x" * 1000] * (3 * LIMIT // 1000), f"\r\n--{BOUNDARY}--\r\n".encode()])

    async def app(scope, receive, send):
        async def finite_receive():
            message = await receive()
            message["more_body"] = message["body"] != f"\r\n--{BOUNDARY}--\r\n".encode()
            return message

        await ASGIHandler()(scope, finite_receive, send)

    status, body, _taken = _asgi_call(app, _asgi_scope("/api/v1/interactions/calls/import",
                                                        [(b"content-length", b"500")]), chunks)
    assert status == 413 and b"larger than" in body


# ZIP-based files ----------------------------------------------------------------------------------


def _xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Date", "Number"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_in_well_under_a_second():
    bomb = bombs.with_bomb(_xlsx(), "xl/worksheets/sheet1.xml", megabytes=1024)
    assert len(bomb) < 2 * bombs.MB
    started = time.perf_counter()
    with pytest.raises(UnsafeArchive) as refused:
        check_zip(io.BytesIO(bomb))
    assert time.perf_counter() - started < 0.5
    assert "zip bomb" in refused.value.messages[0] and "sheet1.xml" in refused.value.messages[0]


def test_real_spreadsheets_and_word_files_pass():
    check_zip(io.BytesIO(_xlsx()))
    check_zip((DEFAULT_TEMPLATES / "proposal_ru.docx").open("rb"))


@pytest.mark.parametrize("build,message", [
    # Many parts each under the ratio floor, together a gigabyte from a megabyte.
    (lambda: bombs.build_zip([(f"xl/part{n}.xml", *bombs.deflated_zeros(1), 1024 * 1024 - 1) for n in range(60)]),
     "unpacks to"),
    (lambda: bombs.build_zip([(f"xl/{n}.xml", b"\x03\x00", 0, 0) for n in range(1001)]), "more than 1000 parts"),
    (lambda: bombs.replace_member(_xlsx(), "xl/embeddings/inner.zip", data=b"\x03\x00", crc=0, size=0),
     "another archive"),
    (lambda: bombs.replace_member(_xlsx(), "xl/worksheets/sheet1.xml", data=b"\x03\x00", crc=0, size=0)[:-22]
     + b"PK\x05\x06" + b"\x00" * 4 + b"\xff\xff\xff\xff" + b"\x00" * 10, "more than 1000 parts"),
])
def test_archives_too_large_too_crowded_or_nested_are_refused(build, message, settings):
    settings.KAM_UPLOAD_MAX_UNPACKED_BYTES = 50 * bombs.MB
    with pytest.raises(UnsafeArchive) as refused:
        check_zip(io.BytesIO(build()))
    assert message in refused.value.messages[0]


def test_a_word_file_may_embed_a_spreadsheet_where_word_keeps_them():
    docx = (DEFAULT_TEMPLATES / "proposal_en.docx").read_bytes()
    embedded = bombs.replace_member(docx, "word/embeddings/Sheet1.xlsx", data=b"\x03\x00", crc=0, size=0)
    check_zip(io.BytesIO(embedded), nested_under=("word/embeddings/",))
    with pytest.raises(UnsafeArchive):
        check_zip(io.BytesIO(embedded))


def test_a_part_lying_about_its_size_is_refused_after_inflating_one_step_of_it():
    # A whole-part read() in zipfile inflates everything the part holds (up to 2 GB) before it cuts
    # the result to the declared size: the lie must be caught first.
    lying = bombs.with_lying_member(_xlsx(), "xl/worksheets/sheet1.xml", megabytes=1024, declared=1000)
    started = time.perf_counter()
    with pytest.raises(UnsafeArchive) as refused:
        check_zip(io.BytesIO(lying))
    assert time.perf_counter() - started < 0.5
    assert "another size than it declares" in refused.value.messages[0]
    short = bombs.replace_member(_xlsx(), "xl/styles.xml", data=bombs.deflated_zeros(1)[0], crc=0, size=2 * bombs.MB)
    with pytest.raises(UnsafeArchive):
        check_zip(io.BytesIO(short))


def test_a_file_that_is_no_zip_at_all_says_so():
    with pytest.raises(zipfile.BadZipFile):
        check_zip(io.BytesIO(b"PK\x03\x04 and then nothing"))


# Names and downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("../../etc/passwd\x00.pdf", "passwd.pdf"),
    ("C:\\Users\\anna\\Договор №7.pdf", "Договор №7.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("line\r\nbreak.txt", "linebreak.txt"),
    ("  ..hidden  .docx", "hidden .docx"),
    ("", "file"),
    ("../..", "file"),
    ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
])
def test_uploaded_file_names_lose_paths_and_control_characters(raw, expected):
    assert safe_filename(raw) == expected


@pytest.mark.parametrize("name,content_type", [
    ("page.html", "application/octet-stream"), ("logo.svg", "application/octet-stream"),
    ("drawing.xml", "application/octet-stream"), ("scan.pdf", "application/pdf"),
    ("note.txt", "text/plain; charset=utf-8"),
])
def test_a_stored_file_is_always_a_download_never_a_page(name, content_type):
    response = download_response(io.BytesIO(b"<svg onload=alert(1)>"), filename=name)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
