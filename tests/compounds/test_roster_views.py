"""Roster and letters pages through the test client: the import flow staff see, and 403 for
anyone who is not staff of this compound's community."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds import roster
from app.compounds.models import Building, InviteCode, RosterUpload, Unit
from app.compounds.roster_parse import parse_roster
from app.extensions import db
from tests.factories import (
    grant,
    make_compound,
    make_resident,
    make_staff,
    make_unit,
    make_user,
    roster_csv,
)

ROWS = [
    ["1", "1", "101", "89.50", "登记", "陈志强", "19900010001", "否"],
    ["1", "1", "102", "118.36", "实测", "王建国、赵淑芬", "19900010003、19900010004", "否"],
    ["1", "2", "101", "76.38", "合同", "陈志强", "19900010001", ""],
    ["2", "1", "101", "63.85", "登记", "", "", "是"],
]


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _upload(client, compound, content, filename="roster.csv"):
    return client.post(f"/c/{compound.id}/roster/import",
                       data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


@pytest.fixture
def staffed(app):
    compound = make_compound(name="锦华苑")
    staff = make_staff(compound)
    db.session.commit()
    return compound, staff


def test_staff_import_flow(client, login_as, staffed):
    compound, staff = staffed
    login_as(staff)
    assert client.get(f"/c/{compound.id}/roster/import").status_code == 200
    response = _upload(client, compound, roster_csv(ROWS))
    assert response.status_code == 302
    upload = db.session.scalar(select(RosterUpload))
    assert response.headers["Location"].endswith(f"/c/{compound.id}/roster/import/{upload.id}")
    assert _count(Unit) == 0

    page = client.get(f"/c/{compound.id}/roster/import/{upload.id}").get_data(as_text=True)
    assert "确认导入" in page and "新增房屋" in page
    response = client.post(f"/c/{compound.id}/roster/import/{upload.id}/apply")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{compound.id}/roster")
    assert _count(Unit) == 4
    page = client.get(f"/c/{compound.id}/roster").get_data(as_text=True)
    assert "新增 4 户" in page
    assert "陈志强" in page and "19900010001" in page  # staff see names and numbers in full
    assert "指定投票人" in page
    assert "348.09" in page  # total exclusive area

    # Confirming the same upload again is refused, and changes nothing.
    response = client.post(f"/c/{compound.id}/roster/import/{upload.id}/apply",
                           follow_redirects=True)
    assert "已经导入过了" in response.get_data(as_text=True)
    assert _count(AuditEntry, AuditEntry.action == "roster.imported") == 1
    assert verify().ok


def test_reimport_preview_says_no_changes(client, login_as, staffed):
    compound, staff = staffed
    login_as(staff)
    _upload(client, compound, roster_csv(ROWS))
    first = db.session.scalar(select(RosterUpload))
    client.post(f"/c/{compound.id}/roster/import/{first.id}/apply")
    response = _upload(client, compound, roster_csv(ROWS))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "完全一致" in page
    response = client.post(response.headers["Location"] + "/apply", follow_redirects=True)
    assert "名册没有变化" in response.get_data(as_text=True)


def test_problems_are_listed_and_nothing_is_written(client, login_as, staffed):
    compound, staff = staffed
    login_as(staff)
    bad = [ROWS[0], ["1", "1", "102", "89.123", "估算", "李秀英", "1380013", "否"], ROWS[0]]
    response = _upload(client, compound, roster_csv(bad))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for text in ("第 3 行", "第 4 行", "面积", "面积来源", "业主手机", "房号", "名册没有导入"):
        assert text in page, text
    assert "roster/import/" not in page  # no preview, no confirm button
    assert _count(RosterUpload) == 0 and _count(Unit) == 0 and _count(AuditEntry) == 0


def test_upload_without_file_is_400(client, login_as, staffed):
    compound, staff = staffed
    login_as(staff)
    response = client.post(f"/c/{compound.id}/roster/import", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "请选择要上传的名册文件" in response.get_data(as_text=True)


def test_export_is_an_xlsx_of_the_roster(client, login_as, staffed):
    compound, staff = staffed
    login_as(staff)
    _upload(client, compound, roster_csv(ROWS))
    client.post(f"/c/{compound.id}/roster/import/{db.session.scalar(select(RosterUpload.id))}/apply")
    response = client.get(f"/c/{compound.id}/roster/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("楼栋", "单元", "房号", "面积", "面积来源", "业主姓名", "业主手机",
                         "开发商持有")
    assert values[2] == ("1", "1", "102", 118.36, "实测", "王建国、赵淑芬",
                         "19900010003、19900010004", "否")
    assert len(values) == 5


def test_letters_one_page_per_unit_with_qr(client, login_as, staffed):
    compound, staff = staffed
    login_as(staff)
    _upload(client, compound, roster_csv(ROWS))
    client.post(f"/c/{compound.id}/roster/import/{db.session.scalar(select(RosterUpload.id))}/apply")
    building = db.session.scalar(select(Building).where(Building.name == "1"))
    assert "打印 1 栋的邀请函" in client.get(f"/c/{compound.id}/letters").get_data(as_text=True)
    response = client.post(f"/c/{compound.id}/letters/issue", data={"building": building.id})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{compound.id}/letters/{building.id}")
    page = client.get(f"/c/{compound.id}/letters/{building.id}").get_data(as_text=True)
    codes = list(db.session.scalars(select(InviteCode.code)))
    assert len(codes) == 3  # building 1 only
    assert len(re.findall(r'<section class="page letter"', page)) == 3
    assert page.count('src="data:image/svg+xml') == 3
    for code in codes:
        assert f"{code[:4]} {code[4:]}" in page
        assert f"http://localhost/c/claim?code={code}" in page
    assert "锦华苑" in page and "1 栋 2 单元 101 室" in page
    assert verify().ok


def test_letters_page_lists_units_without_codes(client, login_as, staffed):
    compound, staff = staffed
    unit = make_unit(compound, building="3", room="301")
    db.session.commit()
    login_as(staff)
    page = client.get(f"/c/{compound.id}/letters/{unit.building_id}").get_data(as_text=True)
    assert "page letter" not in page
    assert "3-1-301" in page and "为这些房屋生成邀请码" in page


def test_template_round_trips_through_the_importer(client, login_as, staffed):
    """The blank template offered on the import page has the importer's own header: alone it
    is "only a header"; with its example row (second sheet) copied under the header it parses
    into that unit, two co-owners in order; the example sheet itself is never read."""
    compound, staff = staffed
    login_as(staff)
    page = client.get(f"/c/{compound.id}/roster/import").get_data(as_text=True)
    assert f'href="/c/{compound.id}/roster/template.xlsx"' in page
    response = client.get(f"/c/{compound.id}/roster/template.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    blank = parse_roster("template.xlsx", response.data)
    assert [str(p.message) for p in blank.problems] == ["文件里只有表头，没有房屋数据。"]

    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["名册", "示例"]
    example = list(book["示例"].iter_rows(values_only=True))
    assert example[0] == next(book["名册"].iter_rows(values_only=True))
    book["名册"].append(example[1])
    filled = io.BytesIO()
    book.save(filled)
    parsed = parse_roster("filled.xlsx", filled.getvalue())
    assert parsed.ok, parsed.problems
    assert len(parsed.rows) == 1
    row = parsed.rows[0]
    assert (row["building"], row["entrance"], row["room"]) == ("1", "1", "101")
    assert row["owners"] == [["张三", "13800000000"], ["李四", "13900000000"]]
    assert _upload(client, compound, filled.getvalue(), "filled.xlsx").status_code == 302


def _routes(compound, upload_id, building_id):
    base = f"/c/{compound.id}"
    return [
        ("get", f"{base}/roster", None),
        ("get", f"{base}/roster/import", None),
        ("post", f"{base}/roster/import", "file"),
        ("get", f"{base}/roster/import/{upload_id}", None),
        ("post", f"{base}/roster/import/{upload_id}/apply", None),
        ("get", f"{base}/roster/export.xlsx", None),
        ("get", f"{base}/roster/template.xlsx", None),
        ("get", f"{base}/letters", None),
        ("post", f"{base}/letters/issue", "building"),
        ("get", f"{base}/letters/{building_id}", None),
    ]


def _call(client, method, url, kind, building_id):
    if kind == "file":
        return client.post(url, data={"file": (io.BytesIO(roster_csv(ROWS)), "r.csv")},
                           content_type="multipart/form-data")
    if kind == "building":
        return client.post(url, data={"building": building_id})
    return getattr(client, method)(url)


@pytest.mark.parametrize("who", ["resident", "owner_with_roles", "other_staff", "anonymous"])
def test_only_this_communitys_staff_get_in(client, login_as, staffed, who):
    compound, staff = staffed
    staged = roster.stage_upload(staff, compound, "roster.csv", roster_csv(ROWS))
    unit = make_unit(compound, building="1", room="901")
    user = make_user()
    if who == "resident":
        make_resident(user, unit, "tenant")
    elif who == "owner_with_roles":
        make_resident(user, unit, "owner")
        for role in ("party_cell", "council", "committee", "property", "grid"):
            grant(user, compound, role)
    elif who == "other_staff":
        make_staff(make_compound(), user)
    db.session.commit()
    if who != "anonymous":
        login_as(user)
    for method, url, kind in _routes(compound, staged.upload.id, unit.building_id):
        response = _call(client, method, url, kind, unit.building_id)
        if who == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == 403, (method, url, response.status_code)
    assert _count(RosterUpload) == 1
    assert db.session.get(RosterUpload, staged.upload.id).applied_at is None
    assert _count(InviteCode) == 0 and _count(Unit) == 1


def test_other_staff_cannot_reach_an_upload_through_their_own_compound(client, login_as, staffed):
    compound, staff = staffed
    staged = roster.stage_upload(staff, compound, "roster.csv", roster_csv(ROWS))
    unit = make_unit(compound, building="1", room="901")
    mine = make_compound()
    other = make_staff(mine, make_user())
    db.session.commit()
    login_as(other)
    assert client.get(f"/c/{mine.id}/roster/import/{staged.upload.id}").status_code == 404
    assert client.post(f"/c/{mine.id}/roster/import/{staged.upload.id}/apply",
                       follow_redirects=True).status_code == 404
    assert client.get(f"/c/{mine.id}/letters/{unit.building_id}").status_code == 404
    client.post(f"/c/{mine.id}/letters/issue", data={"building": unit.building_id})
    assert db.session.get(RosterUpload, staged.upload.id).applied_at is None
    assert _count(InviteCode) == 0


def test_preview_shows_old_and_new_values(client, login_as, staffed):
    compound, staff = staffed
    login_as(staff)
    _upload(client, compound, roster_csv(ROWS))
    client.post(f"/c/{compound.id}/roster/import/{db.session.scalar(select(RosterUpload.id))}/apply")
    changed = [list(r) for r in ROWS]
    changed[0][3:5] = ["90.05", "实测"]
    changed[3][5:8] = ["周华", "19900010009", "否"]
    response = _upload(client, compound, roster_csv(changed[:3] + changed[3:] + [
        ["3", "1", "101", "70.00", "登记", "孙磊", "19900010008", "否"]]))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "89.50 → <strong>90.05</strong>" in page
    assert "登记 → <strong>实测</strong>" in page
    assert "是 → <strong>否</strong>" in page and "— → <strong>周华</strong>" in page
    assert "3-1-101" in page  # the new unit
    assert _count(Unit) == 4  # still only a preview
