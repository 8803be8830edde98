"""Notice services: who publishes, the publicity period, corrections, withdrawal, per-household
reads and acknowledgements, and the audit trail of every change."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.time import utcnow
from app.covenants.household import total_households
from app.extensions import db
from app.notices import queries, reads, services
from app.notices.models import Notice, NoticeAck, NoticeRead, NoticeRevision
from app.notifications.models import Notification
from app.proposals.periods import period_after
from tests.factories import grant, make_unit
from tests.notices.helpers import NoticeWorld


@pytest.fixture
def w(app):
    return NoticeWorld()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


@pytest.mark.parametrize("who", ["staff", "party", "committee"])
def test_publishers_publish(w, who):
    actor = getattr(w, who)
    notice = w.published(actor)
    assert notice.status == "published" and notice.revision_count == 1
    assert queries.phase(notice) == "running"
    rev = db.session.scalars(select(NoticeRevision)).one()
    assert (rev.number, rev.title, rev.body_source) == (1, notice.title, notice.body_source)


@pytest.mark.parametrize("who", ["council", "tenant", "outsider", "outside_staff"])
def test_others_cannot_write_a_notice(w, who):
    before = _actions()
    with pytest.raises(PermissionDenied):
        services.create_draft(getattr(w, who), w.compound, kind="general", title="t", body="b")
    db.session.rollback()
    assert _count(Notice) == 0 and _actions() == before


def test_others_cannot_publish_correct_or_withdraw(w):
    draft = w.draft()
    live = w.published()
    before = _actions()
    for call in (lambda: services.publish(w.owners[0], draft),
                 lambda: services.correct(w.council, live, title="x", body="y", reason="r"),
                 lambda: services.withdraw(w.outsider, live, "理由")):
        with pytest.raises(PermissionDenied):
            call()
        db.session.rollback()
    db.session.expire_all()
    assert draft.status == "draft" and live.status == "published" and live.title == "停水通知"
    assert _actions() == before


def test_default_period_is_seven_days_counted_by_law(w):
    notice = w.published()
    assert notice.starts_at <= utcnow()
    assert notice.ends_at == period_after(notice.starts_at, services.DEFAULT_DAYS).ends_at
    assert notice.ends_at - notice.starts_at >= timedelta(days=7)


def test_period_rules(w):
    now = utcnow()
    with pytest.raises(ServiceError) as exc:
        w.draft(starts_at=now - timedelta(hours=1))
    assert exc.value.field == "starts_at"
    db.session.rollback()
    with pytest.raises(ServiceError) as exc:
        w.draft(starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=1))
    assert exc.value.field == "ends_at"
    db.session.rollback()
    with pytest.raises(ServiceError):
        w.draft(ends_at=now + timedelta(days=500))
    db.session.rollback()
    assert _count(Notice) == 0
    # A start a few minutes ago (the form's minute precision) means now.
    notice = w.draft(starts_at=now - timedelta(minutes=3))
    assert notice.starts_at >= now


def test_draft_whose_start_has_passed_cannot_be_published_as_is(w):
    draft = w.draft(starts_at=utcnow() + timedelta(hours=1))
    with pytest.raises(ServiceError) as exc:
        services.publish(w.staff, draft, now=utcnow() + timedelta(hours=2))
    assert exc.value.field == "starts_at"
    db.session.rollback()
    db.session.expire_all()
    assert draft.status == "draft" and _count(NoticeRevision) == 0


def test_phases_follow_the_clock_without_a_job(w):
    start = utcnow() + timedelta(days=1)
    notice = w.published(starts_at=start, ends_at=start + timedelta(days=3))
    assert queries.phase(notice) == "scheduled"
    assert queries.phase(notice, start + timedelta(hours=1)) == "running"
    assert queries.phase(notice, start + timedelta(days=3)) == "archived"
    assert queries.running_notices(w.compound) == []
    later = queries.running_notices(w.compound, now=start + timedelta(hours=1))
    assert [r.notice.id for r in later] == [notice.id]
    listing = queries.list_notices(w.compound, drafts=False, now=start + timedelta(days=4))
    assert listing.current == [] and [n.id for n in listing.past] == [notice.id]


def test_publication_notifies_members_in_bulk_with_one_audit_entry(w):
    draft = w.draft()
    entries = _count(AuditEntry)
    services.publish(w.staff, draft)
    db.session.commit()
    # 4 owners, a family member, a tenant, party cell, committee, council: the actor (staff,
    # not a member row) is never told of their own act.
    assert _count(Notification) == 9
    assert _count(AuditEntry) == entries + 1
    assert db.session.scalars(select(Notification.link)).first().endswith(f"/notices/{draft.id}")


def test_publishing_twice_is_a_conflict(w):
    notice = w.published()
    with pytest.raises(Conflict):
        services.publish(w.party, notice)
    db.session.rollback()
    assert _count(NoticeRevision) == 1


def test_published_text_changes_only_by_correction_with_reason(w):
    notice = w.published()
    with pytest.raises(Conflict):
        services.update_draft(w.staff, notice, kind="general", title="改了", body="改了")
    db.session.rollback()
    with pytest.raises(ServiceError) as exc:
        services.correct(w.staff, notice, title="停水通知", body="改了", reason="  ")
    assert exc.value.field == "reason"
    db.session.rollback()
    with pytest.raises(ServiceError):
        services.correct(w.staff, notice, title=notice.title, body=notice.body_source,
                         reason="没变")
    db.session.rollback()
    db.session.expire_all()
    assert notice.body_source.startswith("12月1日") and _count(NoticeRevision) == 1
    services.correct(w.party, notice, title="停水通知（更正）", body="12月2日停水。",
                     reason="日期写错")
    db.session.commit()
    revs = queries.revisions(notice)
    assert [(r.number, r.reason) for r in revs] == [(1, ""), (2, "日期写错")]
    assert revs[0].body_source.startswith("12月1日")  # the earlier text is kept
    assert notice.title == "停水通知（更正）" and notice.revision_count == 2


@pytest.mark.both_databases
def test_revision_numbers_are_unique_in_the_database(w):
    notice = w.published()
    db.session.add(NoticeRevision(notice_id=notice.id, number=1, title="x", body_source="x",
                                  body_html="x", reason="r", author_id=w.staff.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_withdrawal_needs_a_reason_and_stays_listed(w):
    notice = w.published()
    with pytest.raises(ServiceError):
        services.withdraw(w.staff, notice, "")
    db.session.rollback()
    services.withdraw(w.committee, notice, "日期有变")
    db.session.commit()
    assert notice.status == "withdrawn" and notice.withdrawal_reason == "日期有变"
    listing = queries.list_notices(w.compound, drafts=False)
    assert [n.id for n in listing.past] == [notice.id] and listing.current == []
    assert queries.running_notices(w.compound) == []
    with pytest.raises(Conflict):
        services.withdraw(w.committee, notice, "再撤一次")
    with pytest.raises(Conflict):
        services.correct(w.staff, notice, title="x", body="y", reason="r")
    with pytest.raises(Conflict):
        reads.acknowledge(w.owners[0], notice)
    db.session.rollback()


def test_reads_are_per_household(w):
    notice = w.published()
    for person in (w.owners[0], w.family, w.owners[0], w.owners[1]):
        household = reads.household_of(person, notice)
        reads.record_read(notice, person, household.unit_id)
    db.session.commit()
    assert reads.counts([notice.id]) == {notice.id: (2, 0)}
    assert reads.household_of(w.family, notice).has_read
    assert reads.household_of(w.staff, notice).unit_id is None  # staff are no household
    make_unit(w.compound, building="7")  # a flat nobody has registered for yet
    reach = reads.reach(notice)
    assert (reach.reads, reach.households, reach.registered) == (2, 6, 5)
    assert reach.rate(reach.reads, reach.households) == 33


def test_notices_and_the_covenant_count_the_same_households(w):
    notice = w.published()
    make_unit(w.compound, building="7")
    make_unit(w.compound, building="8", developer=True)  # unsold: no household yet
    db.session.commit()
    reach = reads.reach(notice)
    assert reach.households == total_households(w.compound) == 6


@pytest.mark.both_databases
def test_one_read_per_household_is_a_database_constraint(w):
    notice = w.published()
    db.session.add(NoticeRead(notice_id=notice.id, unit_id=w.units[0].id, user_id=w.owners[0].id))
    db.session.commit()
    db.session.add(NoticeRead(notice_id=notice.id, unit_id=w.units[0].id, user_id=w.family.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(NoticeAck(notice_id=notice.id, unit_id=w.units[1].id,
                             user_id=w.owners[1].id, revision=1))
    db.session.add(NoticeAck(notice_id=notice.id, unit_id=w.units[1].id,
                             user_id=w.owners[1].id, revision=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_reads_are_not_audited(w):
    notice = w.published()
    before = _actions()
    reads.record_read(notice, w.owners[0], w.units[0].id)
    db.session.commit()
    assert _actions() == before and _count(NoticeRead) == 1


def test_acknowledgement_once_per_household_and_audited(w):
    notice = w.published()
    ack = reads.acknowledge(w.owners[0], notice)
    db.session.commit()
    assert ack.unit_id == w.units[0].id and ack.revision == 1
    assert _actions()[-1] == "notice.acknowledge"
    before = _actions()
    with pytest.raises(Conflict):
        reads.acknowledge(w.family, notice)  # same household
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        reads.acknowledge(w.staff, notice)  # not a household here
    db.session.rollback()
    assert _actions() == before
    assert reads.counts([notice.id]) == {notice.id: (1, 1)}  # acknowledging is reading


def test_draft_cannot_be_read_or_acknowledged(w):
    draft = w.draft()
    assert reads.record_read(draft, w.owners[0], w.units[0].id) is False
    with pytest.raises(Conflict):
        reads.acknowledge(w.owners[0], draft)
    db.session.rollback()
    assert _count(NoticeRead) == 0 and _count(NoticeAck) == 0


def test_link_only_to_this_compounds_proposals_with_results(w):
    proposal = w.proposal_with_result()
    notice = w.published(kind="vote_result", proposal_id=proposal.id)
    assert notice.proposal_id == proposal.id
    grant(w.party, w.other, "party_cell")
    foreign = w.proposal_with_result(w.other)
    with pytest.raises(ServiceError) as exc:
        w.draft(proposal_id=foreign.id)
    assert exc.value.field == "proposal"
    db.session.rollback()
    from app.proposals import services as proposal_services
    no_result = proposal_services.create(w.party, w.compound, title="未表决", body="",
                                         kind="consultation", options=["甲", "乙"])
    db.session.commit()
    with pytest.raises(ServiceError):
        w.draft(proposal_id=no_result.id)
    db.session.rollback()
    assert _count(Notice) == 1


def test_every_action_is_in_the_audit_chain(w):
    draft = w.draft(w.party)
    services.update_draft(w.staff, draft, kind="accounts", title="收支公示", body="| a | b |")
    services.publish(w.committee, draft)
    services.correct(w.committee, draft, title="收支公示", body="更正后", reason="金额有误")
    reads.record_read(draft, w.tenant, reads.household_of(w.tenant, draft).unit_id)
    reads.acknowledge(w.owners[1], draft)
    services.withdraw(w.staff, draft, "重新发布")
    db.session.commit()
    assert [a for a in _actions() if a.startswith("notice.")] == [
        "notice.create", "notice.update", "notice.publish", "notice.correct",
        "notice.acknowledge", "notice.withdraw"]
    result = verify()
    assert result.ok, result.problems
