"""The to-do list (待办) on the home page and the compound's home: what awaits this person,
each one tap from where it is done, gone once done; queues by role; a bounded number of
statements whatever the number of items; a person with one compound lands on its home."""
import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.compounds.demo import DEMO_PASSWORD, demo_compound
from app.extensions import db
from app.proposals.models import Proposal
from tests.conftest import count_queries
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.web import vote_now
from tests.seeded import seed_demo_once

OWNER, TENANT, PARTY, STAFF = "19900010001", "19900000006", "19900000003", "19900000002"
OWNERS_VOTE = "续聘锦华物业服务有限公司（2027—2029年）"


@pytest.fixture
def demo(app):
    seed_demo_once()
    return demo_compound()


def _user(mobile):
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _todo(html: str) -> str:
    start = html.index('id="todo"')
    return html[start:html.index("</section>", start)]


def test_the_owner_is_sent_straight_to_his_ballot_until_he_has_voted(client, login_as, demo):
    owner = _user(OWNER)
    login_as(owner)
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == OWNERS_VOTE))
    vote_url = f"/c/{demo.id}/proposals/{proposal.id}/vote"
    for page in ("/", f"/c/{demo.id}/"):
        todo = _todo(client.get(page).get_data(as_text=True))
        assert vote_url in todo and OWNERS_VOTE in todo
        assert "截止" in todo
    vote_now(proposal, owner)
    for page in ("/", f"/c/{demo.id}/"):
        assert vote_url not in _todo(client.get(page).get_data(as_text=True))


def test_the_tenant_is_not_sent_to_the_owners_vote(client, login_as, demo):
    login_as(_user(TENANT))
    todo = _todo(client.get(f"/c/{demo.id}/").get_data(as_text=True))
    assert OWNERS_VOTE not in todo
    assert "确认知晓" in todo  # the running notices wait for her household too


def test_an_acknowledged_notice_leaves_the_list(client, login_as, demo):
    from app.notices.models import Notice
    from app.notices.reads import acknowledge

    owner = _user(OWNER)
    login_as(owner)
    todo = _todo(client.get(f"/c/{demo.id}/").get_data(as_text=True))
    notice = next(n for n in db.session.scalars(select(Notice).where(
        Notice.compound_id == demo.id, Notice.status == "published"))
        if f"/notices/{n.id}#ack" in todo)
    acknowledge(owner, notice)
    db.session.commit()
    assert f"/notices/{notice.id}#ack" not in _todo(
        client.get(f"/c/{demo.id}/").get_data(as_text=True))


def test_the_party_cell_sees_the_reports_to_moderate(client, login_as, demo):
    login_as(_user(PARTY))
    todo = _todo(client.get(f"/c/{demo.id}/").get_data(as_text=True))
    assert "条举报等您处理" in todo and f"/c/{demo.id}/moderation/" in todo


def test_staff_see_the_homes_to_verify(client, login_as, demo):
    from app.compounds import claims
    from app.compounds.models import Unit

    newcomer = make_user(name="新住户")
    unit = db.session.scalar(select(Unit).where(Unit.compound_id == demo.id).limit(1))
    claims.request_claim(newcomer, unit, "tenant", "")
    db.session.commit()
    login_as(_user(STAFF))
    todo = _todo(client.get(f"/c/{demo.id}/").get_data(as_text=True))
    assert "1 份房屋认证申请等您审核" in todo and f"/c/{demo.id}/claims" in todo


def test_nothing_awaiting_is_said_in_one_line(client, login_as):
    compound = make_compound("安静小区")
    person = make_user(name="居民")
    make_resident(person, make_unit(compound, room="101"), "tenant")
    db.session.commit()
    login_as(person)
    todo = _todo(client.get(f"/c/{compound.id}/").get_data(as_text=True))
    assert "目前没有需要您办理的事。" in todo and "<li" not in todo


@pytest.mark.parametrize("page", ["home", "compound"])
def test_the_demo_owner_pages_run_a_bounded_number_of_statements(client, login_as, demo, page):
    login_as(_user(OWNER))
    url = "/" if page == "home" else f"/c/{demo.id}/"
    db.session.expunge_all()
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    assert OWNERS_VOTE in _todo(response.get_data(as_text=True))
    assert q.count <= 12, "\n".join(q.statements)


