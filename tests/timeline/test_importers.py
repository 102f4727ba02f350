"""Call logs from the phone system: Asterisk Master.csv and a provider's CP1251 CSV, matched to
people, shown on the timeline, and re-imported without duplicates."""

import datetime as dt
import io
import time
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from keyaccount.core import tabular
from keyaccount.timeline import importers
from keyaccount.timeline.choices import CallDirection, CallOutcome, MatchStatus
from keyaccount.timeline.models import CallImport, Interaction
from tests import bombs
from tests.factories import ContactFactory, give_phone

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")

# Asterisk cdr_csv Master.csv: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp,
# lastdata, start, answer, end, duration, billsec, disposition, amaflags[, uniqueid, userfield[,
# peeraccount, linkedid, sequence]].
MASTER_CSV = (
    '"","101","89161234567","from-internal","""Anna"" <101>","SIP/101-00000001","SIP/trunk-00000002","Dial",'
    '"SIP/trunk/89161234567,60","2026-03-02 10:15:00","2026-03-02 10:15:07","2026-03-02 10:18:32",212,205,'
    '"ANSWERED","DOCUMENTATION","1740903300.1",""\n'
    '"","+74951112233","101","from-trunk","""Client"" <+74951112233>","SIP/trunk-00000003","SIP/101-00000004",'
    '"Dial","SIP/101,30","2026-03-02 11:00:00","","2026-03-02 11:00:25",25,0,"NO ANSWER","DOCUMENTATION",'
    '"1740906000.3","","","1740906000.3","7"\n'
    '"","102","89990000000","from-internal","","SIP/102-00000005","SIP/trunk-00000006","Dial","",'
    '"2026-03-02 12:00:00","2026-03-02 12:00:03","2026-03-02 12:01:00",60,57,"ANSWERED","DOCUMENTATION"\n'
)


@pytest.fixture
def numbers(people, anna_account, shared_account):
    """Elena Petrova at Anna's account has +7 916 123-45-67; the shared account's switchboard is
    +7 495 111-22-33; Anna's extension is 101."""
    elena = ContactFactory(account=anna_account, last_name="Petrova")
    give_phone(elena, "+79161234567")
    shared_account.phone = "+74951112233"
    shared_account.save()
    people["anna"].extension = "101"
    people["anna"].save()
    return {"elena": elena}


def test_an_asterisk_master_csv_is_imported_and_matched(people, numbers, anna_account, shared_account):
    report = importers.import_calls(user=people["anna"], data=MASTER_CSV.encode(), filename="Master.csv",
                                    fmt="asterisk")
    assert (report.rows, report.created, report.matched, report.unmatched) == (3, 3, 2, 1)
    outbound = Interaction.objects.get(external_key="ast:1740903300.1:")
    assert outbound.account == anna_account and list(outbound.contacts.all()) == [numbers["elena"]]
    assert (outbound.direction, outbound.outcome, outbound.their_number, outbound.our_line) == (
        CallDirection.OUTBOUND, CallOutcome.ANSWERED, "+79161234567", "101")
    assert outbound.starts_at == dt.datetime(2026, 3, 2, 10, 15, tzinfo=MOSCOW)
    assert (outbound.duration_seconds, outbound.talk_seconds) == (212, 205)
    assert outbound.owner == people["anna"]
    inbound = Interaction.objects.get(external_key="ast:1740906000.3:7")
    assert (inbound.direction, inbound.outcome, inbound.account) == (CallDirection.INBOUND, CallOutcome.MISSED,
                                                                     shared_account)
    stranger = Interaction.objects.get(their_number="+79990000000")
    assert stranger.account is None and stranger.match_status == MatchStatus.UNMATCHED
    assert stranger.external_key.startswith("h:")


def test_reimporting_the_same_or_an_overlapping_file_adds_nothing_twice(people, numbers):
    importers.import_calls(user=people["anna"], data=MASTER_CSV.encode(), filename="Master.csv", fmt="asterisk")
    again = importers.import_calls(user=people["anna"], data=MASTER_CSV.encode(), filename="Master.csv",
                                   fmt="asterisk")
    assert (again.created, again.duplicates) == (0, 3)
    overlapping = MASTER_CSV.splitlines()[2] + "\n" + MASTER_CSV.splitlines()[0].replace("1740903300.1", "1.9") + "\n"
    report = importers.import_calls(user=people["anna"], data=overlapping.encode(), filename="Master2.csv",
                                    fmt="asterisk")
    assert (report.created, report.duplicates) == (1, 1)
    assert Interaction.objects.count() == 4
    assert CallImport.objects.count() == 3


