"""Getting back into an account (finding 2): a forgotten password by SMS code, a one-time
reset code staff hand out in person, the site without an SMS gateway, and the development
page that shows the codes the development sender 'sent'."""
import re

import pytest
from sqlalchemy import select

from app import create_app
from app.accounts import recovery
from app.accounts.models import PhoneCode, PhoneVerification, User
from app.accounts.passwords import verify_password
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db
from tests.factories import (
    DEFAULT_PASSWORD,
    last_code,
    make_compound,
    make_resident,
    make_staff,
    make_unit,
    make_user,
    own_client,
    sms_to,
)

NEW = "Lanes-of-Jinhua-9"


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.not_like("test.%")).order_by(AuditEntry.seq)))


def _reset(client, mobile, code, password=NEW, confirm=None):
    return client.post("/password/reset", data={
        "mobile": mobile, "code": code, "password": password, "confirm": confirm or password})


def _login(client, mobile, password):
    return client.post("/login", data={"mobile": mobile, "password": password})


def test_a_forgotten_password_is_reset_by_sms_code(app, client):
    user = make_user(mobile="13700000101")
    db.session.commit()
    thief = own_client(app, user)  # a session somewhere else, e.g. a lost phone
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login_page and "忘记密码？" in login_page
    response = client.post("/password/forgot", data={"mobile": "137 0000 0101"})
    assert response.status_code == 302 and response.headers["Location"] == "/password/reset"
    form = client.get("/password/reset").get_data(as_text=True)
    assert 'value="13700000101"' in form  # the number carried over
    assert "已经注册" in form  # the same words whether or not it is
    response = _reset(client, user.mobile, last_code(user.mobile))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    assert thief.get("/me").status_code == 302  # every session ended
    assert _login(client, user.mobile, DEFAULT_PASSWORD).status_code == 400
    assert _login(client, user.mobile, NEW).status_code == 302
    assert recovery.is_proven(user)  # the code reached the number: it is theirs
    assert _actions() == ["phone_code.issued", "phone_code.used", "account.password_reset",
                          "account.phone_verified", "account.login_failed", "account.login"]
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "account.password_reset"))
    assert entry.data == {"via": "sms", "sessions_ended": 1}
    assert verify().ok


def test_an_unknown_number_gets_the_same_answer_and_no_sms(client):
    response = client.post("/password/forgot", data={"mobile": "13700000199"})
    assert response.status_code == 302 and response.headers["Location"] == "/password/reset"
    assert sms_to("13700000199") == [] and _actions() == []
    response = _reset(client, "13700000199", "123456")
    assert response.status_code == 400 and "验证码不正确或已失效" in response.get_data(as_text=True)


def test_a_weak_new_password_is_refused_before_the_code_is_tried(client):
    user = make_user(mobile="13700000102")
    db.session.commit()
    client.post("/password/forgot", data={"mobile": user.mobile})
    code = last_code(user.mobile)
    response = _reset(client, user.mobile, code, password="12345678")
    assert response.status_code == 400 and "太常见" in response.get_data(as_text=True)
    assert db.session.scalar(select(PhoneCode.attempts)) == 0
    assert _reset(client, user.mobile, code).status_code == 302


def test_a_reset_code_works_once(client):
    user = make_user(mobile="13700000103")
    db.session.commit()
    client.post("/password/forgot", data={"mobile": user.mobile})
    code = last_code(user.mobile)
    assert _reset(client, user.mobile, code).status_code == 302
    response = _reset(client, user.mobile, code, password="Another-pass-2026")
    assert response.status_code == 400
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)


def _resident_of(compound, mobile):
    person = make_user(mobile=mobile, name="刘奶奶")
    make_resident(person, make_unit(compound), "owner")
    return person


def test_staff_hand_out_a_reset_code_to_a_resident_without_a_phone(app, client, login_as):
    compound = make_compound()
    person = _resident_of(compound, "13700000104")
    staff = make_staff(compound)
    db.session.commit()
    login_as(staff)
    page = client.get(f"/c/{compound.id}/reset-code").get_data(as_text=True)
    assert "发放密码重置码" in page
    response = client.post(f"/c/{compound.id}/reset-code", data={"mobile": person.mobile})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    code = re.search(r'class="receipt-code">(\d{8})<', html).group(1)
    assert "只显示这一次" in html or "无法再次查看" in html
    assert sms_to(person.mobile) == []  # in person, not by SMS
    assert code not in str(list(db.session.execute(select(PhoneCode.__table__))))
    issued = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "phone_code.issued"))
    assert (issued.actor_id, issued.compound_id, issued.actor_role) == (
        staff.id, compound.id, "staff")
    assert issued.data["by_staff"] is True and code not in str(issued.data)

    resident = app.test_client()
    assert _reset(resident, person.mobile, code).status_code == 302
    assert _login(resident, person.mobile, NEW).status_code == 302
    assert not recovery.is_proven(person)  # staff's code proves nothing about the phone
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "account.password_reset"))
    assert entry.data["via"] == "staff_code"
    assert _reset(app.test_client(), person.mobile, code,
                  password="Another-pass-2026").status_code == 400  # single use
    assert verify().ok


