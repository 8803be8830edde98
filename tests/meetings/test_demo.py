"""The demo's meetings: a past council meeting with decisions and published, once-corrected
minutes, an upcoming meeting with its agenda, and the council meeting that sent each demo
proposal to its vote; the audit chain verifies afterwards."""
from sqlalchemy import select

from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.extensions import db
from app.issues.demo import seed_issues
from app.meetings import decisions, minutes, queries, services, tasks
from app.meetings.demo import seed_meetings
from app.proposals.demo import seed_proposals


def test_demo_meetings(app):
    with app.test_request_context():
        result = seed_demo()
        proposals = seed_proposals(result.compound)
        seed_issues(result.compound)
        past, upcoming = seed_meetings(result.compound)
        db.session.commit()
        row = minutes.minutes_of(past)
        revisions = minutes.revisions_of(row)
        assert row.status == "published" and row.audit_head
        assert [r.kind for r in revisions] == ["draft", "draft", "correction"]
        assert revisions[-1].reason and row.current_revision_id == revisions[-1].id
        assert services.quorum(past)["met"] is True
        assert [a.kind for a in past.agenda] == ["issue", "proposal", "free"]
        assert minutes.minutes_of(upcoming) is None and len(upcoming.agenda) >= 3
        assert tasks.upcoming_meetings(result.compound) == [upcoming]
        assert len(tasks.open_tasks(result.compound)) == 2
        # Every demo proposal went to its vote from a held council meeting that decided so.
        deciding = [queries.vote_decision_for(p, p.notice_published_at) for p in proposals
                    if p.notice_published_at]  # not the one still in consultation
        assert all(d.ok for d in deciding)
        held = db.session.scalars(select(type(past)).order_by(type(past).id)).all()
        assert held[-2:] == [past, upcoming]  # no other meeting besides the deciding ones
        assert sorted(held[:-2], key=lambda m: m.id) == sorted(
            {d.meeting for d in deciding}, key=lambda m: m.id)
        taken = decisions.decisions_of(past)
        assert {i.kind: taken[i.id].outcome for i in past.agenda if i.id in taken} == {
            "issue": "decided", "proposal": "deferred"}
        assert verify().ok
