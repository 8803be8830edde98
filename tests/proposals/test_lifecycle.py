from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from app.proposals import ballots, services
from app.proposals.models import Ballot, ElectorateMember, ProposalEvent, SecretVote
from app.proposals.periods import earliest_voting_start
from tests.factories import make_holding
from tests.proposals.helpers import COUNCIL_OPINION, T0, World

pytestmark = pytest.mark.both_databases


def _member_of(proposal, user):
    return ballots.members_for_voter(proposal, user)[0]


def test_full_owners_decision_walk(app):
    w = World(n_owners=6)
    p = w.proposal(matter=4)
    now = w.to_voting(p)
    assert db.session.scalar(select(func.count()).select_from(ElectorateMember)) == 6
    for user, choice in zip(w.owners, ["yes", "yes", "yes", "no", "abstain"], strict=False):
        receipt = ballots.cast_in_person(p.id, _member_of(p, user).id, user, choice, now=now)
        assert len(receipt) == 20
    db.session.commit()
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    prelim = p.state
    assert prelim == "objection"
    objection = services.lodge_objection(w.owners[5], p, "我没收到通知", now=p.voting_closes_at)
    db.session.commit()
    with pytest.raises(ServiceError):
        services.publish_result(w.staff, p, now=p.objection_ends_at)  # unanswered objection
    db.session.rollback()
    services.answer_objection(w.staff, objection, "公告已于6月2日张贴", now=p.voting_closes_at)
    db.session.commit()
    with pytest.raises(ServiceError):
        services.publish_result(w.staff, p, now=p.objection_ends_at - timedelta(seconds=1))
    db.session.rollback()
    services.publish_result(w.staff, p, now=p.objection_ends_at)
    db.session.commit()
    final = services.final_result(p)
    # 5 of 6 took part (≥ 2/3); 3 of 5 agree by head and area (> 1/2): passed.
    assert final.result["quorum_met"] and final.result["passed"]
    assert final.result["yes_owners"] == 3 and final.result["participating_area"] == "500.00"
    assert final.audit_head
    services.start_implementation(w.committee, p)
    services.transition(w.staff, p, "publish_implementation")
    services.close(w.staff, p)
    db.session.commit()
    events = db.session.scalars(select(ProposalEvent.action).where(
        ProposalEvent.proposal_id == p.id).order_by(ProposalEvent.id)).all()
    assert events == ["open_consultation", "submit_review", "approve_review", "publish_notice",
                      "open_voting", "close_voting", "publish_result", "start_implementation",
                      "publish_implementation", "close"]
    assert verify().ok


def test_notice_must_precede_voting_by_fifteen_days(app):
    w = World()
    p = w.proposal()
    w.council_decides(p)
    earliest = earliest_voting_start(T0, 15)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ServiceError) as err:
        services.publish_notice(w.committee, p, opinion=COUNCIL_OPINION,
                            opens_at=earliest - timedelta(minutes=1),
                                closes_at=earliest + timedelta(days=7), now=T0)
    assert "15" in str(err.value.message)
    db.session.rollback()
    assert p.state == "deliberation"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    services.publish_notice(w.committee, p, opinion=COUNCIL_OPINION,
                            opens_at=earliest,
                            closes_at=earliest + timedelta(days=7), now=T0)
    assert p.state == "notice"


def test_illegal_transitions_are_refused_and_change_nothing(app):
    w = World()
    p = w.proposal()
    with pytest.raises(ServiceError):
        services.transition(w.party, p, "open_consultation")  # already past it
    with pytest.raises(PermissionDenied):
        services.transition(w.owners[0], p, "withdraw", reason="不想要了")
    with pytest.raises(ServiceError):
        services.transition(w.party, p, "withdraw", reason="  ")  # reason required
    with pytest.raises(ServiceError):
        services.open_voting(p, now=T0)  # not noticed yet
    db.session.rollback()
    assert p.state == "deliberation"
    services.transition(w.party, p, "return", reason="请补充维修资金预算")
    services.transition(w.party, p, "revise")
    assert p.state == "draft"


