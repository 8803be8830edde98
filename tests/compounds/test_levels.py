"""Levels above a compound: the admin creates and renames subdistricts, communities and
compounds and assigns staff (audited, duplicates refused by constraints, nothing deleted);
subdistrict staff read their subdistrict's compounds and act in none."""
import itertools

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.compounds import levels
from app.compounds.access import forget_roles, is_member, is_staff, roles_in
from app.compounds.models import (
    Community,
    Compound,
    StaffAssignment,
    Subdistrict,
    SubdistrictAssignment,
)
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from tests.factories import make_compound, make_resident, make_unit, make_user


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def admin(app):
    user = make_user(name="管理员", is_admin=True)
    db.session.commit()
    return user


# --- services ---------------------------------------------------------------------------------

def test_admin_creates_and_renames_each_level_audited(admin):
    sub = levels.create_subdistrict(admin, " 玉林街道 ")
    community = levels.create_community(admin, sub, "玉林东路社区")
    compound = levels.create_compound(admin, community, "锦华苑")
    db.session.commit()
    assert (sub.name, community.subdistrict_id, compound.community_id) == (
        "玉林街道", sub.id, community.id)
    levels.rename_subdistrict(admin, sub, "玉林新街道")
    levels.rename_community(admin, community, "玉林社区")
    levels.rename_compound(admin, compound, "锦华新苑")
    levels.rename_compound(admin, compound, " 锦华新苑 ")  # the same name: no entry
    db.session.commit()
    for action in ("subdistrict.created", "community.created", "compound.created",
                   "subdistrict.renamed", "community.renamed", "compound.renamed"):
        assert len(_entries(action)) == 1, action
    renamed = _entries("compound.renamed")[0]
    assert renamed.compound_id == compound.id and renamed.actor_role == "admin"
    assert renamed.data == {"from": "锦华苑", "to": "锦华新苑"}
    assert _entries("subdistrict.created")[0].compound_id is None
    assert verify().ok, verify().problems


def test_duplicate_names_are_refused_by_the_constraints(admin):
    sub = levels.create_subdistrict(admin, "玉林街道")
    other_sub = levels.create_subdistrict(admin, "芳草街道")
    community = levels.create_community(admin, sub, "东路社区")
    levels.create_compound(admin, community, "锦华苑")
    second = levels.create_compound(admin, community, "锦华二期")
    db.session.commit()
    with pytest.raises(Conflict, match="同名的街道"):
        levels.create_subdistrict(admin, "玉林街道")
    with pytest.raises(Conflict, match="同名的街道"):
        levels.rename_subdistrict(admin, other_sub, "玉林街道")
    db.session.rollback()
    with pytest.raises(Conflict, match="同名的社区"):
        levels.create_community(admin, sub, "东路社区")
    db.session.rollback()
    with pytest.raises(Conflict, match="同名的小区"):
        levels.rename_compound(admin, second, "锦华苑")
    db.session.rollback()
    # The same name is fine one level over: another subdistrict's community.
    levels.create_community(admin, other_sub, "东路社区")
    db.session.commit()
    assert db.session.scalar(select(func.count(Community.id))) == 2
    assert db.session.scalar(select(func.count(Subdistrict.id))) == 2


def test_blank_or_long_names_and_non_admins_are_refused(admin):
    with pytest.raises(ServiceError, match="请填写名称"):
        levels.create_subdistrict(admin, "   ")
    with pytest.raises(ServiceError, match="80"):
        levels.create_subdistrict(admin, "街" * 81)
    someone = make_user()
    with pytest.raises(PermissionDenied):
        levels.create_subdistrict(someone, "玉林街道")
    sub = levels.create_subdistrict(admin, "玉林街道")
    with pytest.raises(PermissionDenied):
        levels.assign_subdistrict_staff(someone, sub, someone)
    assert db.session.scalar(select(func.count(Subdistrict.id))) == 1


