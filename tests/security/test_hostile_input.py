"""Hostile ordinary input gets the ordinary 400/404 page or a message, never a 500: ids no
database column holds (in a path, a query parameter, a form field) and control characters
(NUL anywhere; line breaks outside a text area)."""
import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.core.time import utcnow
from app.extensions import db
from app.issues.models import Comment
from app.meetings import services as meetings
from app.meetings.models import Attendance
from app.proposals import ballots
from app.proposals.models import Ballot
from tests.factories import make_user
from tests.issues.helpers import IssueWorld
from tests.meetings.helpers import MeetingWorld
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url

pytestmark = pytest.mark.both_databases

HUGE_IDS = [str(2**31), "3000000000", str(2**63), "9" * 5000, "0"]
REGISTER = {"mobile": "13800138000", "display_name": "王阿姨", "password": "Jinhua-2026-pass",
            "confirm": "Jinhua-2026-pass", "consent": "y"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def w(app):
    return IssueWorld()


@pytest.mark.parametrize("bad", HUGE_IDS)
def test_an_id_no_column_holds_is_not_found_in_any_path(client, login_as, w, bad):
    issue = w.issue()
    login_as(w.staff)
    c = w.compound.id
    for path in (f"/c/{bad}/", f"/c/{c}/issues/{bad}", f"/c/{c}/proposals/{bad}/",
                 f"/c/{c}/issues/{issue.id}/comments/{bad}/edit", f"/c/{c}/letters/{bad}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "页面不存在" in response.get_data(as_text=True)
    response = client.post(f"/c/{c}/issues/{bad}/second")
    assert response.status_code == 404
    assert client.get(f"/c/{c}/issues/{issue.id}").status_code == 200


def test_ids_and_pages_no_column_holds_in_a_query_are_ignored(client, login_as, w):
    w.issue()
    login_as(w.owners[0])
    c = w.compound.id
    for bad in (str(2**31), str(2**63), "-5", "9" * 5000):
        for path in (f"/c/{c}/issues/?building={bad}&page={bad}",
                     f"/c/{c}/issues/search?q=路灯&building={bad}&page={bad}",
                     f"/c/{c}/audit?before={bad}", f"/c/{c}/proposals/?page={bad}",
                     f"/c/claim/request?compound_id={bad}"):
            response = client.get(path)
            assert response.status_code == 200, path


def test_an_id_field_refuses_a_number_no_column_holds(client, login_as, app):
    world = World(n_owners=2)
    proposal = open_now(world, world.proposal())
    login_as(world.owners[0])
    for bad in (str(2**31), str(2**63), "-1"):
        response = client.post(url(proposal, "vote"), data={"member_id": bad, "choice": "yes"})
        assert response.status_code == 400
    assert _count(Ballot) == 0


def test_an_id_field_refuses_a_reply_to_a_comment_no_column_holds(client, login_as, w):
    issue = w.issue()
    login_as(w.owners[1])
    response = client.post(f"/c/{w.compound.id}/issues/{issue.id}/comments",
                           data={"body": "同意", "parent_id": str(2**63)})
    assert response.status_code == 400
    assert _count(Comment) == 0


def test_a_vote_for_an_option_number_no_column_holds_is_refused(client, login_as, app):
    world = World(n_owners=1)
    proposal = open_now(world, world.proposal(matter=4, options=["甲物业", "乙物业"]))
    owner = world.owners[0]
    member = ballots.members_for_voter(proposal, owner)[0]
    login_as(owner)
    for bad in (f"opt{2**31}", f"opt{2**63}", "opt" + "9" * 5000):
        response = client.post(url(proposal, "vote"), data={"member_id": member.id, "choice": bad})
        assert response.status_code == 400
    assert _count(Ballot) == 0


def test_numbers_past_what_int_reads_in_meeting_forms_are_refused(app, client, login_as):
    """Attendance rows and agenda positions travel in field names and hidden fields."""
    world = MeetingWorld()
    meeting = world.convene()
    world.held(meeting)
    base = f"/c/{world.compound.id}/meetings/{meeting.id}"
    app.config["CLOCK_OFFSET_SECONDS"] = (meeting.starts_at - utcnow()).total_seconds() + 600
    login_as(world.recorder)
    huge = "9" * 5000
    row = meetings.attendance_of(meeting)[0]
    before = row.status
    response = client.post(f"{base}/attendance", data={f"a-{2**31}": "present"})
    assert response.status_code == 302  # back to the meeting with the service's message
    assert client.post(f"{base}/attendance", data={f"a-{huge}": "present"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Attendance, row.id).status == before
    for position in (str(2**63), huge):
        response = client.post(f"{base}/minutes/edit", data={
            "items-0-position": position, "items-0-discussion": "讨论了南门选址"})
        assert response.status_code < 500
    response = client.post(f"{base}/minutes/edit", data={
        f"items-{huge}-position": "1", f"items-{huge}-discussion": "讨论了南门选址"})
    assert response.status_code == 400


@pytest.mark.parametrize("field", ["display_name", "mobile", "password"])
def test_register_with_nul_is_refused_and_stores_nothing(client, app, field):
    before = _count(AuditEntry)
    response = client.post("/register", data={**REGISTER, field: REGISTER[field] + "\x00"})
    assert response.status_code == 400
    assert "请求有误" in response.get_data(as_text=True)
    assert _count(User) == 0 and _count(AuditEntry) == before


def test_nul_or_control_characters_in_a_query_or_a_path_are_refused(client, login_as, w):
    issue = w.issue()
    login_as(w.owners[0])
    c = w.compound.id
    for path in (f"/c/{c}/issues/search?q=路灯%00", f"/c/{c}/issues/?status=open%0d%0a",
                 f"/c/{c}/issues/?x%00=1", "/login?next=/%09/evil.example",
                 f"/c/{c}/issues/uploads/a%00b"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "请求有误" in response.get_data(as_text=True)
    response = client.post(f"/c/{c}/issues/{issue.id}/act/%00")
    assert response.status_code == 400


def test_a_text_area_keeps_line_breaks_and_tabs_but_no_other_control_character(
        client, login_as, w):
    issue = w.issue()
    login_as(w.owners[1])
    comments = f"/c/{w.compound.id}/issues/{issue.id}/comments"
    for bad in ("a\x00b", "a\x1bb", "a\x7fb", "a\x0bb"):
        assert client.post(comments, data={"body": bad}).status_code == 400
    assert client.post(comments, data={"body": "同意", "x\x00": "1"}).status_code == 400
    assert _count(Comment) == 0
    assert client.post(comments, data={"body": "第一行\r\n\t第二行"}).status_code == 302
    assert db.session.scalar(select(Comment.body_source)) == "第一行\r\n\t第二行"


@pytest.mark.parametrize("bad", ["王\r\n阿姨", "王\n阿姨", "王\t阿姨"])
def test_a_single_line_field_refuses_line_breaks_and_tabs_with_a_message(
        client, login_as, app, bad):
    user = make_user(name="旧名字")
    db.session.commit()
    login_as(user)
    response = client.post("/me/name", data={"display_name": bad})
    assert response.status_code == 400
    assert "这一栏只能填写一行文字" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.display_name == "旧名字"
