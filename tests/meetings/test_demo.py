"""The demo's meetings: a past council meeting with published, once-corrected minutes and an
upcoming meeting with its agenda; the audit chain verifies afterwards."""
from sqlalchemy import select

from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.extensions import db
from app.issues.demo import seed_issues
from app.meetings import minutes, services, tasks
from app.meetings.demo import seed_meetings
from app.proposals.demo import seed_proposals


def test_demo_meetings(app):
    with app.test_request_context():
        result = seed_demo()
        seed_proposals(result.compound)
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
        assert db.session.scalars(select(type(past))).all() == [past, upcoming]
        assert verify().ok
