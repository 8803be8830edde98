"""Roster import validation: every kind of problem is reported with its row (header = row 1)
and column, and a file with any problem writes nothing at all."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.compounds.models import Building, Holding, RosterUpload, Unit
from app.compounds.roster import stage_upload
from app.compounds.roster_parse import MAX_ROWS, parse_area, parse_roster
from app.extensions import db
from tests.factories import ROSTER_HEADER, make_compound, make_staff, roster_csv, roster_xlsx

GOOD = ["1", "1", "101", "89.50", "登记", "王建国", "19900010001", "否"]


def _row(**changes):
    """GOOD with some columns replaced, by header name."""
    row = list(GOOD)
    for name, value in changes.items():
        row[ROSTER_HEADER.index(name)] = value
    return row


def _second(**changes):
    row = _row(**changes)
    row[2] = changes.get("房号", "102")
    return row


CASES = {
    "area not a number": ([_row(面积="八十九")], [(2, "面积")]),
    "area with three decimals": ([_row(面积="89.505")], [(2, "面积")]),
    "area negative": ([_row(面积="-89.50")], [(2, "面积")]),
    "area zero": ([_row(面积="0")], [(2, "面积")]),
    "area in exponent form": ([_row(面积="8.95e1")], [(2, "面积")]),
    "area empty": ([_row(面积="")], [(2, "面积")]),
    "duplicate unit": ([GOOD, _row(业主姓名="李秀英", 业主手机="19900010002")], [(3, "房号")]),
    "unknown area source": ([_row(面积来源="估算")], [(2, "面积来源")]),
    "empty area source": ([_row(面积来源="")], [(2, "面积来源")]),
    "malformed mobile": ([_row(业主手机="1380013")], [(2, "业主手机")]),
    "mobile with letters": ([_row(业主手机="1990001000a")], [(2, "业主手机")]),
    "names and mobiles count mismatch": (
        [_row(业主姓名="王建国、赵淑芬", 业主手机="19900010001")], [(2, "业主手机")]),
    "missing owner of a sold unit": ([_row(业主姓名="", 业主手机="")], [(2, "业主姓名")]),
    "unknown developer flag": ([_row(开发商持有="也许")], [(2, "开发商持有")]),
    "developer-held unit with an owner": ([_row(开发商持有="是")], [(2, "业主姓名")]),
    "missing building": ([_row(楼栋="")], [(2, "楼栋")]),
    "room too long": ([_row(房号="1" * 21)], [(2, "房号")]),
    "same mobile, two names": (
        [GOOD, _second(业主姓名="王建军")], [(3, "业主姓名")]),
    "same co-owners, other designated voter": (
        [_row(业主姓名="王建国、赵淑芬", 业主手机="19900010001、19900010002"),
         _second(业主姓名="赵淑芬、王建国", 业主手机="19900010002、19900010001")],
        [(3, "业主姓名")]),
    "same mobile twice in one unit": (
        [_row(业主姓名="王建国、王建国", 业主手机="19900010001、19900010001")],
        [(2, "业主手机")]),
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _assert_nothing_written():
    for model in (Unit, Building, Holding, RosterUpload, AuditEntry):
        assert _count(model) == 0, model.__name__


@pytest.mark.parametrize("case", list(CASES))
def test_each_bad_row_is_named_and_nothing_is_written(app, case):
    rows, expected = CASES[case]
    compound = make_compound()
    staff = make_staff(compound)
    # A clean row before the bad one: one problem anywhere means nothing is imported.
    clean = ["9", "1", "901", "70.00", "实测", "孙磊", "19900019999", ""]
    result = stage_upload(staff, compound, "roster.csv", roster_csv([clean, *rows]))
    found = [(p.row, p.column) for p in result.parsed.problems]
    assert found == [(row + 1, column) for row, column in expected], \
        [str(p.message) for p in result.parsed.problems]
    assert result.upload is None and result.parsed.rows == []
    _assert_nothing_written()


FILE_CASES = {
    "empty file": ("roster.csv", b"", None),
    "blank lines only": ("roster.csv", b"\n\n,,,\n", None),
    "header only": ("roster.csv", roster_csv([]), None),
    "missing required column": (
        "roster.csv", roster_csv([GOOD[:3] + GOOD[4:]], header=ROSTER_HEADER[:3]
                                 + ROSTER_HEADER[4:]), (1, "面积")),
    "not a spreadsheet": ("roster.pdf", b"%PDF-1.4", None),
    "old excel": ("roster.xls", b"\xd0\xcf\x11\xe0", None),
    "damaged xlsx": ("roster.xlsx", b"PK\x03\x04 not really a zip", None),
    "binary called csv": ("roster.csv", b"\xff\xfe\x00\x00\x81\x30", None),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_files_are_refused_and_nothing_is_written(app, case):
    filename, content, where = FILE_CASES[case]
    compound = make_compound()
    staff = make_staff(compound)
    result = stage_upload(staff, compound, filename, content)
    assert result.upload is None
    assert len(result.parsed.problems) == 1
    problem = result.parsed.problems[0]
    assert str(problem.message)
    if where:
        assert (problem.row, problem.column) == where
    _assert_nothing_written()


def test_too_many_rows_is_refused(app):
    rows = [[str(n // 1000), "1", str(n), "80.00", "登记", "", "", "是"]
            for n in range(MAX_ROWS + 1)]
    result = parse_roster("big.csv", roster_csv(rows))
    assert [p.row for p in result.problems] == [None]
    assert "20000" in str(result.problems[0].message)


def test_every_problem_of_every_row_is_listed(app):
    rows = [GOOD, _second(面积="abc", 业主手机="123"), _row(房号="103", 面积来源="估算"),
            _row(房号="104", 开发商持有="?")]
    result = parse_roster("roster.csv", roster_csv(rows))
    assert [(p.row, p.column, p.letter) for p in result.problems] == [
        (3, "面积", "D"), (3, "业主手机", "G"), (4, "面积来源", "E"), (5, "开发商持有", "H")]


def test_problems_in_an_xlsx_carry_spreadsheet_row_numbers(app):
    content = roster_xlsx([
        ["1", "1", "101", 89.5, "登记", "王建国", 19900010001, "否"],
        [None] * 8,  # a blank line still counts in the spreadsheet's numbering
        ["1", "1", "102", 89.125, "登记", "李秀英", 19900010002, "否"],
    ])
    result = parse_roster("roster.xlsx", content)
    assert [(p.row, p.column) for p in result.problems] == [(4, "面积")]


def test_accepted_spellings(app):
    """English headers, a title line above the header, GB18030 (Excel's Chinese CSV), the
    co-owner separators and the yes/no spellings all read the same."""
    header = ["Building", "Unit", "Room", "Area (m²)", "Area source", "Owner name",
              "Owner mobile", "Developer-held"]
    rows = [["锦华苑业主名册"], header,
            ["1", "2", "301", "89.5㎡", "surveyed", "王建国;赵淑芬",
             "+86 199-0001-0001；19900010002", "no"],
            ["1", "2", "302", " 120 ", "合同", "李秀英/周华", "19900010003/19900010004", "0"],
            ["1", "2", "303", "66.66", "实测", "", "", "yes"]]
    for encoding in ("gb18030", "utf-8", "utf-8-sig"):
        result = parse_roster("名册.csv", roster_csv(rows, header=None, encoding=encoding))
        assert result.ok, [str(p.message) for p in result.problems]
        assert [r["row"] for r in result.rows] == [3, 4, 5]
        first, second, third = result.rows
        assert first["area"] == "89.50" and first["area_source"] == "surveyed"
        assert first["owners"] == [["王建国", "19900010001"], ["赵淑芬", "19900010002"]]
        assert second["area"] == "120.00" and len(second["owners"]) == 2
        assert third["developer"] is True and third["owners"] == []


def test_area_is_exact_decimal():
    assert parse_area("0.1") + parse_area("0.2") == Decimal("0.30")
    assert parse_area("89.45") == Decimal("89.45")
    with pytest.raises(ValueError):
        parse_area("NaN")
    with pytest.raises(ValueError):
        parse_area("Infinity")
