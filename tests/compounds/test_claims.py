"""Verification stories: claim by code, request + staff decision, 代办 registration."""
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds import claims
from app.compounds.access import roles_in
from app.compounds.models import InviteCode, Residency, UnitClaim
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from tests.factories import (
    last_code,
    make_compound,
    make_invite,
    make_resident,
    make_staff,
    make_unit,
    make_user,
    own_client,
    prove_phone,
    run_together,
)


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _claim(client, code, relation):
    return client.post("/c/claim", data={"code": code, "relation": relation})


@pytest.mark.parametrize("relation", ["tenant", "family"])
def test_code_verifies_tenant_and_family_at_once(client, login_as, relation):
    compound = make_compound()
    unit = make_unit(compound, owners=[("王业主", "13900000001")])
    invite = make_invite(unit, code="ABCD2345")
    user = make_user()
    db.session.commit()
    login_as(user)
    response = _claim(client, "abcd 2345", relation)  # as people type it
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{compound.id}/")
    residency = db.session.scalar(select(Residency).where(Residency.user_id == user.id))
    assert residency.unit_id == unit.id and residency.relation == relation
    db.session.refresh(invite)
    assert invite.used_at is not None and invite.used_by_id == user.id
    assert roles_in(user, compound) == {"resident"}  # a tenant is no owner voter
    assert _actions() == ["claim.code_used"]
    assert verify().ok


def test_qr_link_prefills_the_code(client, login_as):
    login_as(make_user())
    html = client.get("/c/claim?code=WXYZ7890").get_data(as_text=True)
    assert 'value="WXYZ7890"' in html


def test_owner_with_proven_roster_mobile_becomes_owner(client, login_as):
    compound = make_compound()
    user = make_user(mobile="13912340001")
    prove_phone(user)
    unit = make_unit(compound, owners=[("张三", "13900000002"), ("李四", "13912340001")])
    make_invite(unit, code="OWNR2345")
    db.session.commit()
    login_as(user)
    assert _claim(client, "OWNR2345", "owner").status_code == 302
    assert roles_in(user, compound) == {"resident", "owner"}
    claim = db.session.scalar(select(UnitClaim).where(UnitClaim.user_id == user.id))
    assert (claim.status, claim.method) == ("approved", "code")
    assert verify().ok


def test_registering_with_the_owners_number_does_not_make_an_owner(client):
    """Finding 2: whoever holds the letter registers with the roster owner's number. They
    never receive the SMS code, so the roster match does not count and staff review it."""
    compound = make_compound()
    unit = make_unit(compound, owners=[("张三", "13912340002")])
    invite = make_invite(unit, code="STEA2345")
    db.session.commit()
    client.post("/register", data={"mobile": "13912340002", "display_name": "冒名者",
                                   "password": "Jinhua-2026-pass",
                                   "confirm": "Jinhua-2026-pass", "consent": "y"})
    impostor = db.session.scalar(select(User).where(User.mobile == "13912340002"))
    page = client.get("/c/claim").get_data(as_text=True)
    assert "您的手机号还没有验证" in page
    response = _claim(client, "STEA2345", "owner")
    assert response.status_code == 302 and response.headers["Location"].endswith("/c/my-claims")
    told = client.get("/c/my-claims").get_data(as_text=True)
    assert "还没有通过短信验证" in told and "等待审核" in told
    assert roles_in(impostor, compound) == frozenset()
    assert _count(Residency) == 0
    claim = db.session.scalar(select(UnitClaim))
    assert (claim.status, claim.relation) == ("pending", "owner")
    db.session.refresh(invite)
    assert invite.used_by_id == impostor.id  # the letter is spent: no second try with it
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "claim.code_used"))
    assert entry.data["why"] == "number_unproven"
    # Staff see that the number was never proven.
    staff = make_staff(compound)
    db.session.commit()
    queue = own_client(client.application, staff).get(f"/c/{compound.id}/claims")
    assert "未经短信验证" in queue.get_data(as_text=True)
    assert verify().ok


