"""Revisions are append-only (the ORM and the database both refuse a change), every action is
in the audit chain, and `flask audit verify` notices a revision edited behind the log."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db
from app.meetings import minutes
from app.meetings.models import RevisionImmutable
from tests.meetings.helpers import MeetingWorld

pytestmark = pytest.mark.both_databases


@pytest.fixture
def w(app):
    return MeetingWorld()


def _published_revision(w):
    meeting = w.published()
    row = minutes.minutes_of(meeting)
    return meeting, minutes.current_revision(row)


def test_orm_refuses_to_change_or_delete_a_revision(w):
    _meeting, rev = _published_revision(w)
    rev.source = "篡改后的纪要"
    with pytest.raises(RevisionImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(rev)
    with pytest.raises(RevisionImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(type(rev), rev.id).source != "篡改后的纪要"


@pytest.mark.parametrize("sql", [
    "UPDATE meeting_minutes_revisions SET source = 'x', html = 'x' WHERE id = :id",
    "DELETE FROM meeting_minutes_revisions WHERE id = :id",
])
def test_database_refuses_raw_sql_on_a_revision(w, sql):
    _meeting, rev = _published_revision(w)
    before = rev.source
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(sql), {"id": rev.id})
    db.session.rollback()
    assert db.session.scalar(text("SELECT source FROM meeting_minutes_revisions WHERE id = :id"),
                             {"id": rev.id}) == before


def test_every_action_is_audited_and_verify_passes(w):
    meeting = w.published()
    minutes.correct(w.recorder, w.compound, meeting, w.items(meeting, "安装10个"), "记录有误")
    db.session.commit()
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.not_like("test.%")).order_by(AuditEntry.seq)).all()
    assert actions == ["meeting.convene", "meeting.attendance", "minutes.save", "minutes.save",
                       "minutes.submit"] + ["minutes.confirm"] * 5 + ["minutes.publish",
                                                                    "minutes.correct"]
    saves = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(["minutes.save", "minutes.correct"]))).all()
    assert all(e.object_type == "meeting_minutes_revisions" for e in saves)
    result = verify()
    assert result.ok, result.problems


def _edit_behind_the_log(rev_id: int) -> None:
    """What an intruder with database access would do: switch the guard off, edit, commit."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        db.session.execute(text("DROP TRIGGER meeting_minutes_revisions_no_update"))
    db.session.execute(text("UPDATE meeting_minutes_revisions SET source = :s WHERE id = :id"),
                       {"s": "会议决定：不装充电桩", "id": rev_id})
    db.session.commit()


def test_verify_fails_after_a_revision_text_is_edited_in_the_database(w):
    _meeting, rev = _published_revision(w)
    assert verify().ok
    _edit_behind_the_log(rev.id)
    db.session.expire_all()
    result = verify()
    assert not result.ok
    assert any(f"meeting_minutes_revisions id={rev.id}" in p for p in result.problems)
