"""Elections of the owners' committee through the services: nomination and review, the list
published with the notice, ballots marking up to the seats, paper ballots marking too many, and
the result counted by the one election tally (open and secret)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from app.proposals import ballots, elections, results, services
from app.proposals.models import Ballot, SecretTotal, SecretVote
from app.proposals.models_election import ElectionCandidate
from tests.factories import make_user
from tests.proposals.helpers import World

pytestmark = pytest.mark.both_databases


def _election(world, seats=2, secret=False):
    p = services.create(world.party, world.compound, title="选举第二届业主委员会",
                        body="选举委员", kind="owners", matter=3, seats=seats, is_secret=secret)
    from tests.proposals.helpers import to_deliberation
    to_deliberation(p, world.party, world.party_deputy)
    db.session.commit()
    return p


def _approve(world, p, users):
    rows = []
    for user in users:
        row = elections.nominate(user, p, user, statement=f"{user.display_name}的承诺")
        elections.review(world.party_deputy, row, "approved", "符合候选人条件。")
        rows.append(row)
    db.session.commit()
    return rows


def _member(p, user):
    return ballots.members_for_voter(p, user)[0]


def test_an_election_is_matter_three_with_seats(app):
    world = World()
    with pytest.raises(ServiceError) as exc:
        services.create(world.party, world.compound, title="选举", body="", kind="owners",
                        matter=4, seats=3)
    assert exc.value.field == "seats"
    with pytest.raises(ServiceError):
        services.create(world.party, world.compound, title="选举", body="", kind="owners",
                        matter=3, seats=16)


def test_nomination_checks_owner_and_review_records_opinion(app):
    world = World()
    p = _election(world)
    outsider = make_user(name="非业主")
    with pytest.raises(ServiceError):
        elections.nominate(world.owners[0], p, outsider)
    with pytest.raises(PermissionDenied):
        elections.nominate(outsider, p, world.owners[0])
    elections.nominate(world.owners[0], p, world.owners[0], statement="愿意服务")
    db.session.commit()
    with pytest.raises(Conflict):
        elections.nominate(world.owners[1], p, world.owners[0])
    db.session.rollback()
    row = db.session.scalar(select(ElectionCandidate))
    with pytest.raises(ServiceError) as exc:
        elections.review(world.party_deputy, row, "approved", "  ")
    assert exc.value.field == "opinion"
    elections.review(world.party_deputy, row, "approved", "同意。")
    assert row.review_verdict == "approved" and row.reviewed_by_id == world.party_deputy.id


def test_joint_nomination_needs_the_compound_number_of_owners(app):
    world = World()
    world.compound.candidate_nominators = 3
    p = _election(world)
    row = elections.nominate(world.owners[0], p, world.owners[1])
    assert elections.support(world.owners[2], row) is True
    assert elections.support(world.owners[2], row) is False  # once per owner
    with pytest.raises(ServiceError):
        elections.review(world.party_deputy, row, "approved", "同意。")
    elections.support(world.owners[3], row)
    elections.review(world.party_deputy, row, "approved", "同意。")
    assert row.review_verdict == "approved"


def test_notice_publishes_the_list_and_closes_nominations(app):
    world = World(n_owners=6)
    p = _election(world)
    with pytest.raises(ServiceError):  # no approved candidate yet
        world.to_voting(p)
    db.session.rollback()
    p = db.session.get(type(p), p.id)
    rows = _approve(world, p, world.owners[:3])
    world.to_voting(p)
    assert [r.position for r in rows] == [1, 2, 3]
    with pytest.raises(ServiceError):
        elections.nominate(world.owners[4], p, world.owners[4])


def test_ballots_mark_up_to_the_seats_and_paper_too_many_is_invalid(app):
    world = World(n_owners=6)
    p = _election(world, seats=2)
    _approve(world, p, world.owners[:3])
    during = world.to_voting(p)
    voter = world.owners[0]
    member = _member(p, voter)
    with pytest.raises(ServiceError) as exc:
        ballots.cast_in_person(p.id, member.id, voter, "c1+c2+c3", now=during)
    assert "最多" in str(exc.value.message)
    with pytest.raises(ServiceError):
        ballots.cast_in_person(p.id, member.id, voter, "c4", now=during)
    with pytest.raises(ServiceError):  # invalid is for paper only
        ballots.cast_in_person(p.id, member.id, voter, "invalid", now=during)
    ballots.cast_in_person(p.id, member.id, voter, "c1+c2", now=during)
    ballots.cast_in_person(p.id, _member(p, world.owners[1]).id, world.owners[1], "c1",
                           now=during)
    ballots.cast_in_person(p.id, _member(p, world.owners[2]).id, world.owners[2], "none",
                           now=during)
    ballots.cast(p.id, _member(p, world.owners[3]).id, world.staff,
                 elections.paper_choice([1, 2, 3], 2), channel="paper", paper_ref="P-1",
                 now=during)
    db.session.commit()
    choices = set(db.session.scalars(select(Ballot.choice)))
    assert choices == {"c1+c2", "c1", "none", "invalid"}
    services.close_voting(p, now=p.voting_closes_at)
    result = results.compute(p)
    assert result["kind"] == "election"
    assert result["participating_owners"] == 4 and result["invalid_ballots"] == 1
    assert result["quorum_met"] is True  # 4 of 6 is 2/3
    by_key = {c["candidate"]: c for c in result["candidates"]}
    assert by_key["c1"]["yes_owners"] == 2  # 2 of 4 participants: exactly half, not elected
    assert by_key["c1"]["passed_threshold"] is False
    assert result["elected"] == [] and result["vacant_seats"] == 2
    assert result["names"]["c1"] == world.owners[0].display_name


def test_secret_election_keeps_only_per_candidate_totals(app):
    world = World(n_owners=6)
    p = _election(world, seats=2, secret=True)
    _approve(world, p, world.owners[:3])
    during = world.to_voting(p)
    marks = ["c1+c2", "c1+c2", "c1", "c3", "none"]
    for owner, choice in zip(world.owners, marks, strict=False):
        ballots.cast_in_person(p.id, _member(p, owner).id, owner, choice, now=during)
    db.session.commit()
    services.close_voting(p, now=p.voting_closes_at + timedelta(seconds=1))
    db.session.commit()
    totals = {t.choice: t.count for t in db.session.scalars(select(SecretTotal))}
    assert totals == {"c1": 3, "c2": 2, "c3": 1}  # never one per combination of marks
    assert sorted(db.session.scalars(select(SecretVote.choice))) == sorted(marks)
    result = results.compute(p)
    assert result["elected"] == ["c1"] and result["vacant_seats"] == 1
    assert result["participating_owners"] == 5
    doc = results.export_document(p)
    assert doc["kind"] == "election" and doc["secret"] is True
    from app.proposals.tally_file import compute_document
    recount = compute_document(doc)
    for key in ("elected", "vacant_seats", "participating_area", "quorum_met", "candidates"):
        assert recount[key] == result[key]


def test_a_review_racing_the_notice_is_on_the_list_or_refused(app, backend):
    """PostgreSQL: a review still open while the notice is being published. The notice waits
    for it and lists the candidate it approved; without the row locks the notice would read
    the list before the review committed and leave an approved candidate off the ballot."""
    if backend != "postgresql":
        pytest.skip("SQLite writers never overlap (BEGIN IMMEDIATE)")
    import threading
    import time

    from app.accounts.models import User
    from app.core.db import unit_of_work
    from app.core.time import utcnow
    from app.proposals.models import Proposal
    from tests.factories import run_together
    from tests.proposals.helpers import COUNCIL_OPINION

    world = World(n_owners=3)
    p = _election(world)
    first = elections.nominate(world.owners[0], p, world.owners[0])
    elections.review(world.party_deputy, first, "approved", "同意")
    late = elections.nominate(world.owners[1], p, world.owners[1])
    world.council_decides(p, at=utcnow())
    db.session.commit()
    ids = {"p": p.id, "late": late.id, "reviewer": world.party_deputy.id,
           "committee": world.committee.id}
    reviewed = threading.Event()
    opens = utcnow() + timedelta(days=40)

    def review():
        with app.app_context():
            with unit_of_work():
                row = db.session.get(ElectionCandidate, ids["late"])
                elections.review(db.session.get(User, ids["reviewer"]), row, "approved", "同意")
                reviewed.set()
                time.sleep(1.0)  # the notice starts meanwhile and must wait for this commit
            db.session.remove()

    def publish():
        reviewed.wait(10)
        with app.app_context():
            with unit_of_work():
                services.publish_notice(db.session.get(User, ids["committee"]),
                                        db.session.get(Proposal, ids["p"]), opens_at=opens,
                                        closes_at=opens + timedelta(days=7),
                                        opinion=COUNCIL_OPINION)
            db.session.remove()

    run_together([review, publish])
    db.session.expire_all()
    listed = db.session.scalars(select(ElectionCandidate.position).where(
        ElectionCandidate.proposal_id == ids["p"]).order_by(ElectionCandidate.id)).all()
    assert listed == [1, 2]


def test_a_proxy_marks_an_election_ballot_and_invalid_is_paper_only(app):
    from app.proposals import proxies

    world = World(n_owners=4)
    p = _election(world, seats=2)
    _approve(world, p, world.owners[:3])
    during = world.to_voting(p)
    absent = _member(p, world.owners[3])
    neighbour = make_user(name="邻居")
    proxies.register(world.staff, p, absent, neighbour.mobile, ("proposals/a.pdf", "a" * 64))
    with pytest.raises(ServiceError):
        proxies.cast(p.id, absent.id, neighbour, "invalid", now=during)
    with pytest.raises(ServiceError):
        proxies.cast(p.id, absent.id, neighbour, "c1+c2+c3", now=during)
    receipt = proxies.cast(p.id, absent.id, neighbour, "c2+c3", now=during)
    db.session.commit()
    ballot = db.session.scalar(select(Ballot).where(Ballot.receipt == receipt))
    assert (ballot.choice, ballot.channel) == ("c2+c3", "proxy")