def test_calls_show_on_the_account_and_person_timelines(people, numbers, anna_account, client_for):
    importers.import_calls(user=people["anna"], data=MASTER_CSV.encode(), filename="Master.csv", fmt="asterisk")
    client = client_for(people["anna"])
    account_page = client.get(f"/timeline/accounts/{anna_account.pk}/").content.decode()
    person_page = client.get(f"/accounts/contacts/{numbers['elena'].pk}/").content.decode()
    for page in (account_page, person_page):
        assert "8 (916) 123-45-67" in page and "3:25" in page  # talk time 205 s


CP1251_EXPORT = (
    "Дата и время;Тип;Номер клиента;Сотрудник;Длительность;Статус;ID\r\n"
    "15.03.2026 14:05;Входящий;8 (916) 123-45-67;101;0:03:25;Отвечен;A-1\r\n"
    "15.03.2026 15:30;Исходящий;+7 999 000-00-00;101;0:00:00;Не отвечен;A-2\r\n"
)
CP1251_MAPPING = ("start=Дата и время,direction=Тип,their_number=Номер клиента,extension=Сотрудник,"
                  "talk=Длительность,outcome=Статус,id=ID")


def test_a_cp1251_provider_export_is_imported_with_a_mapping(people, numbers, anna_account):
    report = importers.import_calls(user=people["anna"], data=CP1251_EXPORT.encode("cp1251"), filename="calls.csv",
                                    fmt="csv", mapping=CP1251_MAPPING)
    assert (report.encoding, report.created, report.matched, report.unmatched) == ("cp1251", 2, 1, 1)
    call = Interaction.objects.get(external_key="id:A-1")
    assert (call.direction, call.outcome, call.talk_seconds, call.account) == (
        CallDirection.INBOUND, CallOutcome.ANSWERED, 205, anna_account)
    assert call.starts_at == dt.datetime(2026, 3, 15, 14, 5, tzinfo=MOSCOW)
    assert Interaction.objects.get(external_key="id:A-2").outcome == CallOutcome.MISSED


def test_utf8_with_bom_and_xlsx_exports_read_the_same(people, numbers):
    import io

    from openpyxl import Workbook

    report = importers.import_calls(user=people["anna"], data=b"\xef\xbb\xbf" + CP1251_EXPORT.encode(),
                                    filename="calls.csv", fmt="csv", mapping=CP1251_MAPPING, dry_run=True)
    assert (report.encoding, report.created) == ("utf-8-sig", 2)
    workbook = Workbook()
    for line in CP1251_EXPORT.splitlines():
        workbook.active.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = importers.import_calls(user=people["anna"], data=buffer.getvalue(), filename="calls.xlsx", fmt="csv",
                                    mapping=CP1251_MAPPING)
    assert report.created == 2
    assert not Interaction.objects.filter(external_key__isnull=True).exists()


def test_a_dry_run_saves_nothing(people, numbers):
    report = importers.import_calls(user=people["anna"], data=MASTER_CSV.encode(), filename="Master.csv",
                                    fmt="asterisk", dry_run=True)
    assert report.created == 3
    assert not Interaction.objects.exists() and not CallImport.objects.exists()


@pytest.mark.parametrize("content,message", [
    ('"","101","102"\n', "Line 1: 3 columns"),
    (MASTER_CSV.replace("2026-03-02 10:15:00", "02/30/2026 25:00"), "Line 1, column 10 (start)"),
    (MASTER_CSV.replace(",212,205,", ",abc,205,"), "Line 1, column 13 (duration)"),
    (MASTER_CSV.replace('"NO ANSWER"', '"MAYBE"'), "Line 2, column 15 (disposition)"),
])
def test_malformed_cdr_rows_are_named_by_line_and_column_and_nothing_is_saved(people, content, message):
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=content.encode(), filename="Master.csv", fmt="asterisk")
    assert any(message in text for text in error.value.messages), error.value.messages
    assert not Interaction.objects.exists() and not CallImport.objects.exists()


