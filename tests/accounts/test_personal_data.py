import json

from sqlalchemy import select

from app.accounts.models import User, UserSession
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds.models import Residency, RoleGrant, UnitClaim
from app.core.phones import normalize_mobile
from app.extensions import db
from tests.factories import (
    DEFAULT_PASSWORD,
    grant,
    make_compound,
    make_resident,
    make_unit,
    make_user,
)


def _resident_with_history():
    user = make_user(mobile="13300000001", name="周大爷")
    compound = make_compound(name="锦华苑")
    unit = make_unit(compound, building="3", entrance="2", room="401")
    make_resident(user, unit)
    grant(user, compound, "council")
    db.session.add(UnitClaim(compound_id=compound.id, unit_id=make_unit(compound).id,
                             user_id=user.id, relation="tenant", method="request",
                             note="租住 5 年"))
    db.session.commit()
    return user, compound


def test_download_contains_my_data_and_no_password_hash(client, login_as):
    user, _ = _resident_with_history()
    login_as(user)
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["mobile"] == "13300000001"
    assert data["account"]["display_name"] == "周大爷"
    assert data["residencies"][0]["unit"] == "3-2-401"
    assert data["residencies"][0]["compound"] == "锦华苑"
    assert data["roles"][0]["role"] == "council"
    assert data["unit_claims"][0]["note"] == "租住 5 年"
    text = response.get_data(as_text=True)
    assert "password" not in text
    assert user.password_hash not in text and "pbkdf2" not in text


def test_download_needs_login(client):
    assert client.get("/me/data.json").status_code == 302


def test_delete_account_anonymises_in_place_and_the_chain_still_verifies(app, client):
    user, compound = _resident_with_history()
    client.post("/login", data={"mobile": user.mobile, "password": DEFAULT_PASSWORD})
    other_device = app.test_client()
    other_device.post("/login", data={"mobile": user.mobile, "password": DEFAULT_PASSWORD})
    cookie = client.get_cookie("session").value

    page = client.get("/me/delete")
    assert page.status_code == 200 and "注销后会发生什么" in page.get_data(as_text=True)
    response = client.post("/me/delete", data={"password": DEFAULT_PASSWORD, "understood": "y"})
    assert response.status_code == 302

    db.session.expire_all()
    gone = db.session.get(User, user.id)
    assert gone.display_name == "已注销用户"
    assert gone.mobile.startswith("x") and normalize_mobile(gone.mobile) is None
    assert gone.is_active_account is False and gone.password_hash.startswith("!")
    assert all(r.revoked_at for r in db.session.scalars(select(Residency)))
    assert all(g.revoked_at for g in db.session.scalars(select(RoleGrant)))
    assert all(s.revoked_at for s in db.session.scalars(select(UserSession)))
    assert db.session.scalar(select(UnitClaim)).status == "rejected"

    # Every session is gone, the old cookie included; the password no longer works.
    assert client.get("/me").status_code == 302
    assert other_device.get("/me").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/me").status_code == 302
    assert client.post("/login", data={"mobile": "13300000001",
                                       "password": DEFAULT_PASSWORD}).status_code == 400

    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions[-3:] == ["account.left_compound", "account.deleted", "account.login_failed"]
    left = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "account.left_compound"))
    assert left.compound_id == compound.id and left.actor_role == "council"
    result = verify()
    assert result.ok, result.problems

    # The number is free again.
    again = client.post("/register", data={
        "mobile": "13300000001", "display_name": "周大爷", "password": "Another-pass-2026",
        "confirm": "Another-pass-2026", "consent": "y"})
    assert again.status_code == 302


def test_delete_with_wrong_password_changes_nothing(client, login_as):
    user, _ = _resident_with_history()
    login_as(user)
    response = client.post("/me/delete", data={"password": "not-mine-123", "understood": "y"})
    assert response.status_code == 400 and "密码不正确" in response.get_data(as_text=True)
    response = client.post("/me/delete", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 400 and "请确认您了解" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).mobile == "13300000001"
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action.not_like("test.%"))) is None
    assert client.get("/me").status_code == 200
