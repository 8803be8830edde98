import re

from sqlalchemy import select

from app.accounts.models import UserSession
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

GENERIC = "手机号或密码错误。"
# A signed CSRF token: payload.timestamp.signature
CSRF_TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}")


def _login(client, mobile, password=DEFAULT_PASSWORD, **extra):
    return client.post("/login", data={"mobile": mobile, "password": password, **extra})


def _logged_in(client) -> bool:
    return client.get("/me").status_code == 200


def _entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_login_success_creates_a_session_row_and_audits_it(client):
    user = make_user(mobile="13900000001")
    db.session.commit()
    response = _login(client, "139-0000-0001")
    assert response.status_code == 302 and response.headers["Location"] == "/start"
    assert _logged_in(client)
    row = db.session.scalar(select(UserSession))
    assert row.user_id == user.id and row.revoked_at is None
    [entry] = _entries("account.login")
    assert entry.actor_id == user.id
    assert entry.covers[0]["table"] == "user_sessions" and entry.covers[0]["id"] == row.id
    assert verify().ok


def test_failure_message_is_identical_for_unknown_mobile_and_wrong_password(client):
    make_user(mobile="13900000002")
    db.session.commit()
    wrong = _login(client, "13900000002", "Wrong-password-9")
    unknown = _login(client, "13900000003", "Wrong-password-9")
    assert wrong.status_code == unknown.status_code == 400
    assert GENERIC in wrong.get_data(as_text=True)
    # The pages differ only in the number typed, which is kept in the field (and in the CSRF
    # token, which is signed with the second it was made in).
    def page(response, mobile):
        text = response.get_data(as_text=True).replace(mobile, "N")
        return CSRF_TOKEN.sub("TOKEN", text)

    assert page(wrong, "13900000002") == page(unknown, "13900000003")
    assert not _logged_in(client)
    assert db.session.scalar(select(UserSession)) is None


def test_failures_are_audited_with_a_masked_mobile_and_no_compound(client):
    make_user(mobile="13900000004")
    db.session.commit()
    _login(client, "13900000004", "Wrong-password-9")
    _login(client, "13700000009", "Wrong-password-9")
    entries = _entries("account.login_failed")
    assert [e.data["mobile"] for e in entries] == ["139****0004", "137****0009"]
    assert all(e.compound_id is None and e.actor_id is None for e in entries)
    assert "13900000004" not in str([e.data for e in entries])


def test_deactivated_account_cannot_log_in(client):
    make_user(mobile="13900000005", is_active_account=False)
    db.session.commit()
    response = _login(client, "13900000005")
    assert response.status_code == 400 and GENERIC in response.get_data(as_text=True)


def test_empty_form_shows_field_messages(client):
    response = client.post("/login", data={"mobile": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请输入手机号" in html and "请输入密码" in html


def test_next_is_followed_only_for_local_paths(client):
    make_user(mobile="13900000006")
    db.session.commit()
    assert "next=%2Fme" in client.get("/me").headers["Location"]
    page = client.get("/login?next=/me").get_data(as_text=True)
    assert 'value="/me"' in page
    assert _login(client, "13900000006", next="/me").headers["Location"] == "/me"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = _login(client, "13900000006", next=evil)
        assert response.headers["Location"] == "/start", evil


def test_session_rotates_at_login_and_the_old_cookie_stays_anonymous(app, client):
    make_user(mobile="13900000007")
    db.session.commit()
    client.get("/login")  # the anonymous visit gets a session cookie (CSRF token)
    before = client.get_cookie("session").value
    _login(client, "13900000007")
    after = client.get_cookie("session").value
    assert before != after

    replay = app.test_client()
    replay.set_cookie("session", before)
    assert not _logged_in(replay)

    fresh = app.test_client()
    fresh.set_cookie("session", after)
    assert _logged_in(fresh)  # the control: the new cookie is the login


def test_logging_in_again_replaces_a_planted_session(app, client):
    attacker = make_user(mobile="13900000008", name="攻击者")
    victim = make_user(mobile="13900000009", name="受害者")
    db.session.commit()
    _login(client, attacker.mobile)
    planted = client.get_cookie("session").value
    victim_browser = app.test_client()
    victim_browser.set_cookie("session", planted)
    _login(victim_browser, victim.mobile)
    assert victim_browser.get_cookie("session").value != planted
    assert "受害者" in victim_browser.get("/me").get_data(as_text=True)
    # The session the browser carried before is ended, not just forgotten.
    attacker_view = app.test_client()
    attacker_view.set_cookie("session", planted)
    assert attacker_view.get("/me").status_code == 302
    assert verify().ok


def test_logout_revokes_the_server_session_and_the_old_cookie_is_dead(app, client):
    user = make_user(mobile="13900000010")
    db.session.commit()
    _login(client, user.mobile)
    cookie = client.get_cookie("session").value
    response = client.post("/logout")
    assert response.status_code == 302
    assert not _logged_in(client)
    row = db.session.scalar(select(UserSession))
    db.session.refresh(row)
    assert row.revoked_at is not None
    [entry] = _entries("account.logout")
    assert entry.actor_id == user.id and entry.covers[0]["id"] == row.id

    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert not _logged_in(replay)
    assert verify().ok


def test_logout_is_post_only(client, login_as):
    login_as(make_user())
    assert client.get("/logout").status_code == 405
    assert _logged_in(client)


def test_an_overlong_password_is_refused_before_hashing(client):
    make_user(mobile="13900000011")
    db.session.commit()
    response = _login(client, "13900000011", "a" * 100_000)
    assert response.status_code == 400
    assert "密码不能超过 128 位" in response.get_data(as_text=True)
