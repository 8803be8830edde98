"""Reports, hide, restore, dismiss: who may, what is refused, what is written and audited."""
import pytest
from sqlalchemy.exc import IntegrityError

from app.audit.verification import verify
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.extensions import db
from app.issues.models import Comment, Issue
from app.moderation import services
from app.moderation.models import ModerationAction, Report
from tests.moderation.helpers import (
    ModerationWorld,
    audit_actions,
    count,
    notes_of,
    snapshot,
)


@pytest.fixture
def w(app):
    return ModerationWorld()


def target(w, row=None):
    return services.target_of(row or w.rude)


def test_report_is_recorded_audited_and_announced_to_the_party_cell(w):
    row = services.report(w.owners[2], w.compound, target(w), "  人身攻击  ")
    db.session.commit()
    assert (row.status, row.reason, row.target_type, row.target_id) == (
        "open", "人身攻击", "comment", w.rude.id)
    assert audit_actions() == ["moderation.report"]
    assert notes_of(w.party) == ["有新的举报等待处理"]
    assert verify().ok


@pytest.mark.parametrize("case", ["twice", "own", "empty", "hidden", "outsider"])
def test_report_refusals_change_nothing(w, case):
    reporter, reason = w.owners[2], "骂人"
    if case == "twice":
        services.report(reporter, w.compound, target(w), "骂人")
        db.session.commit()
    elif case == "own":
        reporter = w.owners[1]
    elif case == "empty":
        reason = "   "
    elif case == "hidden":
        services.hide(w.party, w.compound, target(w), "人身攻击")
        db.session.commit()
    elif case == "outsider":
        reporter = w.outsider
    before = snapshot()
    expected = {"twice": Conflict, "own": PermissionDenied, "empty": ServiceError,
                "hidden": Conflict, "outsider": PermissionDenied}[case]
    with pytest.raises(expected) as caught:
        services.report(reporter, w.compound, target(w), reason)
    db.session.rollback()
    assert str(caught.value)
    assert snapshot() == before


