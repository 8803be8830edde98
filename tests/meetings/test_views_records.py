"""The meeting page over HTTP: the real notice period, records offered only once the meeting
has started, cancel and reschedule with a reason, decisions on the page, in the minutes and
in print; the proposal page names the meeting that decided to put it to a vote."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.time import CHINA, cn_time, utcnow
from app.extensions import db
from app.meetings import decisions, minutes, services
from app.meetings.models import AgendaDecision, Meeting
from app.notifications.models import Notification
from tests.meetings.helpers import MeetingWorld
from tests.proposals.helpers import World


@pytest.fixture
def w(app):
    return MeetingWorld()


def _page(client, meeting, suffix=""):
    response = client.get(f"/c/{meeting.compound_id}/meetings/{meeting.id}{suffix}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _past(w, **kw):
    """A meeting convened 10 days ago that began 5 days ago."""
    return w.convene(now=utcnow() - timedelta(days=10), days_ahead=5, **kw)


def test_page_shows_the_real_notice_and_offers_no_records_before_the_start(client, login_as,
                                                                           w):
    posted = utcnow()
    data = services.ConveneInput(body="council", title="抢修", place="活动室",
                                 starts_at=posted + timedelta(hours=2, minutes=10),
                                 free_items=["水管"], recorder_id=w.recorder.id,
                                 is_urgent=True, urgent_reason="3栋水管爆裂")
    meeting = services.convene(w.party, w.compound, data, now=posted)
    db.session.commit()
    login_as(w.recorder)
    page = _page(client, meeting)
    assert "提前 2 小时 10 分钟通知" in page and "3栋水管爆裂" in page and "紧急会议" in page
    assert "（提前 3 日）" not in page  # the rule's period is not the notice it had
    assert "保存出席情况" not in page and "/minutes/edit" not in page
    assert "/decisions/" not in page
    assert "会议开始（" in page
    row = services.attendance_of(meeting)[0]
    response = client.post(f"/c/{w.compound.id}/meetings/{meeting.id}/attendance",
                           data={f"a-{row.id}": "present"}, follow_redirects=True)
    assert "开始后才能登记出席情况" in response.get_data(as_text=True)
    editor = client.get(f"/c/{w.compound.id}/meetings/{meeting.id}/minutes/edit",
                        follow_redirects=True)
    assert "开始后才能起草纪要" in editor.get_data(as_text=True)
    assert db.session.get(type(row), row.id).status == "unrecorded"


def test_decisions_are_recorded_from_the_page_and_shown_in_minutes_and_print(client,
                                                                             login_as, w):
    meeting = _past(w)
    w.held(meeting)
    item = meeting.agenda[0]
    login_as(w.recorder)
    page = _page(client, meeting)
    assert "保存出席情况" in page and "/minutes/edit" in page and "/decisions/" in page
    url = f"/c/{w.compound.id}/meetings/{meeting.id}/decisions/{item.id}"
    response = client.post(url, data={"note": " "})
    assert response.status_code == 400 and "请写明会议对这项议程的决定" in \
        response.get_data(as_text=True)
    assert client.post(url, data={"note": "在南门设置8个充电桩"}).status_code == 302
    assert "会议决定：决定" in _page(client, meeting) and "在南门设置8个充电桩" in \
        _page(client, meeting)
    at = meeting.starts_at + timedelta(hours=1)
    minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    minutes.publish(w.party, w.compound, meeting, now=at + timedelta(days=4))
    db.session.commit()
    assert "在南门设置8个充电桩" in _page(client, meeting, "/minutes")
    printed = _page(client, meeting, "/minutes/print")
    assert "在南门设置8个充电桩" in printed and "提前 5 天通知" in printed
    assert "/decisions/" not in _page(client, meeting)  # frozen with the minutes


def test_cancel_from_the_page_needs_a_reason_and_shows_cancelled(client, login_as, w):
    meeting = w.convene()
    login_as(w.party)
    assert "取消会议" in _page(client, meeting)
    url = f"/c/{w.compound.id}/meetings/{meeting.id}/cancel"
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 400 and "请写明理由" in response.get_data(as_text=True)
    assert client.post(url, data={"reason": "会议室停电"}).status_code == 302
    page = _page(client, meeting)
    assert "已取消" in page and "会议室停电" in page and "会议已取消" in page
    assert "取消会议" not in page
    listing = client.get(f"/c/{w.compound.id}/meetings/").get_data(as_text=True)
    assert "已取消" in listing  # the list marks it too
    login_as(w.council[1])
    notes = client.get("/notifications/").get_data(as_text=True)
    assert "会议室停电" in notes


def test_reschedule_from_the_page_shows_old_and_new_time(client, login_as, w):
    meeting = w.convene()
    old = meeting.starts_at
    new = datetime.combine((utcnow() + timedelta(days=12)).astimezone(CHINA).date(),
                           datetime.min.time(), tzinfo=CHINA) + timedelta(hours=19)
    login_as(w.resident)
    url = f"/c/{w.compound.id}/meetings/{meeting.id}/reschedule"
    form = {"starts_at": new.strftime("%Y-%m-%dT%H:%M"), "reason": "会议室有活动"}
    assert client.post(url, data=form).status_code == 403
    login_as(w.party)
    response = client.post(url, data={**form, "reason": ""})
    assert response.status_code == 400 and "会议室有活动" not in response.get_data(as_text=True)
    assert client.post(url, data=form).status_code == 302
    page = _page(client, meeting)
    assert "已改期" in page and cn_time(old) in page and cn_time(new) in page
    assert "会议室有活动" in page
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "meeting.rescheduled")).all()
    assert told and all(n.is_important for n in told)


def test_proposal_page_in_deliberation_names_the_deciding_meeting(app, client, login_as):
    world = World(n_owners=1)
    p = world.proposal()
    login_as(world.committee)
    url = f"/c/{world.compound.id}/proposals/{p.id}/"
    page = client.get(url).get_data(as_text=True)
    assert "还没有会议决定把这个议案提交表决" in page and "请召集议事会会议" in page
    meeting = world.council_decides(p, at=utcnow())
    page = client.get(url).get_data(as_text=True)
    assert "会议决定提交表决" in page and f"/meetings/{meeting.id}" in page
    assert db.session.scalar(select(AgendaDecision.outcome)) == "to_vote"
    assert db.session.get(Meeting, meeting.id).status == "scheduled"
    assert decisions.decisions_of(meeting)
