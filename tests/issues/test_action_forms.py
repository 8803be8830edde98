"""A status change that fails (invalid input, a rule, a refusal, someone faster) comes back
with what was typed and the error next to its field, and changes nothing."""
import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.issues import services
from app.issues.models import Issue, IssueEvent
from tests.issues.helpers import IssueWorld

NOTE = "已联系3栋电工，明早<先>看线路 & 灯座"


@pytest.fixture
def w(app):
    return IssueWorld()


def snapshot(issue_id):
    db.session.expire_all()
    issue = db.session.get(Issue, issue_id)
    return (issue.status, issue.due_at, issue.rating, issue.answered_at,
            db.session.scalar(select(func.count(IssueEvent.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def act(client, w, issue, name, **data):
    return client.post(f"/c/{w.compound.id}/issues/{issue.id}/act/{name}", data=data)


def textarea(page, element_id):
    """The text inside <textarea id=element_id>, unescaped; None if there is no such box."""
    found = re.search(rf'<textarea id="{element_id}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def field_error(page, element_id):
    found = re.search(rf'<p class="error" id="{element_id}-err">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def test_too_long_answer_keeps_text_with_error_next_to_it(client, login_as, w):
    issue = w.issue()
    services.acknowledge(w.property, issue)
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.property)
    typed = NOTE + "。" * 2000
    response = act(client, w, issue, "answer", note=typed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert textarea(page, "note-answer").strip() == typed
    assert field_error(page, "note-answer") == "内容请不超过 2000 字。"
    assert "“答复”未完成" in page and 'aria-invalid="true"' in page
    # The other forms on the page stay empty: the text belongs to the one that was sent.
    assert not textarea(page, "note-dispatch")
    assert snapshot(issue.id) == before


def test_empty_answer_refused_by_service_next_to_note(client, login_as, w):
    issue = w.issue()
    services.acknowledge(w.property, issue)
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.property)
    response = act(client, w, issue, "answer", note="   ")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "note-answer") == "请填写答复内容。"
    assert snapshot(issue.id) == before


def test_dispatch_past_due_date_keeps_note_and_date(client, login_as, w):
    issue = w.issue()
    services.acknowledge(w.party, issue)
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.party)
    past = (date.today() - timedelta(days=3)).isoformat()
    response = act(client, w, issue, "dispatch", note=NOTE, due_date=past)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert textarea(page, "note-dispatch") == NOTE
    assert f'id="due-dispatch" name="due_date" required value="{past}"' in page
    assert field_error(page, "due-dispatch") == "请填写今天以后的办结期限。"
    assert snapshot(issue.id) == before


def test_dispatch_bad_date_keeps_note(client, login_as, w):
    issue = w.issue()
    services.acknowledge(w.party, issue)
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.party)
    response = act(client, w, issue, "dispatch", note=NOTE, due_date="明天")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert textarea(page, "note-dispatch") == NOTE and field_error(page, "due-dispatch")
    assert snapshot(issue.id) == before


def test_confirm_without_rating_keeps_note(client, login_as, w):
    issue = w.issue(w.owners[0])
    services.acknowledge(w.property, issue)
    services.answer(w.property, issue, "已修好")
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.owners[0])
    response = act(client, w, issue, "confirm", note="灯亮了，谢谢")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert textarea(page, "note-confirm") == "灯亮了，谢谢"
    assert field_error(page, "rating-confirm") == "请选择您对处理结果的评价。"
    assert snapshot(issue.id) == before


def test_invalid_rating_keeps_note(client, login_as, w):
    issue = w.issue(w.owners[0])
    services.acknowledge(w.property, issue)
    services.answer(w.property, issue, "已修好")
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.owners[0])
    response = act(client, w, issue, "confirm", note="灯亮了", rating="excellent")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert textarea(page, "note-confirm") == "灯亮了" and field_error(page, "rating-confirm")
    assert snapshot(issue.id) == before


def test_refused_person_gets_reason_and_typed_note(client, login_as, w):
    issue = w.issue(w.owners[0])
    before = snapshot(issue.id)
    login_as(w.owners[1])
    response = act(client, w, issue, "acknowledge", note=NOTE)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "您没有权限进行这项操作。" in page
    # No form is offered to this person, so the text comes back to copy.
    assert textarea(page, "note-unsaved") == NOTE and 'id="act-acknowledge"' not in page
    assert snapshot(issue.id) == before


def test_someone_faster_keeps_the_slower_note(client, login_as, w):
    issue = w.issue()
    services.acknowledge(w.party, issue, "党支部已受理")
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.property)
    response = act(client, w, issue, "acknowledge", note=NOTE)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "议题当前状态为“已受理”，不能进行这项操作。" in page
    assert textarea(page, "note-unsaved") == NOTE
    # What the property manager may do now is offered, empty, as usual.
    assert textarea(page, "note-answer") == ""
    assert snapshot(issue.id) == before


def test_success_still_redirects(client, login_as, w):
    issue = w.issue()
    login_as(w.property)
    response = act(client, w, issue, "acknowledge", note=NOTE)
    assert response.status_code == 302
    assert snapshot(issue.id)[0] == "acknowledged"


def test_a_step_meant_for_the_status_the_page_showed_is_refused_once_it_moved(client, login_as,
                                                                              w):
    issue = w.issue()
    services.acknowledge(w.party, issue, "党支部已受理")
    db.session.commit()
    before = snapshot(issue.id)
    login_as(w.party)
    # Putting it on the agenda is allowed from both statuses, but the page showed 待受理.
    response = act(client, w, issue, "put_on_agenda", note=NOTE, seen="open")
    assert response.status_code == 409
    assert "议题当前状态为“已受理”" in response.get_data(as_text=True)
    assert snapshot(issue.id) == before
    response = act(client, w, issue, "put_on_agenda", note=NOTE, seen="acknowledged")
    assert response.status_code == 302