@pytest.mark.both_databases
def test_one_open_report_per_reporter_and_target_is_enforced_by_the_database(w):
    services.report(w.owners[2], w.compound, target(w), "骂人")
    db.session.commit()
    db.session.add(Report(compound_id=w.compound.id, reporter_id=w.owners[2].id,
                          target_type="comment", target_id=w.rude.id, issue_id=w.topic.id,
                          reason="again", status="open"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Once handled, the same person may report the item again later.
    services.dismiss(w.party, w.compound, target(w))
    services.report(w.owners[2], w.compound, target(w), "又在骂人")
    db.session.commit()
    assert count(Report, Report.reporter_id == w.owners[2].id) == 2


def test_another_compounds_item_is_not_found(w):
    with pytest.raises(NotFound):
        services.get_target(w.other, "comment", w.rude.id)
    with pytest.raises(NotFound):
        services.get_target(w.other, "issue", w.topic.id)


def test_hide_keeps_the_text_resolves_reports_logs_audits_and_notifies(w):
    services.report(w.owners[2], w.compound, target(w), "骂人")
    services.report(w.owners[3], w.compound, target(w), "不文明")
    db.session.commit()
    action = services.hide(w.party, w.compound, target(w), "人身攻击")
    db.session.commit()
    comment = db.session.get(Comment, w.rude.id)
    assert comment.is_hidden and comment.hidden_reason == "人身攻击"
    assert "没素质" in comment.body_source  # nothing is deleted
    assert (action.action, action.target_type, action.actor_role, action.reason) == (
        "hide", "comment", "party_cell", "人身攻击")
    reports = db.session.query(Report).all()
    assert {(r.status, r.resolution, r.handled_by_id) for r in reports} == {
        ("resolved", "hidden", w.party.id)}
    assert audit_actions() == ["moderation.report", "moderation.report", "moderation.hide"]
    assert any("已被党支部隐藏，理由：人身攻击" in m for m in notes_of(w.owners[1]))
    assert "您的举报已处理：该内容已被党支部隐藏。" in notes_of(w.owners[2])
    assert verify().ok


def test_a_reply_and_an_issue_are_logged_as_such(w):
    from app.issues import comments

    reply = comments.post_comment(w.owners[2], w.topic, "回骂", parent=w.rude)
    services.hide(w.staff, w.compound, target(w, reply), "互相攻击")
    services.hide(w.party, w.compound, target(w, w.topic), "重复发布")
    db.session.commit()
    assert [(a.target_type, a.actor_role) for a in db.session.query(ModerationAction)
            .order_by(ModerationAction.id)] == [("reply", "staff"), ("issue", "party_cell")]
    assert db.session.get(Issue, w.topic.id).is_hidden


@pytest.mark.parametrize("who", ["owner", "council", "property", "committee", "grid",
                                 "outsider"])
def test_only_the_party_cell_and_staff_moderate(w, who):
    actor = {"owner": w.owners[2], "council": w.council, "property": w.property,
             "committee": w.committee, "grid": w.grid, "outsider": w.outsider}[who]
    services.report(w.owners[2], w.compound, target(w), "骂人")
    db.session.commit()
    before = snapshot()
    for call in (lambda: services.hide(actor, w.compound, target(w), "理由"),
                 lambda: services.restore(actor, w.compound, target(w), "理由"),
                 lambda: services.dismiss(actor, w.compound, target(w))):
        with pytest.raises(PermissionDenied):
            call()
        db.session.rollback()
    assert snapshot() == before
    assert not db.session.get(Comment, w.rude.id).is_hidden


@pytest.mark.parametrize("case", ["twice", "empty", "too_long"])
def test_hide_refusals_change_nothing(w, case):
    reason = {"twice": "人身攻击", "empty": " ", "too_long": "长" * 501}[case]
    if case == "twice":
        services.hide(w.party, w.compound, target(w), "第一次")
        db.session.commit()
    before = snapshot()
    with pytest.raises(ServiceError) as caught:
        services.hide(w.staff, w.compound, target(w), reason)
    db.session.rollback()
    assert snapshot() == before
    comment = db.session.get(Comment, w.rude.id)
    assert comment.hidden_reason == ("第一次" if case == "twice" else "")
    assert caught.value.message and (case == "twice" or caught.value.field == "reason")


def test_restore_shows_it_again_and_tells_the_author(w):
    before = snapshot()
    with pytest.raises(Conflict, match="没有被隐藏"):
        services.restore(w.party, w.compound, target(w), "误判")
    db.session.rollback()
    assert snapshot() == before
    services.hide(w.party, w.compound, target(w), "人身攻击")
    db.session.commit()
    with pytest.raises(ServiceError, match="请写明恢复理由"):
        services.restore(w.party, w.compound, target(w), "")
    db.session.rollback()
    services.restore(w.staff, w.compound, target(w), "误判，已核实")
    db.session.commit()
    comment = db.session.get(Comment, w.rude.id)
    assert not comment.is_hidden and comment.hidden_reason == ""
    assert audit_actions() == ["moderation.hide", "moderation.restore"]
    assert [a.action for a in db.session.query(ModerationAction)
            .order_by(ModerationAction.id)] == ["hide", "restore"]
    assert any("已恢复显示" in m for m in notes_of(w.owners[1]))


def test_dismiss_resolves_the_reports_and_tells_the_reporters(w):
    before = snapshot()
    with pytest.raises(Conflict, match="没有待处理的举报"):
        services.dismiss(w.party, w.compound, target(w))
    db.session.rollback()
    assert snapshot() == before
    services.report(w.owners[2], w.compound, target(w), "骂人")
    db.session.commit()
    reports = services.dismiss(w.party, w.compound, target(w), "属于正常批评")
    db.session.commit()
    assert [(r.status, r.resolution, r.resolution_note) for r in reports] == [
        ("resolved", "dismissed", "属于正常批评")]
    assert not db.session.get(Comment, w.rude.id).is_hidden
    assert audit_actions()[-1] == "moderation.dismiss"
    assert "您的举报已处理：经党支部查看，该内容不予隐藏。" in notes_of(w.owners[2])
    assert count(ModerationAction) == 0  # the public log lists hides, not dismissals
