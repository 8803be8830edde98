"""`flask seed-demo`: the demo compound, one account per role, a table to log in with."""
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.audit.verification import verify
from app.compounds.access import roles_in
from app.compounds.demo import ACCOUNTS, DEMO_PASSWORD, demo_compound
from app.compounds.models import Compound, Holding, InviteCode, Unit
from app.extensions import db
from tests.factories import make_compound

EXPECTED_ROLES = {
    "19900000001": {"admin"},
    "19900000002": {"staff"},
    # The demo proposals seat the secretary and the committee member on the council too.
    "19900000003": {"party_cell", "council"},
    "19900010003": {"council", "owner", "resident"},
    "19900010005": {"committee", "council", "owner", "resident"},
    "19900000004": {"property"},
    "19900000005": {"grid"},
    "19900010002": {"party_member", "owner", "resident"},
    "19900010001": {"owner", "resident"},
    "19900000006": {"resident"},
    "19900000007": {"subdistrict"},  # reads the subdistrict's compounds, acts in none
}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_demo_builds_the_compound_and_prints_each_account(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    compound = demo_compound()
    assert compound.name == "锦华苑"
    units = _count(Unit, Unit.compound_id == compound.id)
    assert 280 <= units <= 320
    developer = _count(Unit, Unit.is_developer_held.is_(True))
    assert 5 <= developer <= 15
    co_owned = [h for h in db.session.scalars(select(Holding)) if "," in h.key]
    assert len(co_owned) >= 3
    # Every unit got a letter code (used ones by the demo residents' own claims).
    assert _count(InviteCode, InviteCode.revoked_at.is_(None)) == units

    lines = result.output.splitlines()
    for spec in ACCOUNTS:
        line = next(line for line in lines if spec.mobile in line)
        assert DEMO_PASSWORD in line
        user = db.session.scalar(select(User).where(User.mobile == spec.mobile))
        assert verify_password(user.password_hash, DEMO_PASSWORD), spec.role
        assert set(roles_in(user, compound)) == EXPECTED_ROLES[spec.mobile], spec.role

    owner = db.session.scalar(select(User).where(User.mobile == "19900010001"))
    holdings = set(db.session.scalars(select(Unit.holding_id).join(Holding).where(
        Holding.key == owner.mobile)))
    assert len(holdings) == 1
    assert _count(Unit, Unit.holding_id.in_(holdings)) == 3  # one owner, three units
    assert verify().ok, verify().problems


def test_seed_demo_twice_leaves_the_first_alone(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    users, units = _count(User), _count(Unit)
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "已存在" in again.output and "19900010001" in again.output  # the table again
    assert (_count(User), _count(Unit)) == (users, units)
    assert verify().ok


def test_if_empty_skips_a_database_with_compounds(app):
    make_compound()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert _count(Compound) == 1 and _count(User) == 0


def test_if_empty_seeds_an_empty_database(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert demo_compound() is not None
