"""core.tabular: the files people import, read as rows whatever their delimiter and encoding."""

import io

import pytest

from keyaccount.core.tabular import open_records


def rows_of(text: str, encoding: str = "utf-8") -> list[list[str]]:
    records, _used = open_records(io.BytesIO(text.encode(encoding)), filename="export.csv")
    return list(records)


def test_a_1c_export_with_decimal_commas_is_split_on_its_semicolons():
    # csv.Sniffer takes the comma here: every row has "1 234,56" and the header "Скидка, %".
    text = """Номер;Дата;ИНН;КПП;Артикул;Количество;Цена;Скидка, %;Статус
ЗК-00000001;20.10.2025;0000079191;;SCALE-0199;33;71 977,95;5;Выполнен
ЗК-00000002;16.01.2024;0022569150;;SCALE-0092;20;73 744,22;;Выполнен
ЗК-00000002;16.01.2024;0022569150;;SCALE-0172;30;76 743,96;10;Выполнен
ЗК-00000003;26.12.2024;1160133508;;SCALE-0089;24;40 454,41;;Выполнен
ЗК-00000004;26.12.2023;0127654283;;SCALE-0109;30;50 992,39;5;Выполнен
"""
    rows = rows_of(text, "cp1251")
    assert rows[0] == ["Номер", "Дата", "ИНН", "КПП", "Артикул", "Количество", "Цена", "Скидка, %", "Статус"]
    assert rows[-1] == ["ЗК-00000004", "26.12.2023", "0127654283", "", "SCALE-0109", "30", "50 992,39", "5",
                        "Выполнен"]
    assert {len(row) for row in rows} == {9}


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_usual_delimiter_is_recognised(delimiter):
    text = "".join(delimiter.join(cells) + "\r\n" for cells in
                   [["date", "from", "to", "seconds"]] + [["2026-01-05", f"+7495000{n:04d}", "101", str(n)]
                                                          for n in range(50)])
    rows = rows_of(text)
    assert rows[0] == ["date", "from", "to", "seconds"]
    assert rows[-1] == ["2026-01-05", "+74950000049", "101", "49"]


def test_a_quoted_cell_holding_the_delimiter_and_a_line_end_stays_one_cell():
    text = 'name,comment,amount\n"ООО ""Ромашка""","first, then\nsecond",10\nИП Петров,plain,20\n'
    assert rows_of(text) == [["name", "comment", "amount"], ['ООО "Ромашка"', "first, then\nsecond", "10"],
                             ["ИП Петров", "plain", "20"]]


def test_spaces_after_a_comma_are_not_part_of_the_cell():
    assert rows_of('a, b, c\n1, "2, 3", 4\n') == [["a", "b", "c"], ["1", "2, 3", "4"]]


def test_a_single_column_is_read_as_one():
    assert rows_of("phone\n+74950000001\n+74950000002\n") == [["phone"], ["+74950000001"], ["+74950000002"]]