def test_the_owner_proves_the_number_by_sms_then_claims_with_the_letter(client):
    compound = make_compound()
    unit = make_unit(compound, owners=[("张三", "13912340003")])
    make_invite(unit, code="REAL2345")
    db.session.commit()
    client.post("/register", data={"mobile": "13912340003", "display_name": "张三",
                                   "password": "Jinhua-2026-pass",
                                   "confirm": "Jinhua-2026-pass", "consent": "y"})
    # From the claim page (QR code filled in) to the proof and back, the code kept.
    page = client.get("/c/claim?code=REAL2345").get_data(as_text=True)
    assert "/me/phone?then=claim&amp;code=REAL2345" in page
    response = client.post("/me/phone?then=claim&code=REAL2345",
                           data={"code": last_code("13912340003")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/claim?code=REAL2345"
    assert _claim(client, "REAL2345", "owner").status_code == 302
    owner = db.session.scalar(select(User).where(User.mobile == "13912340003"))
    assert roles_in(owner, compound) == {"resident", "owner"}
    assert verify().ok


def test_owner_not_on_roster_waits_for_staff(client, login_as):
    """A tenant holding the letter must not become an owner voter."""
    compound = make_compound()
    unit = make_unit(compound, owners=[("张三", "13900000003")])
    invite = make_invite(unit, code="TENA2345")
    user = make_user()
    db.session.commit()
    login_as(user)
    response = _claim(client, "TENA2345", "owner")
    assert response.status_code == 302 and response.headers["Location"].endswith("/c/my-claims")
    page = client.get("/c/my-claims").get_data(as_text=True)
    assert "等待审核" in page and "不在该房屋的业主名册中" in page
    assert roles_in(user, compound) == frozenset()
    assert _count(Residency) == 0
    claim = db.session.scalar(select(UnitClaim).where(UnitClaim.user_id == user.id))
    assert (claim.status, claim.relation, claim.method) == ("pending", "owner", "code")
    db.session.refresh(invite)
    assert invite.used_by_id == user.id  # consumed: the letter can't be tried again
    # The home page tells them too.
    assert "等待审核" in client.get("/").get_data(as_text=True)
    assert verify().ok


@pytest.mark.parametrize("state", ["used", "revoked", "wrong"])
def test_unusable_code_is_refused_and_writes_nothing(client, login_as, state):
    from app.core.time import utcnow

    compound = make_compound()
    unit = make_unit(compound)
    first = make_user()
    invite = make_invite(unit, code="USED2345")
    if state == "used":
        invite.used_at, invite.used_by_id = utcnow(), first.id
    elif state == "revoked":
        invite.revoked_at = utcnow()
    user = make_user()
    db.session.commit()
    login_as(user)
    response = _claim(client, "USED2345" if state != "wrong" else "NOPE2345", "tenant")
    assert response.status_code == 400
    assert "认证码不正确，或已被使用、已作废" in response.get_data(as_text=True)
    assert _count(Residency) == 0 and _count(UnitClaim) == 0 and _actions() == []
    db.session.refresh(invite)
    assert invite.used_by_id == (first.id if state == "used" else None)


def test_form_errors_keep_the_input(client, login_as):
    login_as(make_user())
    response = client.post("/c/claim", data={"code": "ABCD2345"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请选择与房屋的关系" in html and 'value="ABCD2345"' in html


def test_second_claim_on_own_unit_is_a_conflict_and_keeps_the_code(app):
    compound = make_compound()
    unit = make_unit(compound)
    user = make_user()
    make_resident(user, unit, "tenant")
    invite = make_invite(unit, code="AGAN2345")
    db.session.commit()
    with pytest.raises(Conflict):
        claims.claim_by_code(user, "AGAN2345", "family")
    db.session.rollback()
    db.session.refresh(invite)
    assert invite.used_at is None  # nothing consumed


def _redeem_concurrently(app, code, user_ids):
    def redeem(uid):
        with app.app_context():
            try:
                claims.claim_by_code(db.session.get(User, uid), code, "tenant")
                db.session.commit()
                return "ok"
            except ServiceError:
                db.session.rollback()
                return "refused"
            finally:
                db.session.remove()

    return run_together([lambda uid=uid: redeem(uid) for uid in user_ids])


@pytest.mark.both_databases
def test_concurrent_redemptions_succeed_once(app):
    """20 people on 20 connections race for one code (SQLite file and PostgreSQL)."""
    compound = make_compound()
    unit = make_unit(compound)
    make_invite(unit, code="RACE2345")
    user_ids = [make_user().id for _ in range(20)]
    db.session.commit()
    outcomes = _redeem_concurrently(app, "RACE2345", user_ids)
    assert len(outcomes) == 20
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("refused") == 19, outcomes
    db.session.expire_all()
    assert _count(Residency) == 1 and _count(UnitClaim) == 1
    invite = db.session.scalar(select(InviteCode))
    residency = db.session.scalar(select(Residency))
    assert invite.used_by_id == residency.user_id
    assert _actions() == ["claim.code_used"]
    assert verify().ok


# --- request + staff decision -----------------------------------------------------------------

def _request(client, compound, unit, relation="owner", note=""):
    return client.post("/c/claim/request", data={
        "compound_id": compound.id, "building": unit.building_id, "entrance": unit.entrance,
        "room": unit.room, "relation": relation, "note": note})


def test_find_compound_by_name(client, login_as):
    make_compound(name="锦华苑")
    make_compound(name="翠竹园")
    db.session.commit()
    login_as(make_user())
    html = client.get("/c/claim/request?q=锦华").get_data(as_text=True)
    assert "锦华苑" in html and "翠竹园" not in html


def test_request_then_staff_approve(client, login_as):
    compound = make_compound(name="锦华苑")
    unit = make_unit(compound, building="3", entrance="2", room="501",
                     owners=[("王大爷", "13900000004")])
    user = make_user(mobile="13611112222", name="小王")
    staff = make_staff(compound)
    db.session.commit()
    login_as(user)
    form = client.get(f"/c/claim/request?compound_id={compound.id}").get_data(as_text=True)
    assert "楼栋" in form and "房号" in form
    response = _request(client, compound, unit, note="房产证上是我父亲")
    assert response.status_code == 302
    claim = db.session.scalar(select(UnitClaim))
    assert (claim.status, claim.method) == ("pending", "request")

    login_as(staff)
    queue = client.get(f"/c/{compound.id}/claims").get_data(as_text=True)
    assert "13611112222" in queue  # staff see the full number
    assert "王大爷" in queue and "3-2-501" in queue and "房产证上是我父亲" in queue
    response = client.post(f"/c/{compound.id}/claims/{claim.id}/approve")
    assert response.status_code == 302
    db.session.refresh(claim)
    assert claim.status == "approved" and claim.decided_by_id == staff.id
    residency = db.session.scalar(select(Residency))
    assert residency.verified_by_id == staff.id and residency.claim_id == claim.id
    assert roles_in(user, compound) == {"resident", "owner"}
    # Approving twice is refused.
    again = client.post(f"/c/{compound.id}/claims/{claim.id}/approve")
    assert again.status_code == 409 and "已经处理过" in again.get_data(as_text=True)
    assert _actions() == ["claim.submitted", "claim.approved"]
    assert verify().ok


def test_duplicate_request_is_a_conflict(client, login_as):
    compound = make_compound()
    unit = make_unit(compound)
    login_as(make_user())
    db.session.commit()
    assert _request(client, compound, unit).status_code == 302
    response = _request(client, compound, unit)
    assert response.status_code == 409 and "等待审核" in response.get_data(as_text=True)
    assert _count(UnitClaim) == 1


def test_request_for_unknown_unit_is_refused(client, login_as):
    compound = make_compound()
    unit = make_unit(compound)
    login_as(make_user())
    db.session.commit()
    response = client.post("/c/claim/request", data={
        "compound_id": compound.id, "building": unit.building_id, "entrance": "9",
        "room": "999", "relation": "tenant"})
    assert response.status_code == 404 and "找不到这个房屋" in response.get_data(as_text=True)
    assert _count(UnitClaim) == 0


def test_request_form_building_list_starts_with_choose_and_reads_1_dong(client, login_as):
    """请选择 first (empty, required), then "3栋": nobody is filed under the first building by
    leaving the list alone, and an untouched list is refused in words, with nothing stored."""
    compound = make_compound()
    unit = make_unit(compound, building="3")
    login_as(make_user())
    db.session.commit()
    html = client.get(f"/c/claim/request?compound_id={compound.id}").get_data(as_text=True)
    select_html = html[html.index('<select id="building"'):html.index("</select>")]
    assert "required" in select_html.split(">")[0]
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html)
    assert options == [("", "请选择"), (str(unit.building_id), "3栋")]
    response = client.post("/c/claim/request", data={
        "compound_id": compound.id, "building": "", "entrance": unit.entrance,
        "room": unit.room, "relation": "owner"})
    assert response.status_code == 400 and "请选择楼栋。" in response.get_data(as_text=True)
    assert "coerce" not in response.get_data(as_text=True)
    assert _count(UnitClaim) == 0


def test_reject_needs_a_reason_which_the_claimant_sees(client, login_as):
    compound = make_compound()
    unit = make_unit(compound)
    user = make_user()
    staff = make_staff(compound)
    db.session.commit()
    login_as(user)
    _request(client, compound, unit, relation="tenant")
    claim = db.session.scalar(select(UnitClaim))

    login_as(staff)
    response = client.post(f"/c/{compound.id}/claims/{claim.id}/reject",
                           data={f"r{claim.id}-reason": "  "})
    assert response.status_code == 400 and "请写明理由" in response.get_data(as_text=True)
    db.session.refresh(claim)
    assert claim.status == "pending"
    with pytest.raises(ServiceError):  # the service insists too
        claims.reject_claim(staff, claim, "")
    response = client.post(f"/c/{compound.id}/claims/{claim.id}/reject",
                           data={f"r{claim.id}-reason": "租赁合同已到期"})
    assert response.status_code == 302
    db.session.refresh(claim)
    assert claim.status == "rejected" and claim.decision_reason == "租赁合同已到期"

    login_as(user)
    assert "租赁合同已到期" in client.get("/").get_data(as_text=True)
    assert "租赁合同已到期" in client.get("/c/my-claims").get_data(as_text=True)
    assert _count(Residency) == 0
    assert _actions() == ["claim.submitted", "claim.rejected"]
    assert verify().ok


def test_only_staff_of_that_community_decide(app):
    compound = make_compound()
    other = make_compound()
    unit = make_unit(compound)
    user = make_user()
    neighbour = make_user()
    make_resident(neighbour, make_unit(compound), "owner")
    outsider_staff = make_staff(other)
    staff = make_staff(compound, user=make_user())
    db.session.commit()
    claim = claims.request_claim(user, unit, "tenant")
    for actor in (neighbour, outsider_staff, user):
        with pytest.raises(PermissionDenied):
            claims.approve_claim(actor, claim)
    with pytest.raises(PermissionDenied):  # nobody approves their own claim
        claims.approve_claim(staff, claims.request_claim(staff, make_unit(compound), "owner"))
    claims.approve_claim(staff, claim)
    db.session.commit()
    assert verify().ok


# --- 代办 ------------------------------------------------------------------------------------

def _proxy(client, compound, unit, **data):
    body = {"mobile": "13755556666", "display_name": "刘奶奶", "password": "Laoren-Jia-2026",
            "building": unit.building_id, "entrance": unit.entrance, "room": unit.room,
            "relation": "owner", "consent": "y"}
    body.update(data)
    return client.post(f"/c/{compound.id}/proxy-register", data=body)


def test_proxy_registration_is_recorded_as_such(client, login_as):
    compound = make_compound()
    unit = make_unit(compound, owners=[("刘奶奶", "13755556666")])
    staff = make_staff(compound)
    db.session.commit()
    login_as(staff)
    assert "代办注册" in client.get(f"/c/{compound.id}/proxy-register").get_data(as_text=True)
    response = _proxy(client, compound, unit)
    assert response.status_code == 302
    person = db.session.scalar(select(User).where(User.mobile == "13755556666"))
    assert person.registered_by_id == staff.id
    assert verify_password(person.password_hash, "Laoren-Jia-2026")
    residency = db.session.scalar(select(Residency).where(Residency.user_id == person.id))
    assert residency.verified_by_id == staff.id and residency.relation == "owner"
    claim = db.session.get(UnitClaim, residency.claim_id)
    assert (claim.method, claim.status, claim.decided_by_id) == ("proxy", "approved", staff.id)
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    assert [e.action for e in entries] == ["account.registered_by_staff", "claim.proxy_verified"]
    assert all(e.actor_id == staff.id and e.actor_role == "staff" for e in entries)
    assert entries[1].data["on_behalf"] is True and entries[1].data["new_account"] is True
    assert roles_in(person, compound) == {"resident", "owner"}
    assert verify().ok


@pytest.mark.parametrize("relation", ["owner", "family"])
def test_proxy_for_an_existing_account_is_refused_and_says_why(client, login_as, relation):
    """Finding 2: someone registered with the owner's number first; staff doing 代办 for the
    real owner must not silently verify that account for the home."""
    compound = make_compound()
    unit = make_unit(compound, owners=[("刘奶奶", "13755557777")])
    squatter = make_user(mobile="13755557777")
    staff = make_staff(compound)
    db.session.commit()
    old_hash = squatter.password_hash
    login_as(staff)
    response = _proxy(client, compound, unit, mobile="13755557777", relation=relation)
    assert response.status_code == 409
    assert "不能为已有账户代办认证" in response.get_data(as_text=True)
    assert _count(User) == 2 and _count(Residency) == 0 and _count(UnitClaim) == 0
    db.session.refresh(squatter)
    assert squatter.password_hash == old_hash
    assert roles_in(squatter, compound) == frozenset()
    assert _actions() == []


def test_proxy_new_account_needs_a_password_and_consent(client, login_as):
    compound = make_compound()
    unit = make_unit(compound)
    staff = make_staff(compound)
    db.session.commit()
    login_as(staff)
    response = _proxy(client, compound, unit, password="")
    assert response.status_code == 400
    assert "请为新账户设置初始密码" in response.get_data(as_text=True)
    response = _proxy(client, compound, unit, consent="")
    assert response.status_code == 400 and "隐私" in response.get_data(as_text=True)
    assert _count(User) == 1 and _actions() == []
