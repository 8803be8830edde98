"""The workflow engine (app.core.workflow) on a real domain's table: a refusal changes
nothing; a move writes the state, the timeline row, the audit entry and the followers'
notifications together; the minimum time in a stage; the extra conditions of a move."""
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core import workflow
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.time import china_time, utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.proposals import lifecycle
from app.proposals.models import Proposal, ProposalEvent
from tests.proposals.helpers import World


def _counts():
    return tuple(db.session.scalar(select(func.count(m.id)))
                 for m in (AuditEntry, ProposalEvent, Notification))


@pytest.fixture
def w(app):
    return World(n_owners=1)


def _in_review(w) -> Proposal:
    p = w.proposal()  # walked to deliberation
    lifecycle.apply(p, "return", w.party, reason="再议")
    lifecycle.apply(p, "revise", w.party)
    lifecycle.apply(p, "open_consultation", w.party)
    lifecycle.apply(p, "submit_review", w.party)
    db.session.commit()
    return p


def test_a_move_writes_state_timeline_audit_and_notifications_together(w):
    p = _in_review(w)
    before = _counts()
    step = workflow.apply(lifecycle.WORKFLOW, p, "withdraw", w.staff, fields={"reason": " 撤回 "},
                          data={"extra": 1})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).state == "withdrawn"
    event = db.session.get(ProposalEvent, step.event.id)
    assert (event.from_state, event.to_state, event.action, event.reason, event.actor_id) == \
        ("review", "withdrawn", "withdraw", "撤回", w.staff.id)
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "proposal.withdraw" and entry.object_id == p.id
    assert entry.data == {"from": "review", "to": "withdrawn", "reason": "撤回", "extra": 1}
    assert entry.actor_role == event.actor_role == "staff"
    assert {c["table"] for c in entry.covers} == {"proposals", "proposal_events"}
    # The party cell follows the proposal it raised and hears of it; the actor does not.
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "proposal.withdraw")).all()
    assert told == [w.party.id]
    after = _counts()
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1
    assert verify().ok


def test_refusals_change_nothing(w):
    p = _in_review(w)
    before = _counts()
    with pytest.raises(PermissionDenied):  # a resident may not review
        lifecycle.apply(p, "approve_review", w.owners[0])
    with pytest.raises(PermissionDenied) as caught:  # the system's step, pressed by a person
        lifecycle.apply(p, "open_voting", w.staff)
    assert "系统" in str(caught.value.message)
    with pytest.raises(ServiceError) as caught:  # the written reason is required
        lifecycle.apply(p, "withdraw", w.party, reason="   ")
    assert caught.value.field == "reason"
    with pytest.raises(Conflict) as caught:  # not from this state
        lifecycle.apply(p, "publish_result", w.staff)
    assert caught.value.status == 409 and "党组织审议" in str(caught.value.message)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).state == "review"
    assert _counts() == before


def test_a_move_lost_to_someone_else_is_refused_with_the_state_now(w):
    p = _in_review(w)
    before = _counts()
    # Someone else withdrew it meanwhile: this session still holds it as under review.
    db.session.execute(update(Proposal).where(Proposal.id == p.id).values(state="withdrawn")
                       .execution_options(synchronize_session=False))
    assert p.state == "review"
    with pytest.raises(Conflict) as caught:
        lifecycle.apply(p, "approve_review", w.party)
    assert "已撤回" in str(caught.value.message)
    assert p.state == "withdrawn"  # refreshed
    assert _counts() == before


def test_not_before_refuses_until_the_minimum_time_in_the_stage(w):
    p = _in_review(w)
    earliest = utcnow() + timedelta(days=3)
    table = dict(lifecycle.TRANSITIONS)
    table["approve_review"] = dataclasses.replace(table["approve_review"],
                                                  not_before=lambda proposal: earliest)
    variant = dataclasses.replace(lifecycle.WORKFLOW, transitions=table, register=False)
    assert workflow.WORKFLOWS["proposal"] is lifecycle.WORKFLOW
    before = _counts()
    with pytest.raises(ServiceError) as caught:
        workflow.apply(variant, p, "approve_review", w.party, now=earliest - timedelta(seconds=1))
    assert caught.value.status == 409
    assert china_time(earliest) in str(caught.value.message)
    assert _counts() == before and p.state == "review"
    step = workflow.apply(variant, p, "approve_review", w.party, now=earliest)
    assert step.target == p.state == "deliberation"


def test_an_extra_condition_that_fails_is_a_conflict_and_changes_nothing(w):
    p = _in_review(w)
    before = _counts()
    with pytest.raises(Conflict) as caught:
        workflow.apply(lifecycle.WORKFLOW, p, "approve_review", w.party,
                       where=[Proposal.title == "别的标题"], conflict="刚刚被别人改过")
    assert str(caught.value.message) == "刚刚被别人改过"
    assert _counts() == before and p.state == "review"


def test_buttons_and_their_fields_come_from_the_table(w):
    assert workflow.button(lifecycle.WORKFLOW, "open_voting") is None  # the system's
    assert workflow.button(lifecycle.WORKFLOW, "nonsense") is None
    assert workflow.button(lifecycle.WORKFLOW, "publish_notice", skip=("publish_notice",)) is None
    assert workflow.button(lifecycle.WORKFLOW, "withdraw").required == ("reason",)
    p = _in_review(w)
    assert workflow.allowed(lifecycle.WORKFLOW, p, w.owners[0]) == []
    assert set(workflow.allowed(lifecycle.WORKFLOW, p, w.party)) == {
        "approve_review", "withdraw", "return"}


def test_every_transition_is_well_formed(app):
    assert {"proposal", "issue", "covenant", "minutes", "notice"} <= set(workflow.WORKFLOWS)
    for flow in workflow.WORKFLOWS.values():
        for name, t in flow.transitions.items():
            assert t.name == name and t.sources and t.roles
            assert t.target in flow.labels and set(t.sources) <= set(flow.labels)
            assert set(t.required) <= set(flow.taken_fields(name)) <= set(flow.fields)