def test_skip_bad_imports_the_good_rows_and_reports_every_bad_one(people, numbers):
    content = MASTER_CSV.replace(",212,205,", ",abc,205,")
    report = importers.import_calls(user=people["anna"], data=content.encode(), filename="Master.csv",
                                    fmt="asterisk", skip_bad=True)
    assert report.created == 2 and len(report.skipped) == 1 and "Line 1" in report.skipped[0]


@pytest.mark.parametrize("mapping,message", [
    ("start=Дата,their_number=Номер клиента", "Did you mean “Дата и время”?"),
    ("when=Дата и время", "Unknown mapping fields: when"),
    ("start=Дата и время", "must name “start” and either"),
    ("{not json", "not valid JSON"),
])
def test_a_wrong_mapping_says_what_is_wrong(people, mapping, message):
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=CP1251_EXPORT.encode("cp1251"), filename="c.csv", fmt="csv",
                               mapping=mapping)
    assert any(message in text for text in error.value.messages), error.value.messages


def test_a_file_of_the_wrong_format_is_refused_clearly(people):
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=b"\x89PNG\r\n\x1a\n\x00\x00\x00", filename="x.png",
                               fmt="csv", mapping="start=a,their_number=b")
    assert error.value.messages
    with pytest.raises(ValidationError):
        importers.import_calls(user=people["anna"], data=b"PK\x03\x04broken", filename="x.xlsx", fmt="csv",
                               mapping="start=a,their_number=b")
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=b"", filename="Master.csv", fmt="asterisk")
    assert "no calls" in error.value.messages[0]


@pytest.mark.parametrize("raw,expected", [
    ("89161234567", "+79161234567"), ("8 (916) 123-45-67", "+79161234567"), ("+7 916 123 45 67", "+79161234567"),
    ("9161234567", "+79161234567"), ("74951112233", "+74951112233"), ("101", "101"), ("+44 20 7946 0958",
                                                                                         "+442079460958"),
])
def test_numbers_are_normalised_to_e164(raw, expected):
    assert importers.normalise_number(raw) == expected


# Streaming: the file is read in chunks, rows are written in batches, one transaction per file ------


def _asterisk_line(n: int, disposition: str = "ANSWERED", uniqueid: str | None = None) -> str:
    return (f'"","101","8916{n:07d}","from-internal","","SIP/101-1","SIP/trunk-2","Dial","","2026-03-02 10:15:00",'
            f'"","2026-03-02 10:18:32",212,205,"{disposition}","DOCUMENTATION","{uniqueid or n}",""\n')


class ChunksOnly(io.BytesIO):
    """A file that refuses to be read whole."""

    def read(self, size=-1):
        assert 0 < size <= tabular.CHUNK_BYTES, f"read({size})"
        return super().read(size)


def test_the_file_is_read_in_chunks_never_whole(people):
    content = "".join(_asterisk_line(n) for n in range(50)).encode()
    report = importers.import_calls(user=people["anna"], data=ChunksOnly(content), filename="Master.csv",
                                    fmt="asterisk")
    assert report.created == 50


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_characters_and_line_ends_cut_between_chunks_read_the_same(people, numbers, monkeypatch, chunk):
    monkeypatch.setattr(tabular, "CHUNK_BYTES", chunk)
    for data, encoding in ((CP1251_EXPORT.encode(), "utf-8"), (CP1251_EXPORT.encode("cp1251"), "cp1251"),
                           (CP1251_EXPORT.replace("\r\n", "\r").encode(), "utf-8")):
        report = importers.import_calls(user=people["anna"], data=data, filename="calls.csv", fmt="csv",
                                        mapping=CP1251_MAPPING, dry_run=True)
        assert (report.encoding, report.rows, report.created, report.matched) == (encoding, 2, 2, 1)
        assert report.preview[0].their_number == "+79161234567" and report.preview[1].line == 3


@pytest.mark.parametrize("chunk", [tabular.CHUNK_BYTES, 4096, 333])
def test_a_decoding_error_far_into_the_file_names_its_line(people, monkeypatch, chunk):
    monkeypatch.setattr(tabular, "CHUNK_BYTES", chunk)
    good = "".join(_asterisk_line(n) for n in range(3000)).encode()  # ~600 KB, many chunks
    bad = _asterisk_line(3000).replace("Dial", "Звонок").encode("cp1251")
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=good + bad, filename="Master.csv", fmt="asterisk",
                               encoding="utf-8")
    assert "Line 3001 is not utf-8 text" in error.value.messages[0]
    assert not Interaction.objects.exists()


