"""Roles: staff grant and revoke; 党员亮身份 declared, confirmed or declined; badges; the
compound home and member list; staff assignment."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds import roles
from app.compounds.access import forget_roles, roles_in
from app.compounds.models import RoleGrant, RoleRequest
from app.compounds.services import assign_staff
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.not_like("test.%")).order_by(AuditEntry.seq)))


def _resident(compound, **kw):
    user = make_user(**kw)
    make_resident(user, make_unit(compound), "owner")
    return user


# --- grant and revoke -----------------------------------------------------------------------

def test_staff_grant_and_revoke_a_role(client, login_as):
    compound = make_compound()
    member = _resident(compound, name="陈议员")
    staff = make_staff(compound)
    db.session.commit()
    login_as(staff)
    page = client.get(f"/c/{compound.id}/roles").get_data(as_text=True)
    assert "陈议员" in page and member.mobile in page  # staff see full numbers
    response = client.post(f"/c/{compound.id}/roles/grant",
                           data={"member": member.id, "role": "council"})
    assert response.status_code == 302
    forget_roles()
    assert "council" in roles_in(member, compound)
    row = db.session.scalar(select(RoleGrant))
    assert row.granted_by_id == staff.id

    response = client.post(f"/c/{compound.id}/roles/{row.id}/revoke",
                           data={f"g{row.id}-reason": ""})
    assert response.status_code == 400 and "请写明理由" in response.get_data(as_text=True)
    response = client.post(f"/c/{compound.id}/roles/{row.id}/revoke",
                           data={f"g{row.id}-reason": "任期届满"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None and row.revoked_by_id == staff.id
    forget_roles()
    assert "council" not in roles_in(member, compound)
    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.not_like("test.%")).order_by(AuditEntry.seq)))
    assert [e.action for e in entries] == ["role.granted", "role.revoked"]
    assert entries[1].data["reason"] == "任期届满"
    assert all(e.actor_role == "staff" for e in entries)
    assert verify().ok


def test_grant_by_mobile_to_someone_living_elsewhere(client, login_as):
    compound = make_compound()
    manager = make_user(mobile="13600001111", name="物业刘经理")
    staff = make_staff(compound)
    db.session.commit()
    login_as(staff)
    response = client.post(f"/c/{compound.id}/roles/grant",
                           data={"member": "0", "mobile": "136 0000 1111", "role": "property"})
    assert response.status_code == 302
    assert roles_in(manager, compound) == {"property"}
    response = client.post(f"/c/{compound.id}/roles/grant",
                           data={"mobile": "13600001111", "role": "property"})
    assert response.status_code == 409 and "已经拥有这个角色" in response.get_data(as_text=True)
    response = client.post(f"/c/{compound.id}/roles/grant",
                           data={"mobile": "13600009999", "role": "grid"})
    assert response.status_code == 400 and "还没有注册" in response.get_data(as_text=True)
    assert verify().ok


def test_party_membership_is_not_granted_directly(client, login_as, app):
    compound = make_compound()
    member = _resident(compound)
    staff = make_staff(compound)
    db.session.commit()
    login_as(staff)
    response = client.post(f"/c/{compound.id}/roles/grant",
                           data={"member": member.id, "role": "party_member"})
    assert response.status_code == 400
    assert db.session.scalar(select(RoleGrant)) is None
    with pytest.raises(ServiceError, match="党员身份由本人申报"):
        roles.grant_role(staff, compound, member, "party_member")


def test_residents_cannot_manage_roles(client, login_as):
    compound = make_compound()
    member = _resident(compound)
    grant(member, compound, "council")
    db.session.commit()
    login_as(member)
    assert client.get(f"/c/{compound.id}/roles").status_code == 403
    assert client.post(f"/c/{compound.id}/roles/grant",
                       data={"member": member.id, "role": "committee"}).status_code == 403
    with pytest.raises(PermissionDenied):
        roles.grant_role(member, compound, member, "committee")


# --- 党员亮身份 -------------------------------------------------------------------------------

def test_declare_confirm_and_badge_only_when_opted_in(client, login_as):
    compound = make_compound()
    member = _resident(compound, name="党员老周")
    secretary = _resident(compound, name="支书")
    grant(secretary, compound, "party_cell")
    db.session.commit()

    login_as(member)
    assert client.post(f"/c/{compound.id}/party/declare").status_code == 302
    assert "等待党支部确认" in client.get(f"/c/{compound.id}/me").get_data(as_text=True)
    again = client.post(f"/c/{compound.id}/party/declare", follow_redirects=True)
    assert "已经申报过" in again.get_data(as_text=True)
    req = db.session.scalar(select(RoleRequest))
    assert req.status == "pending"
    assert not any(b.role == "party_member" for b in roles.badges_for(member, compound))

    login_as(secretary)
    assert "党员老周" in client.get(f"/c/{compound.id}/party").get_data(as_text=True)
    assert client.post(f"/c/{compound.id}/party/{req.id}/confirm").status_code == 302
    db.session.refresh(req)
    assert req.status == "confirmed" and req.decided_by_id == secretary.id
    forget_roles()
    assert "party_member" in roles_in(member, compound)

    # Confirmed but not opted in: no badge anywhere.
    member.shows_party_badge = False
    db.session.commit()
    forget_roles()
    assert [b.role for b in roles.badges_for(member, compound)] == []
    overview = client.get(f"/c/{compound.id}/members").get_data(as_text=True)
    assert "badge-party" not in overview
    # Opted in: the badge appears next to the name.
    member.shows_party_badge = True
    db.session.commit()
    forget_roles()
    assert [b.role for b in roles.badges_for(member, compound)] == ["party_member"]
    overview = client.get(f"/c/{compound.id}/members").get_data(as_text=True)
    assert '党员老周 <span class="badge badge-party">党员</span>' in overview
    assert _actions() == ["party.declared", "party.confirmed"]
    assert verify().ok


def test_opting_in_without_confirmation_shows_nothing(app):
    compound = make_compound()
    member = _resident(compound, shows_party_badge=True)
    db.session.commit()
    roles.declare_party(member, compound)
    assert roles.badges_for(member, compound) == []


def test_decline_needs_a_reason_the_person_sees(client, login_as):
    compound = make_compound()
    member = _resident(compound)
    staff = make_staff(compound)
    db.session.commit()
    login_as(member)
    client.post(f"/c/{compound.id}/party/declare")
    req = db.session.scalar(select(RoleRequest))
    login_as(staff)
    response = client.post(f"/c/{compound.id}/party/{req.id}/decline",
                           data={f"d{req.id}-reason": ""})
    assert response.status_code == 400
    response = client.post(f"/c/{compound.id}/party/{req.id}/decline",
                           data={f"d{req.id}-reason": "组织关系不在本社区，请先转入"})
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.status == "declined"
    forget_roles()
    assert "party_member" not in roles_in(member, compound)
    login_as(member)
    page = client.get(f"/c/{compound.id}/me").get_data(as_text=True)
    assert "组织关系不在本社区" in page and "申报党员身份" in page  # may declare again
    assert _actions() == ["party.declared", "party.declined"]
    assert verify().ok


def test_who_may_declare_and_confirm(client, login_as):
    compound = make_compound()
    member = _resident(compound)
    neighbour = _resident(compound)
    cell = _resident(compound)
    grant(cell, compound, "party_cell")
    outsider = make_user()
    staff = make_staff(compound)
    db.session.commit()
    with pytest.raises(PermissionDenied):  # not a resident here
        roles.declare_party(outsider, compound)
    with pytest.raises(PermissionDenied):  # community staff are not residents
        roles.declare_party(staff, compound)
    req = roles.declare_party(member, compound)
    with pytest.raises(PermissionDenied):
        roles.confirm_party(neighbour, compound, req)
    own = roles.declare_party(cell, compound)
    with pytest.raises(PermissionDenied):  # nobody confirms themself
        roles.confirm_party(cell, compound, own)
    login_as(neighbour)
    assert client.get(f"/c/{compound.id}/party").status_code == 403
    assert client.post(f"/c/{compound.id}/party/{req.id}/confirm").status_code == 403
    roles.confirm_party(cell, compound, req)
    with pytest.raises(Conflict):
        roles.confirm_party(staff, compound, req)
    db.session.commit()
    assert verify().ok


def test_official_roles_always_show_as_badges(app):
    compound = make_compound()
    member = _resident(compound)
    grant(member, compound, "committee")
    grant(member, compound, "party_member")
    db.session.commit()
    assert [b.role for b in roles.badges_for(member, compound)] == ["committee"]


# --- overview ---------------------------------------------------------------------------------

def test_overview_masks_phones_except_for_staff_and_self(client, login_as):
    compound = make_compound(name="锦华苑")
    me = _resident(compound, mobile="13811112222", name="我自己")
    _resident(compound, mobile="13833334444", name="邻居")
    staff = make_staff(compound)
    db.session.commit()
    login_as(me)
    html = client.get(f"/c/{compound.id}/").get_data(as_text=True)
    assert "锦华苑" in html and compound.community.name in html
    assert f"/c/{compound.id}/claims" not in html  # no staff links for residents
    assert f"/c/{compound.id}/me" in html and f"/c/{compound.id}/members" in html
    html = client.get(f"/c/{compound.id}/members").get_data(as_text=True)
    assert "13811112222" in html and "13833334444" not in html and "138****4444" in html
    login_as(staff)
    assert "13833334444" in client.get(f"/c/{compound.id}/members").get_data(as_text=True)
    html = client.get(f"/c/{compound.id}/").get_data(as_text=True)
    for path in ("claims", "roles", "proxy-register", "party"):
        assert f"/c/{compound.id}/{path}" in html


def test_party_cell_sees_the_confirmation_link(client, login_as):
    compound = make_compound()
    cell = _resident(compound)
    grant(cell, compound, "party_cell")
    db.session.commit()
    login_as(cell)
    html = client.get(f"/c/{compound.id}/").get_data(as_text=True)
    assert f"/c/{compound.id}/party" in html and f"/c/{compound.id}/roles" not in html


# --- staff assignment -------------------------------------------------------------------------

def test_admin_assigns_community_staff(app):
    compound = make_compound()
    admin = make_user(is_admin=True)
    worker = make_user()
    someone = make_user()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        assign_staff(someone, compound.community, worker)
    assign_staff(admin, compound.community, worker)
    forget_roles()
    assert "staff" in roles_in(worker, compound)
    with pytest.raises(Conflict):
        assign_staff(admin, compound.community, worker)
    db.session.commit()
    assert _actions() == ["staff.assigned"]
    assert verify().ok
