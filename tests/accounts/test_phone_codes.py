"""One-time SMS codes (finding 2): 6 digits, 10 minutes, 5 tries, never stored in clear, one
live code per number and purpose, sent only after the commit; proving one's number."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts import phone_codes, recovery
from app.accounts.models import PhoneCode, PhoneVerification, User
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.time import utcnow
from app.extensions import db
from tests.factories import last_code, make_user, pool_for_threads, run_together, sms_to


def _verify(client, code):
    return client.post("/me/phone", data={"code": code})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_number_is_proven_by_typing_back_the_code(client, login_as):
    user = make_user(mobile="13700000001")
    db.session.commit()
    login_as(user)
    assert "未验证" in client.get("/me").get_data(as_text=True)
    assert "获取新的验证码" in client.get("/me/phone").get_data(as_text=True)
    assert client.post("/me/phone/send").status_code == 302
    code = last_code(user.mobile)
    assert len(code) == 6 and code.isdigit()
    response = _verify(client, " ".join([code[:3], code[3:]]))  # as people type it
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert recovery.is_proven(user)
    assert "已经验证" in client.get("/me/phone").get_data(as_text=True)
    assert "未验证" not in client.get("/me").get_data(as_text=True)
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions == ["phone_code.issued", "phone_code.used", "account.phone_verified"]
    assert verify().ok


def test_the_code_is_never_stored_or_logged_in_clear(client, login_as):
    user = make_user(mobile="13700000002")
    db.session.commit()
    login_as(user)
    client.post("/me/phone/send")
    code = last_code(user.mobile)
    _verify(client, _wrong(code))
    _verify(client, code)
    stored = " ".join(str(v) for row in db.session.execute(select(PhoneCode.__table__))
                      for v in row)
    assert code not in stored
    logged = " ".join(str(e.data) + str(e.covers) for e in db.session.scalars(select(AuditEntry)))
    assert code not in logged
    row = db.session.scalar(select(PhoneCode))
    assert len(row.code_hash) == 64 and row.used_at is not None and row.attempts == 2


def test_the_sms_leaves_only_after_the_commit(app):
    user = make_user(mobile="13700000003")
    db.session.commit()
    recovery.send_verification(user)
    assert sms_to(user.mobile) == []
    db.session.rollback()
    assert sms_to(user.mobile) == []
    assert db.session.scalar(select(func.count()).select_from(PhoneCode)) == 0
    recovery.send_verification(user)
    db.session.commit()
    assert len(sms_to(user.mobile)) == 1


def test_five_wrong_codes_kill_it_and_the_tries_are_kept(client, login_as):
    user = make_user(mobile="13700000004")
    db.session.commit()
    login_as(user)
    client.post("/me/phone/send")
    code = last_code(user.mobile)
    for left in (4, 3, 2, 1):
        response = _verify(client, _wrong(code))
        assert response.status_code == 400
        assert f"还可以再试 {left} 次" in response.get_data(as_text=True)
    response = _verify(client, _wrong(code))
    assert "输错次数太多" in response.get_data(as_text=True)
    response = _verify(client, code)  # the right code, too late
    assert response.status_code == 400 and "输错次数太多" in response.get_data(as_text=True)
    assert not recovery.is_proven(user)
    assert db.session.scalar(select(PhoneCode.attempts)) == 5
    # A new code may be asked for at once, and works.
    assert client.post("/me/phone/send").status_code == 302
    assert _verify(client, last_code(user.mobile)).status_code == 302
    assert recovery.is_proven(user)


def test_an_expired_code_is_refused(app, client, login_as):
    user = make_user(mobile="13700000005")
    db.session.commit()
    login_as(user)
    client.post("/me/phone/send")
    code = last_code(user.mobile)
    app.config["CLOCK_OFFSET_SECONDS"] = 10 * 60 + 1
    response = _verify(client, code)
    assert response.status_code == 400 and "已过期" in response.get_data(as_text=True)
    assert not recovery.is_proven(user)


def test_a_second_code_within_a_minute_is_refused_and_the_first_still_works(
        app, client, login_as):
    user = make_user(mobile="13700000006")
    db.session.commit()
    login_as(user)
    client.post("/me/phone/send")
    first = last_code(user.mobile)
    client.post("/me/phone/send")
    assert "请稍等 1 分钟" in client.get("/me/phone").get_data(as_text=True)
    assert len(sms_to(user.mobile)) == 1
    app.config["CLOCK_OFFSET_SECONDS"] = 61
    client.post("/me/phone/send")
    second = last_code(user.mobile)
    assert len(sms_to(user.mobile)) == 2
    if first != second:  # the replaced code is dead
        assert _verify(client, first).status_code == 400
    assert _verify(client, second).status_code == 302


@pytest.mark.both_databases
def test_one_live_code_per_number_and_purpose_is_enforced_by_the_database(app):
    user = make_user(mobile="13700000007")
    now = utcnow()
    row = {"user_id": user.id, "mobile": user.mobile, "purpose": "verify", "code_hash": "x" * 64,
           "attempts": 0, "created_at": now, "expires_at": now}
    db.session.add(PhoneCode(**row))
    db.session.add(PhoneCode(**{**row, "purpose": "reset"}))  # another purpose: fine
    db.session.flush()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(PhoneCode(**row))
            db.session.flush()
    db.session.add(PhoneCode(**{**row, "used_at": now}))  # a spent one: fine
    db.session.flush()


def test_a_proof_counts_for_the_number_it_was_made_for_only(app):
    user = make_user(mobile="13700000008")
    db.session.add(PhoneVerification(user_id=user.id, mobile="13700009999", method="sms_code"))
    db.session.flush()
    assert not recovery.is_proven(user)
    assert recovery.proven_ids([user]) == set()


@pytest.mark.both_databases
@pytest.mark.parametrize("app_overrides", [pool_for_threads(12)])
def test_racing_tries_are_capped_at_five(app):
    """Twelve wrong guesses at once on twelve connections: exactly five are judged."""
    user = make_user(mobile="13700000010")
    db.session.commit()
    recovery.send_verification(user)
    db.session.commit()
    code, user_id = last_code(user.mobile), user.id

    def guess(i):
        with app.app_context():
            try:
                person = db.session.get(User, user_id)
                problem = phone_codes.use(person, "verify", f"{(int(code) + 1 + i) % 10**6:06d}",
                                          actor=person)
                db.session.commit()
                return str(problem)
            finally:
                db.session.remove()

    outcomes = run_together([lambda i=i: guess(i) for i in range(12)])
    assert db.session.scalar(select(PhoneCode.attempts)) == 5
    # Four judged with tries left, the fifth judged kills the code, seven find it dead.
    assert sum("还可以再试" in o for o in outcomes) == 4, outcomes
    assert outcomes.count(str(phone_codes.EXHAUSTED)) == 8, outcomes
    assert phone_codes.use(db.session.get(User, user_id), "verify", code,
                           actor=None) == phone_codes.EXHAUSTED
    assert verify().ok


@pytest.mark.both_databases
@pytest.mark.parametrize("app_overrides", [pool_for_threads(6)])
def test_the_right_code_typed_twice_at_once_is_used_once(app):
    user = make_user(mobile="13700000011")
    db.session.commit()
    recovery.request_reset(user.mobile)
    db.session.commit()
    code, user_id = last_code(user.mobile), user.id

    def use():
        with app.app_context():
            try:
                problem = phone_codes.use(db.session.get(User, user_id), "reset", code,
                                          actor=None)
                db.session.commit()
                return problem
            finally:
                db.session.remove()

    outcomes = run_together([use for _ in range(6)])
    assert outcomes.count(None) == 1, outcomes
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "phone_code.used")) == 1