def test_assign_and_revoke_staff_at_both_levels(admin):
    compound = make_compound("锦华苑")
    community = db.session.get(Community, compound.community_id)
    sub = db.session.get(Subdistrict, community.subdistrict_id)
    worker, chen = make_user(name="王芳"), make_user(name="陈科长")
    db.session.commit()
    staff_row = levels.assign_community_staff(admin, community, worker)
    sub_row = levels.assign_subdistrict_staff(admin, sub, chen)
    db.session.commit()
    assert "staff" in roles_in(worker, compound)
    assert roles_in(chen, compound) == {"subdistrict"}
    with pytest.raises(Conflict):
        levels.assign_subdistrict_staff(admin, sub, chen)
    db.session.rollback()
    with pytest.raises(ServiceError, match="理由"):
        levels.revoke_subdistrict_staff(admin, sub_row, " ")
    levels.revoke_subdistrict_staff(admin, sub_row, "调岗")
    levels.revoke_community_staff(admin, staff_row, "离职")
    db.session.commit()
    forget_roles()
    assert roles_in(chen, compound) == frozenset() and roles_in(worker, compound) == frozenset()
    with pytest.raises(Conflict, match="撤销过"):
        levels.revoke_community_staff(admin, staff_row, "again")
    db.session.rollback()
    # Nothing deleted: the rows stay, with who revoked them.
    assert db.session.get(SubdistrictAssignment, sub_row.id).revoked_by_id == admin.id
    assert db.session.get(StaffAssignment, staff_row.id).revoked_by_id == admin.id
    revoked = _entries("subdistrict_staff.revoked")[0]
    assert revoked.data["reason"] == "调岗" and revoked.actor_id == admin.id
    assert len(_entries("staff.revoked")) == 1
    # Revoked, the same person may be assigned again (the unique index covers live rows).
    levels.assign_subdistrict_staff(admin, sub, chen)
    db.session.commit()
    forget_roles()
    assert roles_in(chen, compound) == {"subdistrict"}
    assert verify().ok, verify().problems


@pytest.mark.both_databases
def test_subdistrict_role_is_read_only_and_stays_in_its_subdistrict(admin):
    compound = make_compound("锦华苑")
    sub = db.session.get(Subdistrict, db.session.get(Community, compound.community_id)
                         .subdistrict_id)
    elsewhere = make_compound("别处小区")  # another subdistrict
    chen = make_user(name="陈科长")
    levels.assign_subdistrict_staff(admin, sub, chen)
    db.session.commit()
    assert roles_in(chen, compound) == {"subdistrict"}
    assert not is_member(chen, compound) and not is_staff(chen, compound)
    assert roles_in(chen, elsewhere) == frozenset()
    # A resident of the compound who is also subdistrict staff takes part as a resident.
    make_resident(chen, make_unit(compound, room="101"))
    db.session.commit()
    forget_roles()
    assert is_member(chen, compound) and {"resident", "subdistrict"} <= roles_in(chen, compound)


# --- pages --------------------------------------------------------------------------------------

def _level_world(admin):
    sub = levels.create_subdistrict(admin, "玉林街道")
    community = levels.create_community(admin, sub, "玉林东路社区")
    compound = levels.create_compound(admin, community, "锦华苑")
    chen = make_user(name="陈科长")
    levels.assign_subdistrict_staff(admin, sub, chen)
    db.session.commit()
    return sub, community, compound, chen