def test_matter_and_ballot_frozen_after_notice(app):
    w = World()
    p = w.proposal()
    w.to_voting(p)
    with pytest.raises(ServiceError):
        services.update_draft(w.party, p, title="换成别的事", body="", kind="owners", matter=5,
                              council_body=None, is_secret=False, allows_changes=False,
                              shows_split_while_open=False, ballot_text="", voting_method="")


def test_one_ballot_per_owner_and_changes_when_allowed(app):
    w = World()
    p = w.proposal()
    now = w.to_voting(p)
    member = _member_of(p, w.owners[0])
    ballots.cast_in_person(p.id, member.id, w.owners[0], "yes", now=now)
    db.session.commit()
    with pytest.raises(Conflict):
        ballots.cast_in_person(p.id, member.id, w.owners[0], "no", now=now)
    db.session.rollback()

    q = w.proposal(allows_changes=True)
    now = w.to_voting(q)
    member = _member_of(q, w.owners[0])
    ballots.cast_in_person(q.id, member.id, w.owners[0], "yes", now=now)
    ballots.cast_in_person(q.id, member.id, w.owners[0], "no", now=now + timedelta(minutes=5))
    db.session.commit()
    rows = db.session.scalars(select(Ballot).where(Ballot.proposal_id == q.id)
                              .order_by(Ballot.id)).all()
    assert [(b.choice, b.superseded_at is None) for b in rows] == [("yes", False), ("no", True)]


def test_no_ballot_outside_the_window(app):
    w = World()
    p = w.proposal()
    now = w.to_voting(p)
    member = _member_of(p, w.owners[0])
    with pytest.raises(ServiceError):
        ballots.cast_in_person(p.id, member.id, w.owners[0], "yes", now=p.voting_closes_at)
    with pytest.raises(ServiceError):
        ballots.cast_in_person(p.id, member.id, w.owners[0], "maybe", now=now)


def test_snapshot_groups_multi_unit_and_developer_and_ignores_later_changes(app):
    w = World(n_owners=2)
    rich = w.owners[0]
    from tests.factories import make_unit
    make_unit(w.compound, room="901", area="50.25", owners=[(rich.display_name, rich.mobile)])
    make_unit(w.compound, room="902", area="70.00", developer=True)
    make_unit(w.compound, room="903", area="80.00", developer=True)
    db.session.commit()
    p = w.proposal()
    w.to_voting(p)
    members = {m.voter_key: m for m in db.session.scalars(
        select(ElectorateMember).where(ElectorateMember.proposal_id == p.id))}
    assert len(members) == 3  # rich (2 units), the other owner, the developer
    assert str(members["developer"].area) == "150.00"
    rich_member = _member_of(p, rich)
    assert str(rich_member.area) == "150.25"
    # The roster changes after voting opened: the frozen weights don't move.
    w.units[0].area = "999.00"
    db.session.commit()
    db.session.refresh(rich_member)
    assert str(rich_member.area) == "150.25"


def test_unit_sold_mid_vote_new_owner_votes_unless_already_cast(app):
    w = World(n_owners=2)
    p = w.proposal()
    now = w.to_voting(p)
    seller, unit = w.owners[1], w.units[1]
    member = _member_of(p, seller)
    from tests.factories import make_resident, make_user
    buyer = make_user(name="新业主")
    unit.holding_id = make_holding(w.compound, [(buyer.display_name, buyer.mobile)]).id
    make_resident(buyer, unit, "owner")
    db.session.commit()
    assert ballots.members_for_voter(p, seller) == []
    assert [m.id for m in ballots.members_for_voter(p, buyer)] == [member.id]
    ballots.cast_in_person(p.id, member.id, buyer, "no", now=now)
    db.session.commit()
    # The first owner's ballot, had it been cast first, would have stood: the index holds one.
    with pytest.raises(Conflict):
        ballots.cast(p.id, member.id, w.staff, "yes", channel="paper", paper_ref="P-1", now=now)


