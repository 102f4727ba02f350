"""Order lines from a file, as an accounting system exports them: headers in Russian or English, matched by
INN (and KPP) and SKU, all or nothing, again without doubling, and the kept sales follow."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from keyaccount.core.models import AuditEntry
from keyaccount.core.tabular import ImportFailed
from keyaccount.orders import importers, sales
from keyaccount.orders.models import Order, OrderLine, SalesDay
from tests import bombs
from tests.factories import AccountFactory, ProductFactory

D = Decimal


@pytest.fixture
def book(people):
    """Anna's client (with a KPP), Boris's client (without one), two products."""
    return {
        "alpha": AccountFactory(name="Alpha", owner=people["anna"], inn="7707083893", kpp="770701001"),
        "boris": AccountFactory(name="Gamma", owner=people["boris"], inn="7736207543", kpp=""),
        "pump": ProductFactory(sku="P-100", category="Pumps"),
        "service": ProductFactory(sku="S-1", category="Service"),
    }


RUSSIAN = (
    "Номер;Дата;ИНН;КПП;Артикул;Количество;Цена;Скидка, %;Статус\n"
    "ЗК-1;15.03.2026;7707083893;770701001;P-100;2;1 500,50;10;Выполнен\n"
    "ЗК-1;15.03.2026;7707083893;770701001;S-1;1;300;;Выполнен\n"
    "ЗК-2;16.03.2026;7707083893;770701001;P-100;1;1000;;Отменён\n"
)


def _import(user, text: str, encoding="utf-8", **options):
    return importers.import_orders(user=user, data=text.encode(encoding), filename="orders.csv", **options)


def test_a_russian_export_in_windows_1251_lands_on_the_account_with_its_inn_and_kpp(people, book):
    report = _import(people["anna"], RUSSIAN, encoding="cp1251")
    assert (report.rows, report.orders, report.lines, report.encoding) == (3, 2, 3, "cp1251")
    first = Order.objects.get(number="ЗК-1")
    assert first.account == book["alpha"] and first.status == "completed"
    # 2 × 1 500.50 less 10 % = 2 700.90; plus 300.
    assert first.total == D("3000.90")
    assert sorted(OrderLine.objects.filter(order=first).values_list("amount", flat=True)) == [D("300.00"),
                                                                                            D("2700.90")]
    second = Order.objects.get(number="ЗК-2")
    assert second.account == book["alpha"] and second.status == "cancelled"
    assert AuditEntry.objects.filter(object_id__in=[first.pk, second.pk], action="create").count() == 2


def test_the_same_file_again_adds_nothing(people, book):
    _import(people["anna"], RUSSIAN)
    again = _import(people["anna"], RUSSIAN)
    assert (again.orders, again.duplicates) == (0, 2) and Order.objects.count() == 2


def test_the_kept_sales_by_day_take_the_imported_orders(people, book):
    _import(people["anna"], RUSSIAN)
    kept = sorted(SalesDay.objects.values_list("day", "category", "amount"))
    sales.rebuild_sales_days()
    assert kept == sorted(SalesDay.objects.values_list("day", "category", "amount"))
    assert SalesDay.objects.filter(category="").get().amount == D("3000.90")  # the cancelled order does not count


def test_the_kept_sales_are_the_orders_sums_whatever_the_batches(people, book, monkeypatch):
    # Small batches, and two files one after the other in one transaction (the orders each import adds
    # to the sales are its own): the kept rows (per manager, team, day, currency and category) are
    # still what counting every order gives.
    monkeypatch.setattr(importers, "BATCH_LINES", 7)
    buyers = ["7707083893;770701001", "7736207543;"]
    rows = ["".join(f"N-{n};2026-03-{1 + n % 5:02d};{buyers[n % 2]};{['P-100', 'S-1'][n // 2 % 2]};{1 + n % 4};"
                    f"{10 + n}.5;{['', 'Отменён', 'Выполнен'][n % 3]}\n" for n in numbers)
            for numbers in (range(40), range(40, 60))]
    for part in rows:
        _import(people["admin"], "number;date;inn;kpp;sku;quantity;price;status\n" + part)
    fields = ("owner_id", "account_team", "day", "currency", "category", "amount")
    kept = sorted(SalesDay.objects.values_list(*fields))
    sales.rebuild_sales_days()
    assert kept == sorted(SalesDay.objects.values_list(*fields))
    assert {row[0] for row in kept} == {people["anna"].pk, people["boris"].pk}
    assert {row[4] for row in kept} == {"", "Pumps", "Service"}


def test_a_large_import_refreshes_the_planners_statistics_and_a_small_one_does_not(people, book, monkeypatch):
    refreshed = []
    monkeypatch.setattr(importers.bulk, "refresh_statistics", refreshed.append)
    monkeypatch.setattr(importers.bulk, "STATISTICS_AFTER_ROWS", 3)
    _import(people["anna"], RUSSIAN, encoding="cp1251")  # 3 lines
    assert refreshed == [["orders_order", "orders_orderline", "core_auditentry", "orders_salesday"]]
    monkeypatch.setattr(importers.bulk, "STATISTICS_AFTER_ROWS", 4)
    _import(people["anna"], RUSSIAN.replace("ЗК-", "ZK-"), encoding="cp1251")
    assert len(refreshed) == 1


def test_a_bad_row_at_the_very_end_of_a_large_file_refuses_it_whole(people, book, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_LINES", 100)  # many batches written before the bad row
    rows = "".join(f"N-{n};2026-03-{1 + n % 28:02d};7736207543;;S-1;1;10\n" for n in range(1000))
    text = "number;date;inn;kpp;sku;quantity;price\n" + rows + "N-X;2026-03-01;7736207543;;S-1;zero;10\n"
    with pytest.raises(ImportFailed) as refused:
        _import(people["admin"], text)
    assert refused.value.messages == ["Line 1002, column “quantity”: “zero” is not a positive quantity"]
    assert not Order.objects.exists() and not SalesDay.objects.exists() and not AuditEntry.objects.exists()


def test_each_problem_is_named_by_line_and_the_files_own_column(people, book):
    text = ("Номер;Дата;ИНН;Артикул;Количество;Цена\n"
            "1;31.02.2026;7707083893;P-100;1;10\n"
            "2;2026-03-01;123;P-100;1;10\n"
            "3;2026-03-01;7736207543;P-100;1;10\n"
            "4;2026-03-01;7707083893;P-100;1;10\n"
            "5;2026-03-01;7702070139;P-100;1;10\n"
            "6;2026-03-01;7707083893;NOPE;1;10\n"
            "7;2026-03-01;7707083893;P-100;1;-5\n")
    with pytest.raises(ImportFailed) as refused:
        _import(people["anna"], text)
    assert refused.value.messages == [
        "Line 2, column “Дата”: “31.02.2026” is not a date (e.g. 2026-03-15 or 15.03.2026)",
        "Line 3, column “ИНН”: “123” is not an INN (10 or 12 digits)",
        "Line 8, column “Цена”: “-5” is not a price",
        # Anna may not change Boris's account; nobody has the second INN.
        "Line 4, column “ИНН”: no account you may change has INN 7736207543",
        "Line 6, column “ИНН”: no account you may change has INN 7702070139",
        "Line 7, column “Артикул”: no product with SKU “NOPE”",
    ]
    assert not Order.objects.exists()


def test_a_kpp_must_agree_with_the_accounts_unless_the_account_has_none(people, book):
    text = ("number;date;inn;kpp;sku;quantity;price\n"
            "A;2026-03-01;7707083893;667101001;P-100;1;10\n"
            "B;2026-03-01;7736207543;773601001;P-100;1;10\n")
    with pytest.raises(ImportFailed) as refused:
        _import(people["admin"], text)
    # Another KPP is another subdivision of the client, not Alpha's head office.
    assert refused.value.messages == ["Line 2, column “inn”: no account you may change has INN 7707083893 / "
                                      "KPP 667101001"]
    _import(people["admin"], text.replace("667101001", "770701001"))
    assert dict(Order.objects.values_list("number", "account__name")) == {"A": "Alpha", "B": "Gamma"}


def test_skipping_bad_rows_skips_their_whole_order_and_imports_the_rest(people, book):
    text = ("number;date;inn;kpp;sku;quantity;price\n"
            "A;2026-03-01;7707083893;770701001;P-100;1;10\n"
            "A;2026-03-01;7707083893;770701001;S-1;x;10\n"
            "B;2026-03-02;7707083893;770701001;P-100;2;10\n")
    report = _import(people["anna"], text, skip_bad=True)
    assert list(Order.objects.values_list("number", flat=True)) == ["B"]
    assert report.skipped_rows == 1 and report.skipped[0].startswith("Line 3, column “quantity”")


def test_an_orders_lines_must_be_together(people, book):
    text = ("number;date;inn;kpp;sku;quantity;price\n"
            "A;2026-03-01;7707083893;770701001;P-100;1;10\n"
            "B;2026-03-02;7707083893;770701001;P-100;1;10\n"
            "A;2026-03-01;7707083893;770701001;S-1;1;10\n")
    with pytest.raises(ImportFailed) as refused:
        _import(people["anna"], text)
    assert refused.value.messages == ["Line 4: the lines of order A are not together; sort the file by order number."]


@pytest.mark.parametrize("batch_lines", [1, 2, 1000])
def test_an_orders_lines_apart_are_found_in_the_same_batch_or_in_a_later_one(people, book, monkeypatch,
                                                                              batch_lines):
    # The importer keeps no list of every number it read (memory must not grow with the file): what it
    # wrote in an earlier batch it finds in the database, and tells from an order that was already there.
    monkeypatch.setattr(importers, "BATCH_LINES", batch_lines)
    _import(people["admin"], "number;date;inn;kpp;sku;quantity;price\nOLD;2026-02-01;7736207543;;S-1;1;10\n")
    text = ("number;date;inn;kpp;sku;quantity;price\n"
            "OLD;2026-02-01;7736207543;;S-1;1;10\n"
            "A;2026-03-01;7707083893;770701001;P-100;1;10\n"
            "B;2026-03-02;7707083893;770701001;P-100;1;10\n"
            "OLD;2026-02-01;7736207543;;S-1;1;10\n"
            "A;2026-03-01;7707083893;770701001;S-1;1;10\n")
    report = _import(people["admin"], text, skip_bad=True)
    assert report.skipped == ["Line 6: the lines of order A are not together; sort the file by order number."]
    assert (report.orders, report.duplicates) == (2, 2)
    assert sorted(Order.objects.values_list("number", flat=True)) == ["A", "B", "OLD"]
    assert Order.objects.get(number="A").lines.count() == 1


def test_a_file_without_the_needed_columns_says_which_and_a_mapping_names_them(people, book):
    with pytest.raises(ImportFailed) as refused:
        _import(people["anna"], "Док;Когда;ИНН покупателя;Код;Кол;Сумма\nA;2026-03-01;7736207543;S-1;1;10\n")
    assert refused.value.messages[0].startswith("Line 1: no column for number, date, sku, quantity.")
    report = _import(people["admin"], "Док;Когда;ИНН покупателя;Код;Кол;Сумма\nA;2026-03-01;7736207543;S-1;4;10\n",
                     mapping="number=Док,date=Когда,sku=Код,quantity=Кол")
    line = OrderLine.objects.get()
    assert report.orders == 1 and (line.amount, line.unit_price) == (D("10.00"), D("2.50"))


def test_an_xlsx_export_imports_like_a_csv(people, book):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Order number", "Order date", "INN", "KPP", "SKU", "Qty", "Unit price", "Currency"])
    sheet.append(["X-1", "2026-03-05", "7707083893", "770701001", "P-100", 3, 99.5, "usd"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = importers.import_orders(user=people["anna"], data=buffer.getvalue(), filename="orders.xlsx")
    order = Order.objects.get()
    assert report.encoding == "xlsx" and (order.currency, order.total) == ("USD", D("298.50"))


def test_kam_import_orders_summarises_or_exits_2_with_the_problems(people, book, tmp_path, capsys):
    good = tmp_path / "orders.csv"
    good.write_text(RUSSIAN, encoding="utf-8")
    call_command("import", "orders", str(good), "--user", "anna")
    assert "Imported 2 orders (3 lines) from 3 rows (utf-8)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("Номер;Дата\n1;2026-01-01\n", encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        call_command("import", "orders", str(bad))
    assert failed.value.returncode == 2 and "no column for inn, sku, quantity, price" in capsys.readouterr().err
    with pytest.raises(CommandError) as refused:
        call_command("import", "orders", str(good), "--user", "support")
    assert refused.value.returncode == 2 and str(refused.value) == "support may not import orders."


def test_the_import_page_previews_then_imports(people, book, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(people["anna"])
    preview = client.post("/orders/import/", {"file": SimpleUploadedFile("orders.csv", RUSSIAN.encode()),
                                              "preview": "1"}, follow=True)
    html = preview.content.decode()
    assert "nothing is saved yet" in html and "2 new orders with 3 lines" in html and not Order.objects.exists()
    upload = html.split('name="upload" value="')[1].split('"')[0]
    done = client.post("/orders/import/", {"upload": upload, "import": "1"}, follow=True)
    assert "Imported" in done.content.decode() and Order.objects.count() == 2
    assert client_for(people["support"]).get("/orders/import/").status_code == 403


def test_a_zip_bomb_posing_as_a_spreadsheet_is_refused_before_it_is_inflated(people, book):
    workbook = Workbook()
    workbook.active.append(["number", "date", "inn", "sku", "quantity", "price"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    bomb = bombs.with_bomb(buffer.getvalue(), "xl/worksheets/sheet1.xml", megabytes=1024)
    with pytest.raises(ImportFailed):
        importers.import_orders(user=people["anna"], data=bomb, filename="orders.xlsx")
    assert not Order.objects.exists()


def test_the_page_imports_only_a_file_it_kept_never_a_path_sent_back(people, book, client_for, settings):
    client = client_for(people["anna"])
    for crafted in ("../../settings.py", "/etc/passwd", "imports/../../secret.csv", "imports/nope.csv"):
        response = client.post("/orders/import/", {"upload": crafted, "import": "1"})
        assert response.status_code == 400 and "Choose the file to import." in response.content.decode()
    assert not Order.objects.exists()
