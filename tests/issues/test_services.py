"""Posting, seconding, the lifecycle and the discussion, through the services."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.time import utcnow
from app.extensions import db
from app.issues import comments, services
from app.issues.models import CommentRevision, IssueEvent, IssueSecond
from app.issues.queries import thread
from app.notifications.models import Notification
from tests.issues.helpers import IssueWorld


@pytest.fixture
def w(app):
    return IssueWorld()


def _actions(issue_id):
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "issues", AuditEntry.object_id == issue_id)
        .order_by(AuditEntry.seq)))


def test_resident_and_tenant_post_others_cannot(w):
    assert w.issue(w.owners[0]).status == "open"
    assert w.issue(w.tenant).anonymous_label == "某居民"
    for who in (w.outsider, w.property):
        with pytest.raises(PermissionDenied):
            services.post_issue(who, w.compound, title="t", body="", category="其他")


def test_anonymous_label_names_the_building(w):
    issue = w.issue(show_as="anonymous")
    assert issue.anonymous_label == "某业主 (3栋)"


def test_grid_worker_posts_for_a_resident(w):
    resident = services.resident_by_mobile(w.compound, w.owners[1].mobile)
    issue = services.post_issue(w.grid, w.compound, title="楼道堆物", body="", category="安全隐患",
                                on_behalf_of=resident)
    assert issue.author_id == w.owners[1].id and issue.reporter_id == w.grid.id
    assert issue.is_on_behalf
    with pytest.raises(PermissionDenied):
        services.post_issue(w.owners[0], w.compound, title="x", body="", category="其他",
                            on_behalf_of=w.owners[1])
    with pytest.raises(ServiceError):
        services.resident_by_mobile(w.compound, w.outsider.mobile)


def test_unknown_category_and_foreign_building_refused(w):
    with pytest.raises(ServiceError) as exc:
        w.issue(category="乱写")
    assert exc.value.field == "category"
    from tests.factories import make_building
    foreign = make_building(w.other, "9")
    with pytest.raises(ServiceError) as exc:
        w.issue(building_id=foreign.id)
    assert exc.value.field == "building"


def test_one_second_per_household(w):
    issue = w.issue(w.owners[0])
    services.second(w.owners[1], issue)
    db.session.commit()
    relative = w.household_member(1)
    with pytest.raises(Conflict):
        services.second(relative, issue)
    db.session.rollback()
    assert issue.second_count == 1
    assert db.session.scalar(select(func.count(IssueSecond.id))) == 1
    with pytest.raises(ServiceError):
        services.second(w.owners[0], issue)  # the author
    with pytest.raises(PermissionDenied):
        services.second(w.property, issue)  # not a resident


def test_threshold_puts_issue_on_agenda_and_tells_party_cell(app):
    w = IssueWorld(n_owners=4, threshold=3)
    issue = w.issue(w.owners[0])
    for i in (1, 2):
        services.second(w.owners[i], issue)
    db.session.commit()
    assert issue.status == "open"
    services.second(w.owners[3], issue)
    db.session.commit()
    assert issue.status == "on_agenda" and issue.second_count == 3
    event = db.session.scalar(select(IssueEvent).where(IssueEvent.issue_id == issue.id))
    assert event.action == "reach_threshold" and event.actor_id is None
    assert event.actor_role == "system"
    assert "issue.reach_threshold" in _actions(issue.id)
    kinds = set(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == w.party.id)))
    assert "issue.agenda" in kinds
    # the author follows automatically and hears of the status change
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == w.owners[0].id, Notification.kind == "issue.reach_threshold"))
    assert verify().ok


def test_full_flow_and_refusals(w):
    issue = w.issue(w.owners[0])
    with pytest.raises(PermissionDenied):
        services.acknowledge(w.owners[1], issue)
    with pytest.raises(ServiceError) as exc:
        services.answer(w.property, issue, "已修好")  # not acknowledged yet
    assert exc.value.status == 409
    services.acknowledge(w.property, issue)
    with pytest.raises(ServiceError):
        services.acknowledge(w.party, issue)  # twice
    with pytest.raises(ServiceError) as exc:
        services.answer(w.property, issue, "  ")
    assert exc.value.field == "note"
    services.answer(w.property, issue, "已更换灯泡")
    with pytest.raises(PermissionDenied):
        services.confirm(w.owners[1], issue, "satisfied")  # not the author
    with pytest.raises(ServiceError):
        services.confirm(w.owners[0], issue, "great")
    services.confirm(w.owners[0], issue, "basic")
    services.close(w.staff, issue)
    db.session.commit()
    assert issue.status == "closed" and issue.rating == "basic"
    assert _actions(issue.id) == ["issue.create", "issue.acknowledge", "issue.answer",
                                  "issue.confirm", "issue.close"]
    assert [e.to_status for e in db.session.scalars(select(IssueEvent).order_by(
        IssueEvent.id))] == ["acknowledged", "answered", "resolved", "closed"]
    assert verify().ok


def test_dispatch_needs_a_future_due_date(w):
    issue = w.issue()
    services.acknowledge(w.party, issue)
    with pytest.raises(ServiceError):
        services.dispatch(w.staff, issue, None)
    with pytest.raises(PermissionDenied):
        services.dispatch(w.property, issue, utcnow() + timedelta(days=7))
    services.dispatch(w.staff, issue, utcnow() + timedelta(days=7))
    assert issue.status == "dispatched" and issue.due_at is not None


def test_silent_resolution_after_seven_days(w):
    issue = w.issue()
    services.acknowledge(w.party, issue)
    services.answer(w.property, issue, "已处理")
    with pytest.raises(ServiceError):
        services.resolve_silent(w.staff, issue)
    assert services.resolve_all_silent(utcnow() + timedelta(days=6)) == 0
    assert services.resolve_all_silent(utcnow() + timedelta(days=8)) == 1
    assert issue.status == "resolved" and issue.rating is None


def test_cli_resolve_silent(app, w):
    issue = w.issue()
    services.acknowledge(w.party, issue)
    services.answer(w.property, issue, "已处理")
    issue.answered_at = utcnow() - timedelta(days=8)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["issues", "resolve-silent"])
    assert result.exit_code == 0 and "resolved 1" in result.output
    db.session.expire_all()
    assert issue.status == "resolved"


def test_official_reply_only_by_official_roles_and_pinned(w):
    issue = w.issue()
    comments.post_comment(w.owners[1], issue, "我也觉得")
    with pytest.raises(PermissionDenied):
        comments.post_comment(w.owners[1], issue, "官方", official=True)
    comments.post_comment(w.property, issue, "明天维修", official=True)
    db.session.commit()
    first = thread(issue, w.compound).comments[0]
    assert first.is_official and first.author_id == w.property.id


def test_replies_are_one_level(w):
    issue = w.issue()
    top = comments.post_comment(w.owners[1], issue, "顶层")
    reply = comments.post_comment(w.owners[2], issue, "回复", parent=top)
    with pytest.raises(ServiceError):
        comments.post_comment(w.owners[0], issue, "回复的回复", parent=reply)
    kinds = set(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == w.owners[1].id)))
    assert "comment.reply" in kinds


def test_edit_keeps_revisions(w):
    issue = w.issue()
    c = comments.post_comment(w.owners[1], issue, "第一版")
    comments.edit_comment(w.owners[1], c, "第二版")
    comments.edit_comment(w.owners[1], c, "第三版")
    db.session.commit()
    assert c.edited_at is not None and "第三版" in c.body_html
    assert [r.body_source for r in comments.revisions(c)] == ["第二版", "第一版"]
    assert db.session.scalar(select(func.count(CommentRevision.id))) == 2
    with pytest.raises(PermissionDenied):
        comments.edit_comment(w.owners[2], c, "别人改")
    assert verify().ok