def test_the_whole_file_decides_its_encoding_not_its_first_lines(people, monkeypatch):
    monkeypatch.setattr(tabular, "CHUNK_BYTES", 4096)
    ascii_lines = "".join(_asterisk_line(n) for n in range(3000))
    cyrillic = _asterisk_line(3000).replace("Dial", "Звонок")
    report = importers.import_calls(user=people["anna"], data=(ascii_lines + cyrillic).encode("cp1251"),
                                    filename="Master.csv", fmt="asterisk")
    assert (report.encoding, report.created) == ("cp1251", 3001)
    report = importers.import_calls(user=people["anna"], data=(ascii_lines + cyrillic).encode(),
                                    filename="Master2.csv", fmt="asterisk", dry_run=True)
    assert report.encoding == "utf-8"
    with pytest.raises(ValidationError) as error:  # neither: 0x98 means nothing in Windows-1251
        importers.import_calls(user=people["anna"], data=ascii_lines.encode() + b"\x98\xff\n", filename="M.csv",
                               fmt="asterisk")
    assert "Cannot tell the file's text encoding" in error.value.messages[0]


def test_calls_are_written_in_batches_and_a_repeat_in_a_later_batch_is_a_duplicate(people, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_ROWS", 2)
    content = "".join(_asterisk_line(n, uniqueid="same" if n in (0, 4) else None) for n in range(7)).encode()
    report = importers.import_calls(user=people["anna"], data=content, filename="Master.csv", fmt="asterisk")
    assert (report.rows, report.created, report.duplicates) == (7, 6, 1)
    again = importers.import_calls(user=people["anna"], data=content, filename="Master.csv", fmt="asterisk")
    assert (again.created, again.duplicates) == (0, 7)
    assert Interaction.objects.count() == 6
    assert CallImport.objects.order_by("pk").values_list("rows", "created", "duplicates")[0] == (7, 6, 1)


def test_the_import_tells_its_progress_after_each_batch_to_the_end_of_the_file(people, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_ROWS", 2)
    monkeypatch.setattr(tabular, "CHUNK_BYTES", 200)  # read a few lines at a time, as a large file is
    content = "".join(_asterisk_line(n) for n in range(7)).encode()
    told = []
    importers.import_calls(user=people["anna"], data=io.BytesIO(content), filename="Master.csv", fmt="asterisk",
                           progress=lambda rows, done, size: told.append((rows, done, size)))
    assert [rows for rows, _done, _size in told] == [2, 4, 6, 7]
    assert {size for _rows, _done, size in told} == {len(content)}
    assert [done for _rows, done, _size in told] == sorted(done for _rows, done, _size in told)
    assert told[-1][1] == len(content)


def test_kam_import_draws_a_progress_bar_on_a_terminal():
    import importlib

    from django.core.management.base import OutputWrapper

    command = importlib.import_module("keyaccount.core.management.commands.import")  # "import" is a keyword
    terminal = io.StringIO()
    bar = command._ProgressBar(OutputWrapper(terminal), 1000)
    bar(20_000, 500)
    bar(40_000, 1000)
    bar.done()
    shown = terminal.getvalue()
    assert "\r[###############...............]  50%  20,000 rows" in shown
    assert "\r[##############################] 100%  40,000 rows" in shown and shown.endswith("\n")


def test_numbers_and_keys_are_looked_up_unordered_so_each_is_an_index_lookup(people):
    """With the models' default order the database may walk the order's index over every account
    instead of looking each number up (0.24 s a lookup at 100,000 accounts on SQLite): the import's
    lookups ask for no order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    content = "".join(_asterisk_line(n, uniqueid=f"u{n}") for n in range(5)).encode()
    with CaptureQueriesContext(connection) as captured:
        importers.import_calls(user=people["anna"], data=content, filename="Master.csv", fmt="asterisk")
    lookups = [sql for sql in (query["sql"] for query in captured.captured_queries) if sql.startswith("SELECT")
               and ("contactphone" in sql or "external_key" in sql or ("accounts_account" in sql and "phone" in sql))]
    assert len(lookups) >= 3 and not [sql for sql in lookups if "ORDER BY" in sql]


def test_a_bad_row_after_batches_were_written_undoes_them_all(people, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_ROWS", 2)
    content = "".join(_asterisk_line(n) for n in range(9)) + _asterisk_line(9, disposition="MAYBE")
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=content.encode(), filename="Master.csv", fmt="asterisk")
    assert "Line 10, column 15 (disposition)" in error.value.messages[0]
    assert not Interaction.objects.exists() and not CallImport.objects.exists()


def test_skip_bad_imports_every_good_row_however_many_rows_are_bad(people, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_ROWS", 50)
    content = "".join(_asterisk_line(n, disposition="MAYBE") for n in range(250))
    content += "".join(_asterisk_line(n) for n in range(250, 260))
    report = importers.import_calls(user=people["anna"], data=content.encode(), filename="Master.csv",
                                    fmt="asterisk", skip_bad=True)
    assert (report.rows, report.created, report.skipped_rows) == (260, 10, 250)
    assert len(report.skipped) == importers.MAX_ERRORS + 1 and "50 more bad rows" in report.skipped[-1]
    assert CallImport.objects.get().skipped == 250
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=content.encode(), filename="Master.csv", fmt="asterisk")
    assert len(error.value.messages) == importers.MAX_ERRORS + 1 and "fix these first" in error.value.messages[-1]


def test_a_file_over_the_row_limit_is_refused_before_anything_is_written(people, settings,
                                                                        django_assert_num_queries):
    settings.KAM_IMPORT_MAX_ROWS = 2
    with django_assert_num_queries(0), pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=MASTER_CSV.encode(), filename="Master.csv",
                               fmt="asterisk")
    assert "more than 2 rows" in error.value.messages[0]
    settings.KAM_IMPORT_MAX_ROWS = 3  # a quoted cell may span lines: rows are counted, not lines
    multiline = MASTER_CSV.replace('"DOCUMENTATION"', '"DOCU\nMENTATION"')
    assert importers.import_calls(user=people["anna"], data=multiline.encode(), filename="Master.csv",
                                  fmt="asterisk").created == 3


def test_a_spreadsheet_over_the_row_limit_is_refused(people, settings, django_assert_num_queries):
    from openpyxl import Workbook

    workbook = Workbook()
    for line in CP1251_EXPORT.splitlines():
        workbook.active.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    settings.KAM_IMPORT_MAX_ROWS = 1
    with django_assert_num_queries(0), pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=buffer.getvalue(), filename="calls.xlsx", fmt="csv",
                               mapping=CP1251_MAPPING)
    assert "more than 1 rows" in error.value.messages[0]
    # A sheet that does not declare its size is counted as it streams, and nothing stays written.
    undeclared = bombs.members_of(buffer.getvalue())
    undeclared = [(name, *rest) if name != "xl/worksheets/sheet1.xml" else _without_dimension(name, rest)
                  for name, *rest in undeclared]
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=bombs.build_zip(undeclared), filename="calls.xlsx",
                               fmt="csv", mapping=CP1251_MAPPING)
    assert "more than 1 rows" in error.value.messages[0]
    assert not Interaction.objects.exists() and not CallImport.objects.exists()


def _without_dimension(name, member):
    import re
    import zlib

    xml = zlib.decompress(member[0], -15)
    xml = re.sub(rb"<dimension[^>]*/>", b"", xml)
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, compressor.compress(xml) + compressor.flush(), zlib.crc32(xml), len(xml)


def test_a_spreadsheet_zip_bomb_is_refused_in_well_under_a_second(people):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Дата и время", "Номер клиента"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    bomb = bombs.with_bomb(buffer.getvalue(), "xl/worksheets/sheet1.xml", megabytes=1024)
    started = time.perf_counter()
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=bomb, filename="calls.xlsx", fmt="csv",
                               mapping="start=Дата и время,their_number=Номер клиента")
    assert time.perf_counter() - started < 1
    assert "zip bomb" in error.value.messages[0]


@pytest.mark.parametrize("content,message", [
    (b"x" * (3 * 1024 * 1024), "Line 1 is longer than"),
    (MASTER_CSV.encode() + b'"' + b"x" * 200_000 + b'"\n', "Line 4: field larger than field limit"),
])
def test_a_monstrous_line_or_cell_is_refused_by_its_line(people, content, message):
    with pytest.raises(ValidationError) as error:
        importers.import_calls(user=people["anna"], data=content, filename="Master.csv", fmt="asterisk")
    assert message in error.value.messages[0], error.value.messages
