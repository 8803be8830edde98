"""The meeting pages over HTTP: convening with the notice rule, attendance, the minutes from
first draft to correction, the diff and print pages, drafts hidden from non-attendees, and
every route closed to another compound's members."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.time import CHINA, utcnow
from app.extensions import db
from app.meetings import minutes, services
from app.meetings.models import (
    AgendaDecision,
    Attendance,
    FollowUpTask,
    Meeting,
    MeetingChange,
    MinutesResponse,
    MinutesRevision,
)
from app.meetings.rules import earliest_start
from tests.issues.test_security import XSS, assert_inert
from tests.meetings.helpers import MeetingWorld


@pytest.fixture
def w(app):
    return MeetingWorld()


def _local(moment):
    return moment.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_convene_form_refuses_too_soon_and_keeps_what_was_typed(client, login_as, w):
    login_as(w.party)
    url = f"/c/{w.compound.id}/meetings/new"
    assert client.get(url).status_code == 200
    form = {"body": "council", "title": "充电桩议事会", "place": "社区活动室",
            "starts_at": _local(utcnow() + timedelta(days=1)), "recorder": w.recorder.id,
            "free_items": "充电桩选址", "invitees": [w.property.id]}
    response = client.post(url, data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "提前 3 日" in html and "充电桩议事会" in html
    assert _count(Meeting) == 0
    form["starts_at"] = _local(earliest_start(utcnow(), 3) + timedelta(hours=19))
    response = client.post(url, data=form)
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.recorder_id == w.recorder.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "充电桩选址" in page and "尚未登记出席情况" in page


def test_residents_cannot_convene_or_take_attendance(client, login_as, w):
    meeting = w.convene()
    login_as(w.resident)
    assert client.get(f"/c/{w.compound.id}/meetings/new").status_code == 403
    row = services.attendance_of(meeting)[0]
    client.post(f"/c/{w.compound.id}/meetings/{meeting.id}/attendance",
                data={f"a-{row.id}": "present"})
    db.session.expire_all()
    assert db.session.get(Attendance, row.id).status == "unrecorded"


def test_minutes_walk_over_http(app, client, login_as, w):
    meeting = w.convene()
    w.held(meeting)
    base = f"/c/{w.compound.id}/meetings/{meeting.id}"
    app.config["CLOCK_OFFSET_SECONDS"] = (meeting.starts_at - utcnow()).total_seconds() + 600
    login_as(w.recorder)
    assert client.get(base + "/minutes/edit").status_code == 200
    data = {"items-0-position": "1", "items-0-discussion": "讨论了南门选址",
            "items-0-decision": "安装6个充电桩", "items-0-responsible": "物业",
            "items-0-due": "2027-01-31", "items-1-position": "2",
            "items-1-discussion": "路灯已修好"}
    assert client.post(base + "/minutes/edit", data=data).status_code == 302
    data["items-0-decision"] = "安装8个充电桩"
    assert client.post(base + "/minutes/edit", data=data).status_code == 302
    assert _count(MinutesRevision) == 2
    assert client.post(base + "/minutes/submit").status_code == 302
    # a member who was excused cannot confirm; the page refuses and nothing is written
    login_as(w.council[4])
    client.post(base + "/minutes/confirm")
    assert _count(MinutesResponse) == 0
    for row in minutes.present_attendees(meeting):
        login_as(db.session.get(type(w.party), row.user_id))
        assert client.post(base + "/minutes/confirm").status_code == 302
    assert _count(MinutesResponse) == 5
    login_as(w.party)
    assert client.post(base + "/minutes/publish").status_code == 302
    page = client.get(base + "/minutes").get_data(as_text=True)
    head = minutes.minutes_of(meeting).audit_head
    assert head in page and "安装8个充电桩" in page
    # after publishing the draft editor sends the recorder to the correction form
    login_as(w.recorder)
    assert client.get(base + "/minutes/edit").headers["Location"].endswith("/minutes/correct")
    data["items-0-decision"] = "安装10个充电桩"
    response = client.post(base + "/minutes/correct", data=data)
    assert response.status_code == 400 and "更正须写明理由" in response.get_data(as_text=True)
    data["reason"] = "记录有误：会上决定的是10个"
    assert client.post(base + "/minutes/correct", data=data).status_code == 302
    page = client.get(base + "/minutes").get_data(as_text=True)
    assert "本纪要公开后有更正" in page and "记录有误" in page
    revs = minutes.revisions_of(minutes.minutes_of(meeting))
    diff = client.get(base + f"/minutes/diff?a={revs[1].id}&b={revs[2].id}").get_data(
        as_text=True)
    assert "<del><span class=\"visually-hidden\">删除：</span>8</del>" in diff
    assert "<ins><span class=\"visually-hidden\">新增：</span>10</ins>" in diff
    printed = client.get(base + "/minutes/print").get_data(as_text=True)
    assert "data:image/svg+xml" in printed and head in printed and "print-minutes" in printed
    login_as(w.resident)  # published minutes are for every member of the compound
    assert client.get(base + "/minutes").status_code == 200
    overview = client.get(f"/c/{w.compound.id}/").get_data(as_text=True)
    assert "安装" in overview and "会议与决定落实" in overview


def test_draft_minutes_are_hidden_from_non_attendees(client, login_as, w):
    meeting = w.convene()
    at = w.held(meeting)
    minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    db.session.commit()
    base = f"/c/{w.compound.id}/meetings/{meeting.id}"
    login_as(w.resident)
    assert client.get(base + "/minutes").status_code == 403
    assert client.get(base + "/minutes/print").status_code == 404
    login_as(w.council[4])  # a member (excused) reads the draft
    assert client.get(base + "/minutes").status_code == 200


def test_user_text_is_escaped_on_every_page(client, login_as, w):
    payload = "\n\n".join(XSS)
    meeting = w.convene(title=XSS[1][:120], free_items=[p[:200] for p in XSS],
                        now=utcnow() - timedelta(days=10))  # held 5 days ago: editable now
    at = w.held(meeting)
    items = [minutes.ItemText(a.position, a.title, payload, payload, XSS[0][:80])
             for a in meeting.agenda]
    minutes.save_draft(w.recorder, w.compound, meeting, items, now=at)
    items[0].discussion = payload + "\n\n" + XSS[2]
    minutes.save_draft(w.recorder, w.compound, meeting, items, now=at)
    db.session.commit()
    base = f"/c/{w.compound.id}/meetings"
    revs = minutes.revisions_of(minutes.minutes_of(meeting))
    login_as(w.recorder)
    for url in (base + "/", f"{base}/{meeting.id}", f"{base}/{meeting.id}/minutes",
                f"{base}/{meeting.id}/minutes/edit", f"{base}/{meeting.id}/minutes/diff",
                f"{base}/{meeting.id}/minutes/revisions/{revs[0].id}", f"/c/{w.compound.id}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), url)


def _url(rule, values):
    path = rule.rule
    for key, value in values.items():
        path = path.replace(f"<int:{key}>", str(value)).replace(f"<{key}>", str(value))
    return path.replace("<any(submit, confirm, publish):action>", values["action"])


def test_every_route_is_403_for_another_compound(app, client, login_as, w):
    meeting = w.published()
    row = minutes.minutes_of(meeting)
    rev = minutes.current_revision(row)
    task = db.session.scalars(select(FollowUpTask)).one()
    demand = services.open_demand(w.council[1], w.compound, "council", "物业费")
    db.session.commit()
    before = (_count(MinutesRevision), _count(MinutesResponse), _count(Attendance),
              rev.source, task.status, demand.signature_count, _count(AgendaDecision),
              _count(MeetingChange), meeting.status)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("meetings.")]
    assert len(rules) >= 18
    login_as(w.outsider)
    for action in ("submit", "confirm", "publish"):
        values = {"compound_id": w.compound.id, "meeting_id": meeting.id,
                  "revision_id": rev.id, "task_id": task.id, "demand_id": demand.id,
                  "item_id": meeting.agenda[0].id, "action": action}
        for rule in rules:
            url = _url(rule, values)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                response = client.open(url, method=method, data={
                    "reason": "x", "comment": "x", "status": "done", "mobile": "13800000000",
                    "subject": "x", "body": "council", "council": 1, "committee": 1,
                    "residents": 1, "confirm": 1, "outcome": "to_vote", "note": "x",
                    "starts_at": "2030-01-01T19:00"})
                assert response.status_code == 403, (method, url, response.status_code)
    db.session.expire_all()
    task = db.session.get(type(task), task.id)
    demand = db.session.get(type(demand), demand.id)
    rev = db.session.get(MinutesRevision, rev.id)
    assert before == (_count(MinutesRevision), _count(MinutesResponse), _count(Attendance),
                      rev.source, task.status, demand.signature_count, _count(AgendaDecision),
                      _count(MeetingChange), db.session.get(Meeting, meeting.id).status)


def test_another_compounds_meeting_id_is_not_found(client, login_as, w):
    meeting = w.convene()
    login_as(w.outsider)
    assert client.get(f"/c/{w.other.id}/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/c/{w.other.id}/meetings/{meeting.id}/minutes").status_code == 404


def test_overdue_demand_is_flagged_on_the_index(app, client, login_as, w):
    demand = services.open_demand(w.council[1], w.compound, "council", "物业费调整")
    services.sign_demand(w.council[2], w.compound, demand)
    db.session.commit()
    login_as(w.party)
    page = client.get(f"/c/{w.compound.id}/meetings/").get_data(as_text=True)
    assert "应于" in page and "已逾期" not in page and "安排会议" in page
    app.config["CLOCK_OFFSET_SECONDS"] = 8 * 86400
    page = client.get(f"/c/{w.compound.id}/meetings/").get_data(as_text=True)
    assert "已逾期" in page


def test_staff_set_the_notice_periods_on_the_compound_rules_page(client, login_as, w):
    old = f"/c/{w.compound.id}/meetings/rules"
    login_as(w.party)
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/c/{w.compound.id}/rules#meetings")
    url = f"/c/{w.compound.id}/rules"
    login_as(w.staff)
    data = {"min_consultation_days": 7, "second_threshold": 10, "notice_days": 15,
            "temporary_notice_days": 7, "objection_days": 3, "council_notice_days": 5,
            "committee_notice_days": 10, "residents_notice_days": 7, "confirm_days": 2,
            "candidate_nominators": 1}
    assert client.post(url, data=data).status_code == 302
    from app.meetings.rules import confirm_days, notice_days
    assert notice_days(w.compound, "council") == 5 and confirm_days(w.compound) == 2