def test_staff_reset_codes_only_for_residents_of_their_compound(client, login_as):
    compound, elsewhere = make_compound(), make_compound()
    outsider = _resident_of(elsewhere, "13700000105")
    colleague = make_staff(compound, make_user(mobile="13700000106"))
    make_resident(colleague, make_unit(compound), "owner")
    staff = make_staff(compound)
    neighbour_staff = make_staff(elsewhere)
    resident = _resident_of(compound, "13700000107")
    db.session.commit()
    login_as(staff)
    for mobile, status, words in ((outsider.mobile, 404, "本小区没有"),
                                  ("13700000199", 404, "本小区没有"),
                                  (colleague.mobile, 403, "系统管理员")):
        response = client.post(f"/c/{compound.id}/reset-code", data={"mobile": mobile})
        assert response.status_code == status and words in response.get_data(as_text=True)
    login_as(neighbour_staff)
    response = client.post(f"/c/{compound.id}/reset-code", data={"mobile": resident.mobile})
    assert response.status_code == 403
    assert db.session.scalar(select(PhoneCode.id)) is None and _actions() == []


def test_a_new_staff_code_replaces_the_last_and_an_sms_request_leaves_it_alone(
        app, client, login_as):
    compound = make_compound()
    person = _resident_of(compound, "13700000108")
    staff = make_staff(compound)
    db.session.commit()
    login_as(staff)

    def issue():
        html = client.post(f"/c/{compound.id}/reset-code",
                           data={"mobile": person.mobile}).get_data(as_text=True)
        return re.search(r'class="receipt-code">(\d{8})<', html).group(1)

    first, second = issue(), issue()
    # Someone asking for an SMS reset of that number cannot kill the staff code.
    app.test_client().post("/password/forgot", data={"mobile": person.mobile})
    if first != second:
        assert _reset(app.test_client(), person.mobile, first).status_code == 400
    assert _reset(app.test_client(), person.mobile, second).status_code == 302


@pytest.mark.parametrize("app_overrides", [{"SMS_SENDER": None}])
def test_without_an_sms_gateway_nothing_is_sent_and_people_are_told_whom_to_ask(client):
    client.post("/register", data={"mobile": "13700000109", "display_name": "新居民",
                                   "password": NEW, "confirm": NEW, "consent": "y"})
    assert db.session.scalar(select(User.id)) is not None
    assert "暂未开通短信服务" in client.get("/me/phone").get_data(as_text=True)
    anonymous = client.application.test_client()
    response = anonymous.post("/password/forgot", data={"mobile": "13700000109"})
    assert response.status_code == 503 and "暂未开通短信服务" in response.get_data(as_text=True)
    assert db.session.scalar(select(PhoneCode.id)) is None


def test_the_development_sms_page_is_off_unless_configured(app, client, tmp_path):
    assert client.get("/dev/sms").status_code == 404
    app.config["SMS_DEV_PAGE"] = True
    user = make_user(mobile="13700000110")
    db.session.commit()
    client.post("/password/forgot", data={"mobile": user.mobile})
    page = client.get("/dev/sms").get_data(as_text=True)
    assert last_code(user.mobile) in page and "13700000110" in page


def test_production_refuses_the_development_sms_page(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    from config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SMS_DEV_PAGE", True, raising=False)
    with pytest.raises(RuntimeError, match="SMS_DEV_PAGE"):
        create_app("production")
    monkeypatch.setattr(ProductionConfig, "SMS_DEV_PAGE", False)
    assert create_app("production").config["SMS_SENDER"] is None  # no gateway until set


def test_deleting_the_account_removes_its_codes_and_the_number_from_its_proof(client, login_as):
    user = make_user(mobile="13700000111")
    db.session.commit()
    login_as(user)
    client.post("/me/phone/send")
    client.post("/me/phone", data={"code": last_code(user.mobile)})
    client.post("/me/phone/send")  # a code still live at deletion
    data = client.get("/me/data.json").get_json()
    assert data["phone_verifications"][0]["mobile"] == "13700000111"
    assert "code_hash" not in str(data)
    response = client.post("/me/delete", data={"password": DEFAULT_PASSWORD, "understood": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(PhoneCode.id)) is None
    proof = db.session.scalar(select(PhoneVerification))
    assert proof.mobile != "13700000111" and proof.mobile.startswith("x")
    assert verify().ok