def test_secret_ballot_keeps_voter_apart_from_choice(app):
    w = World(n_owners=3)
    p = w.proposal(is_secret=True)
    now = w.to_voting(p)
    for user, choice in zip(w.owners, ["yes", "yes", "no"], strict=True):
        ballots.cast_in_person(p.id, _member_of(p, user).id, user, choice, now=now)
    db.session.commit()
    cols = set(SecretVote.__table__.columns.keys())
    assert not cols & {"member_id", "cast_by_id", "cast_at", "user_id"}
    services.close_voting(p, now=p.voting_closes_at)
    prelim = p.state
    assert prelim == "objection"
    from app.proposals.results import compute
    result = compute(p)
    assert result["yes_owners"] == 2 and result["no_owners"] == 1 and result["passed"]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ballot.cast"))
    assert all("receipt" not in e.data for e in entries)


def test_council_resolution(app):
    w = World()
    p = w.proposal(kind="council")
    now = w.to_voting(p)
    for member_user, choice in zip(w.council, ["yes", "yes", "yes", "no"], strict=False):
        ballots.cast_in_person(p.id, _member_of(p, member_user).id, member_user, choice, now=now)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        ballots.cast_in_person(p.id, _member_of(p, w.council[0]).id, w.owners[0], "yes", now=now)
    db.session.rollback()
    services.close_voting(p, now=p.voting_closes_at)
    from app.proposals.results import compute
    result = compute(p)
    assert result["kind"] == "council", result
    assert result["passed"], result  # 3 of 5 members agree


def test_secret_votes_are_sealed_into_the_log_at_close(app):
    w = World(n_owners=3)
    p = w.proposal(is_secret=True)
    now = w.to_voting(p)
    for user, choice in zip(w.owners, ["yes", "no", "no"], strict=True):
        ballots.cast_in_person(p.id, _member_of(p, user).id, user, choice, now=now)
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    assert verify().ok
    vote = db.session.scalars(select(SecretVote).where(SecretVote.choice == "no")).first()
    db.session.execute(text("UPDATE secret_votes SET choice = 'yes' WHERE id = :id"),
                       {"id": vote.id})
    db.session.commit()
    result = verify()
    assert not result.ok
    assert any(f"secret_votes where proposal_id={p.id}" in problem
               for problem in result.problems)


def test_one_query_eligibility_agrees_with_the_voter_list(app):
    """may_cast_in_person (the hot path) must say yes exactly for members_for_voter's list."""
    from tests.factories import make_resident, make_unit, make_user
    w = World(n_owners=3)
    spouse = make_user(name="配偶")
    first = w.owners[0]
    shared = make_unit(w.compound, room="801", area="90.00",
                       owners=[(first.display_name, first.mobile),
                               (spouse.display_name, spouse.mobile)])
    make_resident(first, shared, "owner")
    make_resident(spouse, shared, "owner")
    make_unit(w.compound, room="802", area="70.00", developer=True)
    tenant = make_user(name="租户")
    make_resident(tenant, w.units[2], "tenant")
    db.session.commit()
    p = w.proposal()
    w.to_voting(p)
    buyer = make_user(name="买家")
    w.units[1].holding_id = make_holding(w.compound, [(buyer.display_name, buyer.mobile)]).id
    make_resident(buyer, w.units[1], "owner")
    db.session.commit()
    members = db.session.scalars(select(ElectorateMember).where(
        ElectorateMember.proposal_id == p.id)).all()
    people = [*w.owners, spouse, tenant, buyer, w.staff]
    for person in people:
        listed = {m.id for m in ballots.members_for_voter(p, person)}
        for member in members:
            assert ballots.may_cast_in_person(p, member.id, person) == (member.id in listed), \
                (person.display_name, member.voter_key)
    assert {m.voter_key for m in ballots.members_for_voter(p, first)} == {
        f"h{w.units[0].holding_id}", f"h{shared.holding_id}"}
    assert ballots.members_for_voter(p, spouse) == []  # not the designated co-owner
