"""Login throttling counts failed passwords (finding 7): one account from one address is
limited tightly, one account from all addresses together is slowed down rather than locked,
and the owner lifts the wait with an SMS code. Per IP loose (one NAT address may front a
whole compound)."""
import time

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, last_code, make_user

WRONG = "Wrong-password-9"


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True}


def _login(client, mobile, password=DEFAULT_PASSWORD, ip="10.0.0.1"):
    return client.post("/login", data={"mobile": mobile, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def later(monkeypatch):
    """later(seconds): move the clock that the limiter's counters expire by."""
    real = time.time
    shift = [0.0]

    def moved():
        return real() + shift[0]

    monkeypatch.setattr(time, "time", moved)

    def _later(seconds):
        shift[0] += seconds

    return _later


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(app):
    x = make_user(mobile="13600000001")
    y = make_user(mobile="13600000002")
    db.session.commit()
    attacker = app.test_client()
    for _ in range(5):
        assert _login(attacker, x.mobile, WRONG, ip="10.6.6.6").status_code == 400
    blocked = _login(attacker, "136 0000 0001", WRONG, ip="10.6.6.6")  # however it is typed
    assert blocked.status_code == 429
    assert "为保护账户" in blocked.get_data(as_text=True)
    assert "用短信验证码解除限制" in blocked.get_data(as_text=True)
    # From that address even the right password waits: guessing has to stop there.
    assert _login(attacker, x.mobile, ip="10.6.6.6").status_code == 429
    # The owner, from their own address, logs in at once (the old per-account lock refused).
    assert _login(app.test_client(), x.mobile, ip="10.0.0.9").status_code == 302
    # Same address, other account: a neighbour behind the same NAT is not locked out.
    assert _login(app.test_client(), y.mobile, ip="10.6.6.6").status_code == 302


def test_successful_logins_do_not_count(app):
    x = make_user(mobile="13600000003")
    db.session.commit()
    client = app.test_client()
    for _ in range(4):
        assert _login(client, x.mobile, WRONG).status_code == 400
    for _ in range(6):
        assert _login(client, x.mobile).status_code == 302
    assert _login(client, x.mobile, WRONG).status_code == 400  # the fifth failure
    assert _login(client, x.mobile).status_code == 429


def test_form_errors_without_a_credential_check_do_not_count(app):
    x = make_user(mobile="13600000004")
    db.session.commit()
    client = app.test_client()
    for _ in range(7):
        assert client.post("/login", data={"mobile": x.mobile, "password": ""},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 400
    assert _login(client, x.mobile).status_code == 302


@pytest.mark.parametrize("app_overrides", [
    {"RATELIMIT_ENABLED": True, "LOGIN_SLOWDOWN_AFTER": 3, "LOGIN_SLOWDOWN_MAX_SECONDS": 5}])
def test_guessing_from_many_addresses_slows_the_account_down_but_never_locks_it(app, later):
    x = make_user(mobile="13600000005")
    db.session.commit()
    owner = app.test_client()
    for i in range(3):  # within the allowance: nobody waits
        assert _login(app.test_client(), x.mobile, WRONG, ip=f"10.1.0.{i}").status_code == 400
    assert _login(app.test_client(), x.mobile, WRONG, ip="10.1.0.3").status_code == 400
    slowed = _login(owner, x.mobile, ip="10.0.0.9")
    assert slowed.status_code == 429 and "2 秒" in slowed.get_data(as_text=True)
    later(2.5)
    assert _login(owner, x.mobile, ip="10.0.0.9").status_code == 302  # a short wait, no lock
    # Every further failure doubles the wait, up to the ceiling.
    waits = []
    for i in range(4):
        later(6)
        assert _login(app.test_client(), x.mobile, WRONG, ip=f"10.2.0.{i}").status_code == 400
        text = _login(app.test_client(), x.mobile, ip="10.0.0.9").get_data(as_text=True)
        waits.append(next(n for n in ("2 秒", "4 秒", "5 秒") if n in text))
    assert waits == ["4 秒", "5 秒", "5 秒", "5 秒"]


@pytest.mark.parametrize("app_overrides", [
    {"RATELIMIT_ENABLED": True, "LOGIN_SLOWDOWN_AFTER": 1}])
def test_the_owner_lifts_the_wait_with_an_sms_code(app):
    x = make_user(mobile="13600000006")
    db.session.commit()
    attacker = app.test_client()
    for _ in range(6):
        _login(attacker, x.mobile, WRONG, ip="10.6.6.6")
    owner = app.test_client()
    assert _login(owner, x.mobile, ip="10.0.0.9").status_code == 429
    assert owner.get("/login/unlock").status_code == 200
    response = owner.post("/login/unlock", data={"mobile": x.mobile},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302 and response.headers["Location"] == "/login/unlock/code"
    assert 'value="13600000006"' in owner.get("/login/unlock/code").get_data(as_text=True)
    response = owner.post("/login/unlock/code", data={"mobile": x.mobile,
                                                      "code": last_code(x.mobile)},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _login(owner, x.mobile, ip="10.0.0.9").status_code == 302
    # The attacker's browser gained nothing.
    assert _login(attacker, x.mobile, ip="10.6.6.6").status_code == 429


@pytest.mark.parametrize("app_overrides", [
    {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_IP": "3 per minute"}])
def test_per_ip_limit(app):
    users = [make_user(mobile=f"1360000001{i}") for i in range(5)]
    db.session.commit()
    client = app.test_client()
    for user in users[:3]:
        assert _login(client, user.mobile, WRONG).status_code == 400
    assert _login(client, users[3].mobile).status_code == 429
    # Another address is unaffected.
    assert _login(app.test_client(), users[4].mobile, ip="10.0.0.2").status_code == 302


@pytest.mark.parametrize("app_overrides", [
    {"RATELIMIT_ENABLED": True, "REGISTER_LIMIT_PER_IP": "2 per minute"}])
def test_registration_is_limited_per_ip(app):
    client = app.test_client()
    for i in range(2):
        response = client.post("/register", data={"mobile": f"1350000000{i}"},
                               environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert response.status_code == 400
    blocked = client.post("/register", data={
        "mobile": "13500000009", "display_name": "新居民", "password": "Jinhua-2026-pass",
        "confirm": "Jinhua-2026-pass", "consent": "y"}, environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert blocked.status_code == 429
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert client.get("/register").status_code == 200  # reading the page is never limited


@pytest.mark.parametrize("app_overrides", [
    {"RATELIMIT_ENABLED": True, "SMS_LIMIT_PER_NUMBER": "2 per hour",
     "SMS_LIMIT_PER_IP": "3 per hour"}])
def test_sms_codes_are_limited_per_number_and_per_ip(app):
    x = make_user(mobile="13600000007")
    db.session.commit()

    def ask(path, mobile, ip):
        return app.test_client().post(path, data={"mobile": mobile},
                                      environ_base={"REMOTE_ADDR": ip}).status_code

    # Per number, whichever page asks and from wherever.
    assert ask("/password/forgot", x.mobile, "10.3.0.1") == 302
    assert ask("/login/unlock", x.mobile, "10.3.0.2") == 302
    assert ask("/password/forgot", x.mobile, "10.3.0.3") == 429
    # Per address, whichever numbers it asks for.
    assert ask("/password/forgot", "13600000100", "10.4.0.1") == 302
    assert ask("/password/forgot", "13600000101", "10.4.0.1") == 302
    assert ask("/login/unlock", "13600000102", "10.4.0.1") == 302
    assert ask("/password/forgot", "13600000103", "10.4.0.1") == 429