def test_a_person_with_one_compound_lands_on_its_home(client, demo):
    response = client.post("/login", data={"mobile": OWNER, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get(response.headers["Location"])
    assert response.headers["Location"].endswith(f"/c/{demo.id}/")


def test_a_safe_next_wins_over_the_landing(client, demo):
    response = client.post("/login?next=/notifications/",
                           data={"mobile": OWNER, "password": DEMO_PASSWORD,
                                 "next": "/notifications/"})
    assert response.headers["Location"].endswith("/notifications/")


def test_the_members_have_a_page_of_their_own(client, login_as, demo):
    login_as(_user(TENANT))
    home = client.get(f"/c/{demo.id}/").get_data(as_text=True)
    assert f"/c/{demo.id}/members" in home and "小区成员（" not in home
    members = client.get(f"/c/{demo.id}/members").get_data(as_text=True)
    assert "小区成员（" in members and "陈志强" in members
    outsider = make_user(name="外人")
    db.session.commit()
    login_as(outsider)
    assert client.get(f"/c/{demo.id}/members").status_code == 403


def test_minutes_overdue_for_publication_are_flagged(client, login_as):
    from datetime import timedelta

    from app.core.time import utcnow
    from tests.meetings.helpers import MeetingWorld

    w = MeetingWorld()
    meeting = w.convene(now=utcnow() - timedelta(days=9), days_ahead=5)  # began 4 days ago
    login_as(w.resident)  # on the compound's home, for everyone
    todo = _todo(client.get(f"/c/{w.compound.id}/").get_data(as_text=True))
    assert "会议纪要逾期未公开" in todo and "已逾期" in todo
    assert "会议纪要逾期未公开" not in _todo(client.get("/").get_data(as_text=True))
    login_as(w.recorder)  # on the recorder's own list, everywhere
    assert "会议纪要逾期未公开" in _todo(client.get("/").get_data(as_text=True))
    w.published(meeting)
    assert "会议纪要逾期未公开" not in _todo(
        client.get(f"/c/{w.compound.id}/").get_data(as_text=True))


def test_an_attendee_is_told_of_the_meeting_then_asked_to_confirm_its_minutes(
        client, login_as):
    from datetime import timedelta

    from app.core.time import utcnow
    from app.meetings import minutes
    from tests.meetings.helpers import MeetingWorld

    w = MeetingWorld()
    meeting = w.convene()
    member = w.council[1]
    login_as(member)
    todo = _todo(client.get(f"/c/{w.compound.id}/").get_data(as_text=True))
    assert "参加会议" in todo and f"/meetings/{meeting.id}" in todo and "开会" in todo

    past = w.convene(now=utcnow() - timedelta(days=6), days_ahead=5, title="上次议事会")
    at = w.held(past)  # the first three council members came
    minutes.save_draft(w.recorder, w.compound, past, w.items(past), now=at + timedelta(hours=1))
    minutes.submit_for_confirmation(w.recorder, w.compound, past, now=at + timedelta(hours=2))
    db.session.commit()
    confirm_url = f"/meetings/{past.id}/minutes#actions"
    assert confirm_url in _todo(client.get(f"/c/{w.compound.id}/").get_data(as_text=True))
    login_as(w.council[4])  # excused: nothing to confirm
    assert confirm_url not in _todo(client.get(f"/c/{w.compound.id}/").get_data(as_text=True))
    minutes.confirm(member, w.compound, past, now=at + timedelta(hours=3))
    db.session.commit()
    login_as(member)
    assert confirm_url not in _todo(client.get(f"/c/{w.compound.id}/").get_data(as_text=True))


def test_a_cancelled_meeting_leaves_every_list(client, login_as):
    from datetime import timedelta

    from app.core.time import utcnow
    from app.meetings import changes
    from tests.meetings.helpers import MeetingWorld

    w = MeetingWorld()
    ahead = w.convene(title="下周的议事会")
    past = w.convene(now=utcnow() - timedelta(days=9), days_ahead=5, title="没开成的议事会")
    login_as(w.council[1])
    home = client.get(f"/c/{w.compound.id}/").get_data(as_text=True)
    assert "下周的议事会" in home and "没开成的议事会" in _todo(home)  # overdue minutes
    changes.cancel(w.party, w.compound, ahead, "场地临时被占用")
    # A meeting that never took place has no minutes to publish: cancelled, it is off the list.
    changes.cancel(w.party, w.compound, past, "未达到开会人数，会议没有举行")
    db.session.commit()
    home = client.get(f"/c/{w.compound.id}/").get_data(as_text=True)
    assert "下周的议事会" not in home and "没开成的议事会" not in home


def test_an_admin_without_a_home_is_not_asked_to_acknowledge(client, login_as, demo):
    admin = make_user(name="系统管理员", is_admin=True)
    db.session.commit()
    login_as(admin)
    assert "看公告并确认知晓" not in client.get("/").get_data(as_text=True)
    login_as(_user(OWNER))
    assert "看公告并确认知晓" in client.get("/").get_data(as_text=True)