def test_admin_pages_create_rename_assign_and_revoke(admin, client, login_as):
    login_as(admin)
    assert "还没有街道" in client.get("/admin/").get_data(as_text=True)
    response = client.post("/admin/subdistricts", data={"new-name": "玉林街道"})
    sub = db.session.scalar(select(Subdistrict))
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/subdistricts/{sub.id}")
    duplicate = client.post("/admin/subdistricts", data={"new-name": "玉林街道"})
    assert duplicate.status_code == 409 and "已经有同名的街道" in duplicate.get_data(as_text=True)
    assert "玉林街道" in duplicate.get_data(as_text=True)  # what was typed stays
    blank = client.post("/admin/subdistricts", data={"new-name": " "})
    assert blank.status_code == 400 and "请填写名称" in blank.get_data(as_text=True)
    response = client.post(f"/admin/subdistricts/{sub.id}/communities",
                           data={"community-name": "二社区"})
    community = db.session.scalar(select(Community))
    assert response.location.endswith(f"/admin/communities/{community.id}")
    assert client.post(f"/admin/communities/{community.id}/compounds",
                       data={"compound-name": "新苑"}).status_code == 302
    compound = db.session.scalar(select(Compound))
    assert client.post(f"/admin/communities/{community.id}/compounds/{compound.id}/rename",
                       data={f"c{compound.id}-name": "新苑一期"}).status_code == 302
    assert client.post(f"/admin/communities/{community.id}/rename",
                       data={"rename-name": "芳邻社区"}).status_code == 302
    assert client.post(f"/admin/subdistricts/{sub.id}/rename",
                       data={"rename-name": "芳草街道"}).status_code == 302
    worker = make_user(name="王芳")
    db.session.commit()
    unknown = client.post(f"/admin/communities/{community.id}/staff",
                          data={"assign-mobile": "13700000000"})
    assert unknown.status_code == 400 and "还没有注册账户" in unknown.get_data(as_text=True)
    assert client.post(f"/admin/communities/{community.id}/staff",
                       data={"assign-mobile": worker.mobile}).status_code == 302
    page = client.get(f"/admin/communities/{community.id}").get_data(as_text=True)
    assert "王芳" in page and "新苑一期" in page and "芳草街道" in page
    row = db.session.scalar(select(StaffAssignment))
    no_reason = client.post(f"/admin/communities/{community.id}/staff/{row.id}/revoke",
                            data={f"r{row.id}-reason": ""})
    assert no_reason.status_code == 400
    assert client.post(f"/admin/communities/{community.id}/staff/{row.id}/revoke",
                       data={f"r{row.id}-reason": "离职"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(StaffAssignment, row.id).revoked_at is not None
    assert (sub.name, community.name, compound.name) == ("芳草街道", "芳邻社区", "新苑一期")
    # An id of another level's row is not found, not acted on.
    other_sub = levels.create_subdistrict(admin, "别的街道")
    db.session.commit()
    assert client.post(f"/admin/subdistricts/{other_sub.id}/staff/{row.id}/revoke",
                       data={f"r{row.id}-reason": "x"}).status_code == 404


def test_admin_pages_say_403_to_everyone_else(admin, client, login_as):
    sub, community, compound, chen = _level_world(admin)
    worker = make_user()
    levels.assign_community_staff(admin, community, worker)
    db.session.commit()
    paths = [("GET", "/admin/"), ("POST", "/admin/subdistricts"),
             ("GET", f"/admin/subdistricts/{sub.id}"),
             ("POST", f"/admin/subdistricts/{sub.id}/rename"),
             ("POST", f"/admin/subdistricts/{sub.id}/communities"),
             ("POST", f"/admin/subdistricts/{sub.id}/staff"),
             ("POST", f"/admin/subdistricts/{sub.id}/staff/1/revoke"),
             ("GET", f"/admin/communities/{community.id}"),
             ("POST", f"/admin/communities/{community.id}/rename"),
             ("POST", f"/admin/communities/{community.id}/compounds"),
             ("POST", f"/admin/communities/{community.id}/compounds/{compound.id}/rename"),
             ("POST", f"/admin/communities/{community.id}/staff"),
             ("POST", f"/admin/communities/{community.id}/staff/1/revoke")]
    rules = {r.rule for r in client.application.url_map.iter_rules()
             if r.endpoint.startswith("levels.") and r.rule.startswith("/admin")}
    assert len(rules) == len(paths)
    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    for person in (chen, worker):
        login_as(person)
        for method, path in paths:
            response = client.open(path, method=method, data={
                "new-name": "x", "rename-name": "x", "assign-mobile": person.mobile,
                "r1-reason": "x", "community-name": "x", "compound-name": "x"})
            assert response.status_code == 403, (method, path)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries
    client.post("/logout")
    assert client.get("/admin/").status_code == 302  # to the login page


def test_desks_list_compounds_for_their_staff_only(admin, client, login_as):
    sub, community, compound, chen = _level_world(admin)
    worker, resident = make_user(name="王芳"), make_user()
    levels.assign_community_staff(admin, community, worker)
    make_resident(resident, make_unit(compound, room="101"))
    elsewhere = make_compound("别处小区")
    db.session.commit()
    login_as(chen)
    page = client.get(f"/subdistrict/{sub.id}/").get_data(as_text=True)
    assert "玉林东路社区" in page and f"/c/{compound.id}/" in page
    assert client.get(f"/community/{community.id}/").status_code == 200
    assert client.get(f"/community/{elsewhere.community_id}/").status_code == 403
    other_sub = db.session.get(Community, elsewhere.community_id).subdistrict_id
    assert client.get(f"/subdistrict/{other_sub}/").status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert f"/subdistrict/{sub.id}/" in home and "锦华苑" in home
    login_as(worker)
    assert "锦华苑" in client.get(f"/community/{community.id}/").get_data(as_text=True)
    assert client.get(f"/subdistrict/{sub.id}/").status_code == 403
    assert f"/community/{community.id}/" in client.get("/").get_data(as_text=True)
    login_as(resident)
    assert client.get(f"/community/{community.id}/").status_code == 403
    assert client.get(f"/subdistrict/{sub.id}/").status_code == 403
    assert "/admin/" not in client.get("/").get_data(as_text=True)
    login_as(admin)
    assert "/admin/" in client.get("/").get_data(as_text=True)
    assert client.get(f"/subdistrict/{sub.id}/").status_code == 200
    assert client.get("/subdistrict/999999/").status_code == 404


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_admin_forms_need_the_csrf_token(admin, client, login_as):
    login_as(admin)
    refused = client.post("/admin/subdistricts", data={"new-name": "玉林街道"})
    assert refused.status_code == 400 and "页面已过期" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Subdistrict.id))) == 0
    page = client.get("/admin/").get_data(as_text=True)
    token = page.split('name="new-csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/admin/subdistricts",
                           data={"new-name": "玉林街道", "new-csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Subdistrict.id))) == 1


# --- subdistrict staff on the demo compound's pages ---------------------------------------------

# Pages a resident opens that subdistrict staff may not: the members themselves, and what only
# a resident or an author does.
NOT_FOR_READERS = {"/members", "/issues/new", "/comments/<int:comment_id>/edit", "/propose"}


def _every_table_count() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.mark.both_databases
def test_subdistrict_staff_read_the_demo_compound_and_change_nothing(app, client, login_as):
    from tests.seeded import seed_demo_once
    from tests.site.budget_pages import PAGES, DemoIds, add_rows_the_demo_lacks

    seed_demo_once()

    from app.accounts.models import User
    from app.compounds.demo import SECOND_COMPOUND, demo_compound

    compound_id = demo_compound().id
    add_rows_the_demo_lacks(compound_id)
    ids = DemoIds.find(compound_id)
    chen = db.session.scalar(select(User).where(User.mobile == "19900000007"))
    second = db.session.scalar(select(Compound).where(Compound.name == SECOND_COMPOUND))
    elsewhere = make_compound("别的街道的小区")
    db.session.commit()
    login_as(chen)
    untouched = _every_table_count()
    checked = 0
    for page in PAGES:
        if not page.rule.startswith("/c/<int:compound_id>"):
            continue
        path = page.path(ids)
        expected = 403 if any(page.rule.endswith(s) for s in NOT_FOR_READERS) \
            else page.statuses["owner"]
        assert client.get(path, headers=page.headers).status_code == expected, path
        # Another subdistrict's compound: nothing at all.
        other = path.replace(f"/c/{ids.c}/", f"/c/{elsewhere.id}/", 1)
        assert client.get(other, headers=page.headers).status_code in (403, 404), other
        checked += 1
    assert checked >= 60
    assert _every_table_count() == untouched  # reading leaves no trace (no notice read marks)
    assert client.get(f"/c/{second.id}/").status_code == 200  # the subdistrict's other compound
    assert client.get(f"/c/{elsewhere.id}/").status_code == 403

    # Every action of the compound, posted by subdistrict staff, changes no row: only following
    # an issue (a subscription to its news, for oneself) is open to them.
    values = {"compound_id": ids.c, "proposal_id": ids.voting, "issue_id": ids.issue,
              "meeting_id": ids.meeting, "notice_id": ids.notice, "covenant_id": ids.covenant,
              "version_id": ids.version, "comment_id": ids.issue_comment,
              "building_id": ids.building, "upload_id": ids.upload, "kind": "issue",
              "target_id": ids.issue}
    before = _every_table_count()
    seq = db.session.scalar(select(func.max(AuditEntry.seq)))
    posted = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or not rule.rule.startswith("/c/<int:compound_id>"):
            continue
        # Each value of an <any(...)> part (e.g. every workflow step), real ids elsewhere.
        choices = {a: sorted(getattr(rule._converters.get(a), "items", ())) or [values.get(a, 1)]
                   for a in rule.arguments}
        for combination in itertools.product(*choices.values()):
            path = rule.build(dict(zip(choices, combination, strict=True)),
                              append_unknown=False)[1]
            response = client.post(path, data={
                "body": "街道看看", "reason": "街道看看", "choice": "yes", "title": "x",
                "mobile": chen.mobile, "role": "council", "relation": "owner", "code": "x"})
            assert response.status_code < 500, path  # what matters: no row changes (below)
            posted += 1
    assert posted >= 50
    after = _every_table_count()
    changed = {t: after[t] - before[t] for t in before if before[t] != after[t]}
    assert changed == {"follows": 1, "audit_entries": 1}, changed
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.seq > seq)).all() == ["follow.add"]
