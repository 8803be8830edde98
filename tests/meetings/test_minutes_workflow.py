"""Minutes move through the workflow engine: publishing is conditional on the draft whose
confirmations were counted, so a save that lands in between refuses it and writes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.audit.models import AuditEntry
from app.core.errors import Conflict, PermissionDenied
from app.extensions import db
from app.meetings import minutes
from app.meetings.models import FollowUpTask, Minutes
from tests.meetings.helpers import MeetingWorld


def test_a_save_between_counting_and_publishing_refuses_the_publication(app):
    w = MeetingWorld()
    meeting = w.convene()
    at = w.held(meeting)
    first = minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting, "甲"), now=at)
    minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    row = minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    db.session.commit()
    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    # Another request makes a different draft current; this session has not seen it.
    db.session.execute(update(Minutes).where(Minutes.id == row.id)
                       .values(current_revision_id=first.id)
                       .execution_options(synchronize_session=False))
    with pytest.raises(Conflict) as caught:
        minutes.publish(w.party, w.compound, meeting, now=row.confirm_ends_at
                        + timedelta(seconds=1))
    assert "刚刚被别人保存过" in str(caught.value.message)
    assert row.status == "confirming"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries
    assert db.session.scalar(select(func.count(FollowUpTask.id))) == 0


def test_only_the_recorder_submits_and_only_from_a_draft(app):
    w = MeetingWorld()
    meeting = w.convene()
    at = w.held(meeting)
    minutes.save_draft(w.recorder, w.compound, meeting, w.items(meeting), now=at)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        minutes.submit_for_confirmation(w.party, w.compound, meeting, now=at)
    minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    with pytest.raises(Conflict):
        minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
