"""Builders for test data. They write rows directly (no audit entries) unless a test goes
through a service on purpose."""
import itertools
import re
import threading

from werkzeug.security import generate_password_hash

from app.accounts.models import PhoneVerification, User
from app.audit.services import record
from app.compounds.models import (
    Building,
    Community,
    Compound,
    Holding,
    HoldingOwner,
    Residency,
    RoleGrant,
    StaffAssignment,
    Subdistrict,
    Unit,
)
from app.core.time import utcnow
from app.extensions import db

DEFAULT_PASSWORD = "Jinhua-2026-pass"
_seq = itertools.count(1)


def next_mobile() -> str:
    return f"139{next(_seq):08d}"


def make_user(mobile=None, name=None, password=DEFAULT_PASSWORD, **kw) -> User:
    n = next(_seq)
    user = User(mobile=mobile or f"138{n:08d}", display_name=name or f"居民{n}",
                password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"),
                privacy_consented_at=utcnow(), **kw)
    db.session.add(user)
    db.session.flush()
    return user


def prove_phone(user) -> PhoneVerification:
    """Record that `user` holds their number, as if they had typed back an SMS code."""
    proof = PhoneVerification(user_id=user.id, mobile=user.mobile, method="sms_code")
    db.session.add(proof)
    db.session.flush()
    return proof


def sms_to(mobile: str) -> list[str]:
    """Texts the development SMS sender 'sent' to `mobile` in this app, newest first."""
    from app.core.senders import recent_sms

    return [sms.text for sms in recent_sms() if sms.mobile == mobile]


def last_code(mobile: str) -> str:
    """The one-time code in the newest SMS to `mobile`."""
    texts = sms_to(mobile)
    assert texts, f"no SMS was sent to {mobile}"
    return re.search(r"\d{6}", texts[0]).group()


def make_compound(name=None, community=None) -> Compound:
    if community is None:
        sub = Subdistrict(name=f"街道{next(_seq)}")
        community = Community(subdistrict=sub, name=f"社区{next(_seq)}")
        db.session.add_all([sub, community])
        db.session.flush()
    compound = Compound(community_id=community.id, name=name or f"小区{next(_seq)}")
    db.session.add(compound)
    db.session.flush()
    return compound


def make_building(compound, name="1") -> Building:
    building = db.session.query(Building).filter_by(compound_id=compound.id, name=name).first()
    if building is None:
        building = Building(compound_id=compound.id, name=name)
        db.session.add(building)
        db.session.flush()
    return building


def make_holding(compound, owners) -> Holding:
    """owners: [(name, mobile), ...]; the first is the designated voter."""
    key = ",".join(sorted(m for _, m in owners))
    holding = db.session.query(Holding).filter_by(compound_id=compound.id, key=key).first()
    if holding is None:
        holding = Holding(compound_id=compound.id, key=key, designated_mobile=owners[0][1])
        db.session.add(holding)
        db.session.flush()
        for pos, (name, mobile) in enumerate(owners):
            db.session.add(HoldingOwner(holding_id=holding.id, position=pos, name=name,
                                        mobile=mobile))
        db.session.flush()
    return holding


def make_unit(compound, building="1", entrance="1", room=None, area="89.50",
              source="registered", owners=None, developer=False) -> Unit:
    b = make_building(compound, building)
    holding = make_holding(compound, owners) if owners else None
    unit = Unit(compound_id=compound.id, building_id=b.id, entrance=entrance,
                room=room or str(100 + next(_seq)), area=area, area_source=source,
                is_developer_held=developer, holding_id=holding.id if holding else None)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_resident(user, unit, relation="owner") -> Residency:
    residency = Residency(compound_id=unit.compound_id, unit_id=unit.id,
                          user_id=user.id, relation=relation)
    db.session.add(residency)
    # As staff verification does: owner status is in the audit log (audit.coverage).
    record(None, unit.compound_id, "test.residency", residency)
    return residency


def grant(user, compound, role) -> RoleGrant:
    row = RoleGrant(compound_id=compound.id, user_id=user.id, role=role)
    db.session.add(row)
    record(None, compound, "test.role_granted", row)  # as roles.grant_role() does
    return row


def make_staff(compound, user=None) -> User:
    user = user or make_user(name="社区小王")
    db.session.add(StaffAssignment(community_id=compound.community_id, user_id=user.id))
    db.session.flush()
    return user


def make_invite(unit, code=None, **kw):
    """An unused invite code for `unit` (the letters module issues real ones)."""
    from app.compounds.models import InviteCode

    row = InviteCode(unit_id=unit.id, code=code or f"T{next(_seq):07d}", **kw)
    db.session.add(row)
    db.session.flush()
    return row


ROSTER_HEADER = ["楼栋", "单元", "房号", "面积", "面积来源", "业主姓名", "业主手机", "开发商持有"]


def roster_csv(rows, header=ROSTER_HEADER, encoding="utf-8-sig") -> bytes:
    """A roster CSV as staff would upload it: rows are lists of cell texts."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def roster_xlsx(rows, header=ROSTER_HEADER) -> bytes:
    """A roster .xlsx; cells keep their Python types (numbers stay numbers, as Excel keeps
    them)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def own_client(app, user):
    """A test client of its own, logged in as `user` through a real server-side session row:
    for tests that send requests from many threads at once (one client per thread)."""
    import secrets

    from app.accounts.models import UserSession
    from app.accounts.session import SESSION_KEY, _hash

    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess[SESSION_KEY] = token
        sess["_user_id"] = str(user.id)
    return client


def pool_for_threads(connections: int, overflow: int = 0) -> dict:
    """App overrides for a test whose threads each hold a connection at once. The PostgreSQL
    server's 100 connections are shared with other test runs, so ask for no more than needed."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": connections, "max_overflow": overflow,
                                          "pool_timeout": 120}}


def run_together(actions) -> list:
    """Run every action on a thread of its own, all released at once by a barrier; return
    their results in order. Any exception fails the test, listed with its index."""
    db.session.close()  # on SQLite the test's own transaction would hold the write lock
    barrier = threading.Barrier(len(actions))
    results, failures = [None] * len(actions), []

    def run(i, action):
        try:
            barrier.wait(timeout=60)
            results[i] = action()
        except Exception as exc:  # noqa: BLE001  (reported below with its index)
            failures.append((i, repr(exc)))

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    assert not failures, failures[:5]
    return results
