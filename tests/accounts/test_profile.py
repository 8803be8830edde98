from sqlalchemy import select

from app.accounts.models import User, UserSession
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

NEW = "Qingshui-River-77"


def _login(client, mobile, password=DEFAULT_PASSWORD):
    return client.post("/login", data={"mobile": mobile, "password": password})


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_profile_needs_login(client):
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_profile_shows_own_full_mobile_and_sessions(client, login_as):
    user = make_user(mobile="13712345678", name="李师傅")
    other = make_user(mobile="13787654321", name="赵老师")
    db.session.commit()
    login_as(user)
    html = client.get("/me").get_data(as_text=True)
    assert "13712345678" in html and "李师傅" in html
    assert "当前设备" in html
    # Another person's number never appears on my pages, neither in full nor masked.
    assert "13787654321" not in html and "137****4321" not in html
    login_as(other)
    html = client.get("/me").get_data(as_text=True)
    assert "13712345678" not in html and "13787654321" in html


def test_change_display_name(client, login_as):
    user = make_user(name="旧名字")
    db.session.commit()
    login_as(user)
    response = client.post("/me/name", data={"display_name": " 新名字 "})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "新名字"
    assert _actions() == ["account.display_name_changed"]
    assert verify().ok


def test_empty_display_name_is_refused(client, login_as):
    user = make_user(name="旧名字")
    db.session.commit()
    login_as(user)
    response = client.post("/me/name", data={"display_name": ""})
    assert response.status_code == 400 and "请填写称呼" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.display_name == "旧名字" and _actions() == []


def test_party_badge_choice_is_stored(client, login_as):
    user = make_user()
    db.session.commit()
    login_as(user)
    client.post("/me/badge", data={"shows_party_badge": "y"})
    db.session.refresh(user)
    assert user.shows_party_badge is True
    client.post("/me/badge", data={})
    db.session.refresh(user)
    assert user.shows_party_badge is False
    assert _actions() == ["account.party_badge_choice"] * 2


def test_log_out_other_sessions(app, client):
    user = make_user(mobile="13700000001")
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, user.mobile)
    _login(laptop, user.mobile)
    assert "退出其他设备上的登录" in laptop.get("/me").get_data(as_text=True)
    assert laptop.post("/me/sessions/others").status_code == 302
    assert laptop.get("/me").status_code == 200
    assert phone.get("/me").status_code == 302
    active = db.session.scalars(select(UserSession).where(UserSession.revoked_at.is_(None)))
    assert len(list(active)) == 1
    assert "account.sessions_revoked" in _actions()
    assert verify().ok


def test_change_password_revokes_other_sessions(app, client):
    user = make_user(mobile="13700000002")
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, user.mobile)
    _login(laptop, user.mobile)
    response = laptop.post("/me/password", data={
        "old_password": DEFAULT_PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert laptop.get("/me").status_code == 200
    assert phone.get("/me").status_code == 302
    assert _login(app.test_client(), user.mobile).status_code == 400
    assert _login(app.test_client(), user.mobile, NEW).status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "account.password_changed"))
    assert entry.actor_id == user.id and entry.data == {"sessions_ended": 1}
    assert {c["table"] for c in entry.covers} == {"users", "user_sessions"}
    assert verify().ok


def test_change_password_refusals_write_nothing(client, login_as):
    user = make_user()
    db.session.commit()
    login_as(user)
    cases = [
        ({"old_password": "not-my-password", "password": NEW, "confirm": NEW}, "当前密码不正确"),
        ({"old_password": DEFAULT_PASSWORD, "password": "12345678", "confirm": "12345678"},
         "这个密码太常见"),
        ({"old_password": DEFAULT_PASSWORD, "password": "short", "confirm": "short"},
         "密码至少需要 8 位"),
        ({"old_password": DEFAULT_PASSWORD, "password": NEW, "confirm": NEW + "x"},
         "两次输入的密码不一致"),
        ({"old_password": DEFAULT_PASSWORD, "password": DEFAULT_PASSWORD,
          "confirm": DEFAULT_PASSWORD}, "新密码不能与当前密码相同"),
    ]
    hash_before = user.password_hash
    for data, message in cases:
        response = client.post("/me/password", data=data)
        assert response.status_code == 400, message
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == hash_before
    assert _actions() == []
