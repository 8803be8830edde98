"""The audit trail page: members see their compound's entries, nobody else does."""
import re

from app.audit.services import head_hash, record
from app.extensions import db
from tests.conftest import count_queries
from tests.factories import grant, make_compound, make_resident, make_unit, make_user


def _member(compound, name="张三丰"):
    user = make_user(name=name)
    make_resident(user, make_unit(compound))
    return user


def _entries(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="muted">#(\d+)</span>', html)]


def test_member_sees_entries_newest_first_with_role_and_masked_name(client, login_as):
    compound, other = make_compound(), make_compound()
    viewer = _member(compound)  # entry 1: the viewer's verified home
    actor = make_user(name="李秀英")
    record(actor, compound, "account.registered", actor, {}, actor_role="owner")
    record(actor, other, "account.registered", actor, {"other": True}, actor_role="owner")
    record(actor, compound, "role.granted", viewer, {}, actor_role="staff")
    record(actor, compound, "something.new", None, {}, actor_role="party_cell")
    db.session.commit()
    html = login_as(viewer).get(f"/c/{compound.id}/audit").get_data(as_text=True)
    # The other compound's entry is in that compound's own chain: this one counts 1, 2, 3, 4.
    assert _entries(html) == [4, 3, 2, 1]
    assert "李**" in html and "李秀英" not in html
    assert "业主" in html and "社区工作者" in html and "党支部" in html
    assert "注册账户" in html and "授予角色" in html
    # A code without a label still reads as words, never as the code.
    assert "something.new" not in html and "其他操作" in html
    assert head_hash(compound) in html  # under 如何核验, with each entry's own fingerprint
    assert f"本小区记录链 c{compound.id} 的最新一条（记录链头）：第 4 条" in html
    first = db.session.execute(db.text("SELECT hash FROM audit_entries WHERE seq = 1 "
                                       "AND compound_id = :c"), {"c": compound.id}).scalar()
    assert first in html and "<summary>如何核验</summary>" in html
    assert re.search(r"\d{1,2}月\d{1,2}日 \d{2}:\d{2}<", html)


def test_times_are_shown_in_china_time(client, login_as):
    compound = make_compound()
    viewer = _member(compound)
    entry = record(viewer, compound, "account.registered", viewer, {}, actor_role="owner")
    db.session.commit()
    html = login_as(viewer).get(f"/c/{compound.id}/audit").get_data(as_text=True)
    hour = (entry.created_at.hour + 8) % 24
    assert re.search(rf"日 {hour:02d}:{entry.created_at.minute:02d}<", html)


def test_other_compound_member_gets_403_and_anonymous_must_log_in(client, login_as):
    compound, other = make_compound(), make_compound()
    outsider = _member(other)
    db.session.commit()
    assert client.get(f"/c/{compound.id}/audit").status_code == 302
    login_as(outsider)
    response = client.get(f"/c/{compound.id}/audit")
    assert response.status_code == 403
    assert "没有权限" in response.get_data(as_text=True)
    assert client.get("/c/999999/audit").status_code == 404


def test_role_holder_and_staff_are_members(client, login_as):
    compound = make_compound()
    cell = make_user()
    grant(cell, compound, "party_cell")
    db.session.commit()
    assert login_as(cell).get(f"/c/{compound.id}/audit").status_code == 200


def test_pages_of_fifty(client, login_as):
    compound = make_compound()
    viewer = _member(compound)
    for _ in range(120):
        record(viewer, compound, "account.registered", None, {}, actor_role="resident")
    db.session.commit()
    login_as(viewer)
    first = client.get(f"/c/{compound.id}/audit").get_data(as_text=True)
    # Entry 1 is the viewer's verified home, then the 120 entries.
    assert _entries(first) == list(range(121, 71, -1))
    assert f'href="/c/{compound.id}/audit?before=72"' in first
    second = client.get(f"/c/{compound.id}/audit?before=72").get_data(as_text=True)
    assert _entries(second) == list(range(71, 21, -1))
    third = client.get(f"/c/{compound.id}/audit?before=22").get_data(as_text=True)
    assert _entries(third) == list(range(21, 0, -1))
    assert f'href="/c/{compound.id}/audit?before=' not in third


def test_query_budget_does_not_grow_with_entries(app, client, login_as):
    compound = make_compound()
    viewer = _member(compound)
    actors = [make_user() for _ in range(3)]
    record(actors[0], compound, "account.registered", None, {}, actor_role="owner")
    db.session.commit()
    login_as(viewer)

    def measured_get():
        # A fresh app context, as a real request gets: nothing cached from the test's session.
        with app.app_context(), count_queries() as counter:
            response = client.get(f"/c/{compound.id}/audit")
        assert response.status_code == 200
        return counter, response.get_data(as_text=True)

    few, _ = measured_get()
    for i in range(60):
        record(actors[i % 3], compound, "account.registered", None, {}, actor_role="owner")
    db.session.commit()
    many, html = measured_get()
    assert len(_entries(html)) == 50
    assert many.count == few.count, many.statements
    assert many.count <= 10, many.statements
