"""Login throttling counts failures only: per account tight, per IP loose (one NAT address
may front a whole compound)."""
import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

WRONG = "Wrong-password-9"


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True}


def _login(client, mobile, password=DEFAULT_PASSWORD, ip="10.0.0.1"):
    return client.post("/login", data={"mobile": mobile, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_sixth_failure_on_one_account_is_429_while_another_account_still_logs_in(app):
    x = make_user(mobile="13600000001")
    y = make_user(mobile="13600000002")
    db.session.commit()
    client = app.test_client()
    for _ in range(5):
        assert _login(client, x.mobile, WRONG).status_code == 400
    blocked = _login(client, "136 0000 0001", WRONG)  # same account, however it is typed
    assert blocked.status_code == 429
    assert "操作太频繁" in blocked.get_data(as_text=True)
    # Even the right password waits now: guessing has to stop, not continue silently.
    assert _login(client, x.mobile).status_code == 429
    # Same IP, other account: a neighbour behind the same NAT is not locked out.
    neighbour = app.test_client()
    assert _login(neighbour, y.mobile).status_code == 302


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
