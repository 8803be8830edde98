"""Applying a clean roster: what it creates, what a re-import changes (nothing), how an update
is audited, and that an export imports back as a no-op."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds import roster
from app.compounds.models import Building, Holding, HoldingOwner, RosterUpload, Unit
from app.core.errors import Conflict, NotFound
from app.extensions import db
from tests.factories import make_compound, make_staff, roster_csv, roster_xlsx

ROWS = [
    ["1", "1", "101", "89.50", "登记", "陈志强", "19900010001", "否"],
    ["1", "1", "102", "118.36", "实测", "陈志强", "19900010001", ""],
    ["2", "1", "101", "76.38", "合同", "陈志强", "19900010001", "否"],
    ["2", "1", "102", "102.75", "登记", "王建国、赵淑芬", "19900010003、19900010004", "否"],
    ["10", "2", "1301", "63.85", "登记", "", "", "是"],
    ["10", "2", "1302", "0.10", "登记", "", "", "是"],
]


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _actions(action: str) -> int:
    return _count(AuditEntry, AuditEntry.action == action)


def _import(staff, compound, content, filename="roster.csv"):
    staged = roster.stage_upload(staff, compound, filename, content)
    assert staged.upload is not None, [str(p.message) for p in staged.parsed.problems]
    plan = roster.apply_upload(staff, compound, staged.upload.id)
    db.session.commit()
    return plan


@pytest.fixture
def place(app):
    compound = make_compound()
    staff = make_staff(compound)
    db.session.commit()
    return compound, staff


def _unit(compound, building, entrance, room) -> Unit:
    return db.session.scalar(select(Unit).join(Building).where(
        Unit.compound_id == compound.id, Building.name == building, Unit.entrance == entrance,
        Unit.room == room))


def test_clean_file_previews_then_confirm_writes(place):
    compound, staff = place
    staged = roster.stage_upload(staff, compound, "roster.csv", roster_csv(ROWS))
    db.session.commit()
    assert _count(Unit) == 0  # staged only: nothing reaches the roster before confirming
    plan = roster.plan_import(compound, staged.upload.rows)
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (6, 0, 0)

    result = roster.apply_upload(staff, compound, staged.upload.id)
    db.session.commit()
    assert len(result.new) == 6
    assert _count(Unit) == 6 and _count(Building) == 3
    assert _count(Holding) == 2 and _count(HoldingOwner) == 3
    unit = _unit(compound, "1", "1", "102")
    assert unit.area == Decimal("118.36") and unit.area_source == "surveyed"
    assert _unit(compound, "10", "2", "1302").area == Decimal("0.10")
    assert _actions("roster.uploaded") == 1 and _actions("roster.imported") == 1
    assert _actions("roster.units_created") == 1
    assert verify().ok, verify().problems


def test_holdings_one_per_owner_party(place):
    compound, staff = place
    _import(staff, compound, roster_csv(ROWS))
    three = [_unit(compound, *k) for k in (("1", "1", "101"), ("1", "1", "102"), ("2", "1", "101"))]
    assert len({u.holding_id for u in three}) == 1  # one person, three units: ONE holding
    holding = three[0].holding
    assert holding.key == "19900010001" and holding.designated_mobile == "19900010001"
    shared = _unit(compound, "2", "1", "102").holding
    assert shared.key == "19900010003,19900010004"
    assert shared.designated_mobile == "19900010003"  # the first listed votes
    assert [(o.position, o.name) for o in shared.owners] == [(0, "王建国"), (1, "赵淑芬")]
    for room in ("1301", "1302"):
        unit = _unit(compound, "10", "2", room)
        assert unit.is_developer_held and unit.holding_id is None


def test_reimport_of_the_same_file_changes_nothing(place):
    compound, staff = place
    _import(staff, compound, roster_csv(ROWS))
    counts = [_count(m) for m in (Unit, Building, Holding, HoldingOwner)]
    digests = {u.id: (u.area, u.area_source, u.holding_id)
               for u in db.session.scalars(select(Unit))}
    updates = _actions("roster.unit_updated")

    plan = _import(staff, compound, roster_csv(ROWS))
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 6)
    assert not plan.has_changes
    assert [_count(m) for m in (Unit, Building, Holding, HoldingOwner)] == counts
    assert {u.id: (u.area, u.area_source, u.holding_id)
            for u in db.session.scalars(select(Unit))} == digests
    assert _actions("roster.unit_updated") == updates == 0
    assert _actions("roster.units_created") == 1  # from the first import only
    assert _actions("roster.imported") == 2
    assert verify().ok


def test_changed_area_is_an_audited_update(place):
    compound, staff = place
    _import(staff, compound, roster_csv(ROWS))
    changed = [list(r) for r in ROWS]
    changed[0][3] = "90.05"
    changed[0][4] = "实测"
    staged = roster.stage_upload(staff, compound, "roster-v2.csv", roster_csv(changed))
    plan = roster.plan_import(compound, staged.upload.rows)
    assert [(c.number, c.diff) for c in plan.changed] == [
        ("1-1-101", {"area": ("89.50", "90.05"), "area_source": ("registered", "surveyed")})]
    roster.apply_upload(staff, compound, staged.upload.id)
    db.session.commit()
    unit = _unit(compound, "1", "1", "101")
    assert unit.area == Decimal("90.05") and unit.area_source == "surveyed"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.unit_updated"))
    assert entry.object_type == "units" and entry.object_id == unit.id
    assert entry.data["old"]["area"] == "89.50" and entry.data["new"]["area"] == "90.05"
    assert entry.data["changed"] == ["area", "area_source"]
    assert entry.data["old"]["owners"] == [["陈**", "199****0001"]]  # masked in the log
    assert {c["table"] for c in entry.covers} == {"units"}
    assert _count(Unit) == 6 and _actions("roster.unit_updated") == 1
    assert verify().ok, verify().problems


def test_owner_and_developer_changes(place):
    compound, staff = place
    _import(staff, compound, roster_csv(ROWS))
    changed = [list(r) for r in ROWS]
    changed[3][5:7] = ["赵淑芬、王建国", "19900010004、19900010003"]  # other designated voter
    changed[4][5:8] = ["周华", "19900010009", "否"]  # the developer sold 10-2-1301
    changed[2][5:7] = ["孙磊", "19900010008"]  # 2-1-101 sold to someone else
    plan = _import(staff, compound, roster_csv(changed))
    assert sorted(c.number for c in plan.changed) == ["10-2-1301", "2-1-101", "2-1-102"]
    shared = _unit(compound, "2", "1", "102").holding
    assert shared.designated_mobile == "19900010004"
    sold = _unit(compound, "10", "2", "1301")
    assert not sold.is_developer_held and sold.holding.key == "19900010009"
    assert _unit(compound, "2", "1", "101").holding.key == "19900010008"
    assert _actions("roster.unit_updated") == 3 and _actions("roster.holding_updated") == 1
    assert verify().ok, verify().problems


def test_missing_units_are_reported_not_deleted(place):
    compound, staff = place
    _import(staff, compound, roster_csv(ROWS))
    plan = _import(staff, compound, roster_csv(ROWS[:4]))
    assert plan.missing == ["10-2-1301", "10-2-1302"]
    assert _count(Unit) == 6


def test_an_upload_applies_once(place):
    compound, staff = place
    staged = roster.stage_upload(staff, compound, "roster.csv", roster_csv(ROWS))
    roster.apply_upload(staff, compound, staged.upload.id)
    db.session.commit()
    with pytest.raises(Conflict):
        roster.apply_upload(staff, compound, staged.upload.id)
    db.session.rollback()
    assert _count(Unit) == 6 and _actions("roster.imported") == 1


def test_an_upload_belongs_to_its_compound(place):
    compound, staff = place
    staged = roster.stage_upload(staff, compound, "roster.csv", roster_csv(ROWS))
    other = make_compound()
    with pytest.raises(NotFound):
        roster.apply_upload(staff, other, staged.upload.id)


def test_xlsx_round_trip_is_a_no_op(place):
    compound, staff = place
    # A name that looks like a formula stays text in the export.
    odd = ["3", "1", "01", "100.10", "合同", "=1+2", "19900010009", "否"]
    _import(staff, compound, roster_csv([*ROWS, odd]))
    exported = roster.export_xlsx(compound)
    staged = roster.stage_upload(staff, compound, "export.xlsx", exported)
    assert staged.upload is not None, [str(p.message) for p in staged.parsed.problems]
    plan = roster.apply_upload(staff, compound, staged.upload.id)
    db.session.commit()
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 7)
    assert _unit(compound, "3", "1", "01").holding.owners[0].name == "=1+2"
    assert _actions("roster.unit_updated") == 0
    assert verify().ok


def test_xlsx_with_numeric_cells(place):
    """Excel keeps areas, mobiles and room numbers as numbers; they still read exactly."""
    compound, staff = place
    rows = [[1, 1, 101, 89.45, "登记", "陈志强", 19900010001, "否"],
            [1, 1, 102, 100.1, "登记", "李秀英", 19900010002, None],
            [1, 1, 103, 77, "实测", None, None, "是"]]
    _import(staff, compound, roster_xlsx(rows), "名册.xlsx")
    assert _unit(compound, "1", "1", "101").area == Decimal("89.45")
    assert _unit(compound, "1", "1", "102").area == Decimal("100.10")
    assert _unit(compound, "1", "1", "103").area == Decimal("77.00")
    assert _unit(compound, "1", "1", "101").holding.key == "19900010001"


def test_staged_upload_keeps_clean_rows(place):
    compound, staff = place
    staged = roster.stage_upload(staff, compound, "roster.csv", roster_csv(ROWS))
    db.session.commit()
    upload = db.session.get(RosterUpload, staged.upload.id)
    assert upload.row_count == 6 and len(upload.sha256) == 64
    assert upload.rows[3]["owners"] == [["王建国", "19900010003"], ["赵淑芬", "19900010004"]]
    assert upload.applied_at is None


def test_building_totals(place):
    compound, staff = place
    _import(staff, compound, roster_csv(ROWS))
    totals = roster.building_totals(compound)
    assert [(t.building.name, t.units, t.area) for t in totals] == [
        ("1", 2, Decimal("207.86")), ("2", 2, Decimal("179.13")), ("10", 2, Decimal("63.95"))]
