"""Invite codes: one active code per unit, readable alphabet, revocation on reissue, lookup."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds import claims, letters
from app.compounds.models import InviteCode
from app.core.time import utcnow
from app.extensions import db
from tests.factories import make_building, make_compound, make_staff, make_unit, make_user


@pytest.fixture
def building(app):
    compound = make_compound(name="锦华苑")
    staff = make_staff(compound)
    for room in ("101", "102", "201"):
        make_unit(compound, building="5", room=room, owners=[("王建国", "19900010001")])
    make_unit(compound, building="6", room="101")  # another building: never touched here
    db.session.commit()
    return compound, staff, make_building(compound, "5")


def _active():
    query = select(InviteCode).where(InviteCode.revoked_at.is_(None))
    return list(db.session.scalars(query))


def test_issue_gives_each_unit_one_readable_code(building):
    compound, staff, b5 = building
    issued = letters.issue_codes(staff, compound, b5)
    db.session.commit()
    assert len(issued) == 3 and len({c.unit_id for c in issued}) == 3
    for code in issued:
        assert len(code.code) == 8
        assert set(code.code) <= set(letters.ALPHABET)
        assert not set(code.code) & set("01OIL")
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "invite.codes_issued"))
    assert entry.data["issued"] == 3 and entry.data["building"] == "5"
    assert all(code.code not in str(entry.data) for code in issued)  # codes stay out of the log
    assert len(entry.covers) == 4  # the building and the three codes
    assert verify().ok


def test_reissue_keeps_unused_codes_unless_replacing(building):
    compound, staff, b5 = building
    first = {c.unit_id: c.code for c in letters.issue_codes(staff, compound, b5)}
    assert letters.issue_codes(staff, compound, b5) == []  # nothing to do, nothing recorded
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1

    second = letters.issue_codes(staff, compound, b5, replace=True)
    db.session.commit()
    assert len(second) == 3
    assert {c.unit_id: c.code for c in _active()} == {c.unit_id: c.code for c in second}
    for old in first.values():
        row = db.session.scalar(select(InviteCode).where(InviteCode.code == old))
        assert row.revoked_at is not None and row.used_at is None
        assert letters.find_active_code(old) is None
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.data["revoked_unused"] == 3 and entry.data["replace"] is True
    assert len(entry.covers) == 7  # building + 3 new + 3 revoked
    assert verify().ok


def test_used_code_is_retired_when_its_unit_gets_a_new_one(building):
    compound, staff, b5 = building
    issued = letters.issue_codes(staff, compound, b5)
    db.session.commit()
    tenant = make_user()
    claims.claim_by_code(tenant, issued[0].code, "tenant")
    db.session.commit()
    assert letters.find_active_code(issued[0].code) is None
    again = letters.issue_codes(staff, compound, b5)  # only the unit whose code was used
    db.session.commit()
    assert [c.unit_id for c in again] == [issued[0].unit_id]
    db.session.refresh(issued[0])
    assert issued[0].used_at is not None and issued[0].revoked_at is not None
    assert verify().ok, verify().problems


def test_find_active_code_is_forgiving_about_typing(building):
    compound, staff, b5 = building
    code = letters.issue_codes(staff, compound, b5)[0]
    typed = f" {code.code[:4].lower()} - {code.code[4:]} "
    assert letters.find_active_code(typed).id == code.id
    assert letters.find_active_code(code.code.lower()).id == code.id
    assert letters.find_active_code("") is None
    assert letters.find_active_code(None) is None
    assert letters.find_active_code("ZZZZZZZZ") is None
    code.revoked_at = utcnow()
    db.session.flush()
    assert letters.find_active_code(code.code) is None


@pytest.mark.both_databases
def test_database_refuses_two_active_codes_for_a_unit(building):
    compound, staff, b5 = building
    code = letters.issue_codes(staff, compound, b5)[0]
    db.session.commit()
    db.session.add(InviteCode(unit_id=code.unit_id, code="ABCDEFGH"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_letters_for_building(building):
    compound, staff, b5 = building
    letters.issue_codes(staff, compound, b5)
    pages = letters.letters_for(compound, b5, lambda code: f"https://yishi.example/c/claim?code={code}")
    assert [p.unit.room for p in pages] == ["101", "102", "201"]
    for page in pages:
        assert page.url.endswith(page.code)
        assert page.qr.startswith("data:image/svg+xml")
    assert letters.display_code("ABCDEFGH") == "ABCD EFGH"
