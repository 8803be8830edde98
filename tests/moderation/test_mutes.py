"""Muting: a muted member cannot post issues, comments, replies or edits in that compound
until the end (told when it ends), the mute expires by itself or is lifted early."""
from datetime import timedelta

import pytest

from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.time import china_time, utcnow
from app.extensions import db
from app.issues import comments
from app.issues import services as issue_services
from app.issues.models import Comment, Issue
from app.moderation import mutes
from app.moderation.models import ModerationAction, Mute
from tests.factories import make_resident, make_unit
from tests.moderation.helpers import ModerationWorld, audit_actions, count, notes_of, snapshot


@pytest.fixture
def w(app):
    return ModerationWorld()


def posting_calls(w, who):
    return {
        "issue": lambda: issue_services.post_issue(who, w.compound, title="新议题", body="",
                                                   category="其他"),
        "comment": lambda: comments.post_comment(who, w.topic, "又来了"),
        "reply": lambda: comments.post_comment(who, w.topic, "回复", parent=w.rude),
        "edit": lambda: comments.edit_comment(who, w.rude, "改成别的话"),
    }


def test_a_muted_member_cannot_post_anything_until_the_end(app, w):
    row = mutes.mute(w.party, w.compound, w.owners[1], 3, "多次人身攻击")
    db.session.commit()
    assert row.until_at - row.created_at == timedelta(days=3)
    assert audit_actions() == ["moderation.mute"]
    action = db.session.query(ModerationAction).one()
    assert (action.action, action.target_type, action.actor_role) == (
        "mute", "member", "party_cell")
    assert any("禁言 3 天" in m for m in notes_of(w.owners[1]))
    before = (count(Issue), count(Comment), w.rude.body_source)
    for name, call in posting_calls(w, w.owners[1]).items():
        with pytest.raises(PermissionDenied) as caught:
            call()
        db.session.rollback()
        assert china_time(row.until_at) in str(caught.value.message), name
    assert (count(Issue), count(Comment), db.session.get(Comment, w.rude.id).body_source) == \
        before
    # Only in this compound: elsewhere they post as before.
    make_resident(w.owners[1], make_unit(w.other, building="9"), "owner")
    db.session.commit()
    issue_services.post_issue(w.owners[1], w.other, title="别处", body="", category="其他")
    # And others here are not affected.
    comments.post_comment(w.owners[2], w.topic, "我没被禁言")
    db.session.commit()


def test_a_mute_expires_by_itself_and_can_then_be_given_again(app, w):
    mutes.mute(w.party, w.compound, w.owners[1], 1, "骂人")
    db.session.commit()
    app.config["CLOCK_OFFSET_SECONDS"] = int(timedelta(days=1, minutes=1).total_seconds())
    for call in posting_calls(w, w.owners[1]).values():
        call()
    db.session.commit()
    again = mutes.mute(w.staff, w.compound, w.owners[1], 7, "再次骂人")
    db.session.commit()
    rows = db.session.query(Mute).order_by(Mute.id).all()
    assert rows[0].closed_at == rows[0].until_at and rows[0].lifted_by_id is None
    assert rows[1].id == again.id and rows[1].closed_at is None
    with pytest.raises(PermissionDenied):
        comments.post_comment(w.owners[1], w.topic, "还想说")
    db.session.rollback()
    assert verify().ok


@pytest.mark.parametrize("case", ["already", "moderator", "self", "outsider", "days", "empty",
                                  "not_moderator"])
def test_mute_refusals_change_nothing(w, case):
    if case == "already":
        mutes.mute(w.party, w.compound, w.owners[1], 7, "骂人")
        db.session.commit()
    actor, member, days, reason = w.party, w.owners[1], 3, "理由"
    member = {"moderator": w.staff, "self": w.party, "outsider": w.outsider}.get(case, member)
    days = 2 if case == "days" else days
    reason = "" if case == "empty" else reason
    actor = w.council if case == "not_moderator" else actor
    before = snapshot()
    with pytest.raises(ServiceError) as caught:
        mutes.mute(actor, w.compound, member, days, reason)
    db.session.rollback()
    assert snapshot() == before
    assert caught.value.message
    if case == "already":
        assert isinstance(caught.value, Conflict) and "正在禁言中" in str(caught.value.message)
    if case in ("moderator", "self", "not_moderator"):
        assert isinstance(caught.value, PermissionDenied)


def test_lifting_early(w):
    row = mutes.mute(w.party, w.compound, w.owners[1], 30, "骂人")
    db.session.commit()
    before = snapshot()
    for actor, reason in ((w.owners[2], "我觉得可以"), (w.party, "")):
        with pytest.raises(ServiceError):
            mutes.unmute(actor, w.compound, row, reason)
        db.session.rollback()
    assert snapshot() == before
    mutes.unmute(w.staff, w.compound, row, "已当面道歉")
    db.session.commit()
    assert row.closed_at is not None and row.lifted_by_id == w.staff.id
    assert row.lift_reason == "已当面道歉"
    comments.post_comment(w.owners[1], w.topic, "对不起")
    db.session.commit()
    with pytest.raises(Conflict):
        mutes.unmute(w.party, w.compound, row, "再解一次")
    db.session.rollback()
    assert audit_actions() == ["moderation.mute", "moderation.unmute"]
    assert mutes.current_mutes(w.compound) == []
    assert row.until_at > utcnow()


def test_a_grid_worker_cannot_file_for_a_muted_resident(w):
    mutes.mute(w.party, w.compound, w.owners[1], 7, "骂人")
    db.session.commit()
    before = count(Issue)
    with pytest.raises(PermissionDenied, match="这位居民已被党支部禁言至"):
        issue_services.post_issue(w.grid, w.compound, title="代报", body="", category="其他",
                                  on_behalf_of=w.owners[1])
    db.session.rollback()
    assert count(Issue) == before
    issue_services.post_issue(w.grid, w.compound, title="代报", body="", category="其他",
                              on_behalf_of=w.owners[2])
    db.session.commit()
