"""A secret ballot keeps who voted apart from what was voted, for a database reader too
(DESIGN §3). The reader here knows the true votes and tries every link the storage could
offer — row order (SQLite rowid, PostgreSQL ctid), transaction ids (xmin), ids, receipts,
weights and times — to line the anonymous votes up with the participations."""
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select, text, update

from app.core.errors import ServiceError
from app.core.time import utcnow
from app.extensions import db
from app.proposals import results, services
from app.proposals.ballots import members_for_voter
from app.proposals.models import (
    Proposal,
    SealedVote,
    SecretTotal,
    SecretVote,
)
from tests.factories import make_resident, make_unit, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url, vote_now

pytestmark = pytest.mark.both_databases

VOTERS = 50


def _close(proposal):
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id)
                       .values(voting_closes_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    db.session.expire_all()
    services.close_voting(db.session.get(Proposal, proposal.id))
    db.session.commit()


def _fifty_owners_voting(w, p, rng):
    """50 owners of distinct areas vote; returns member id → (choice, area)."""
    truth = {}
    choices = ["yes"] * 17 + ["no"] * 17 + ["abstain"] * 16
    rng.shuffle(choices)
    for n in range(VOTERS):
        owner = make_user(name=f"业主{n}")
        unit = make_unit(w.compound, building="9", room=f"{1001 + n}",
                         area=f"{60 + n}.{n:02d}", owners=[(owner.display_name, owner.mobile)])
        make_resident(owner, unit, "owner")
        w.owners.append(owner)
    db.session.commit()
    p = open_now(w, p)
    for owner, choice in zip(w.owners[-VOTERS:], choices, strict=True):
        member = members_for_voter(p, owner)[0]
        vote_now(p, owner, choice)
        truth[member.id] = (choice, member.area)
    return p, truth


def _pairing_hits(vote_choices, participant_members, truth) -> int:
    """Pair the i-th vote with the i-th participant and count how often the choice is right.
    A real link gives 50 of 50; a shuffled one about a third."""
    return sum(vote == truth[member][0]
               for vote, member in zip(vote_choices, participant_members, strict=True))


def _reader_orders(backend) -> dict[str, tuple[list, list]]:
    """Every ordering a database reader can put on both tables: (vote choices, member ids)."""
    physical = "ctid" if backend == "postgresql" else "rowid"
    orders = {}
    for name, v_key, p_key in [("physical", physical, physical), ("id", "id", "id"),
                               ("receipt/time", "receipt", "cast_at")]:
        for direction in ("ASC", "DESC"):
            votes = db.session.execute(text(
                f"SELECT choice FROM secret_votes ORDER BY {v_key} {direction}")).scalars().all()  # noqa: S608
            members = db.session.execute(text(
                f"SELECT member_id FROM secret_participations ORDER BY {p_key}")).scalars().all()  # noqa: S608
            orders[f"{name} {direction}"] = (votes, members)
    return orders


def test_a_database_reader_finds_no_link_over_fifty_secret_votes(app, backend):
    rng = random.Random(20261205)
    w = World(n_owners=0)
    p, truth = _fifty_owners_voting(w, w.proposal(matter=7, is_secret=True), rng)

    # While voting is open: the urn holds one sealed row per participant, all of one length,
    # with nothing readable in them; there are no anonymous votes yet.
    sealed = db.session.scalars(select(SealedVote.sealed)).all()
    assert len(sealed) == VOTERS and len({len(s) for s in sealed}) == 1
    assert not any(word in bytes(s) for s in sealed for word in (b'"c":', b"abstain", b"100."))
    assert db.session.scalar(select(func.count(SecretVote.id))) == 0

    _close(p)
    assert db.session.scalar(select(func.count(SealedVote.id))) == 0  # the urn is emptied
    # No weight, time or sequence beside a vote: only a random id, the receipt and the choice.
    assert {c["name"] for c in inspect(db.session.connection()).get_columns("secret_votes")} == {
        "id", "proposal_id", "choice", "receipt"}
    for name, (votes, members) in _reader_orders(backend).items():
        hits = _pairing_hits(votes, members, truth)
        assert hits < 36, f"ordering {name} lines up {hits} of {VOTERS} votes"
    if backend == "postgresql":
        vote_xids = set(db.session.execute(text("SELECT xmin::text FROM secret_votes")).scalars())
        cast_xids = set(db.session.execute(
            text("SELECT xmin::text FROM secret_participations")).scalars())
        assert len(vote_xids) == 1 and not vote_xids & cast_xids  # all written at close

    # The totals are exact: each choice's area is the sum of its voters' frozen areas.
    expected = {}
    for choice, area in truth.values():
        count, total = expected.get(choice, (0, Decimal("0")))
        expected[choice] = (count + 1, total + area)
    stored = {t.choice: (t.count, t.area) for t in db.session.scalars(select(SecretTotal))}
    assert stored == expected
    result = results.compute(p)
    assert result["yes_owners"] == 17 and result["yes_area"] == str(expected["yes"][1])


def test_the_export_and_the_pages_carry_no_weight_beside_a_vote(app, client, login_as):
    w = World(n_owners=4)
    p = open_now(w, w.proposal(is_secret=True))
    tenant = make_user(name="租户")
    make_resident(tenant, w.units[0], "tenant")
    db.session.commit()
    for owner, choice in zip(w.owners, ["yes", "no", "yes", "abstain"], strict=True):
        vote_now(p, owner, choice)
    login_as(tenant)
    # While open: the list of participants, no split, and a receipt does not open the urn.
    page = client.get(url(p)).get_data(as_text=True)
    assert "反对：" not in page and "no_area" not in page
    _close(p)
    doc = client.get(url(p, "export.json")).get_json()
    assert all(set(v) == {"receipt", "choice"} for v in doc["votes"])
    assert doc["totals"]["yes"] == {"votes": 2, "area": "200.00"}
    assert "not_recomputable" in doc


def test_a_secret_ballot_never_shows_its_split_while_open(app):
    w = World(n_owners=2)
    with pytest.raises(ServiceError):
        w.proposal(is_secret=True, shows_split_while_open=True)
    db.session.rollback()
    p = w.proposal(is_secret=True)
    with pytest.raises(Exception):  # the database refuses the combination too
        db.session.execute(update(Proposal).where(Proposal.id == p.id)
                           .values(shows_split_while_open=True))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(ValueError):
        results.running_split(db.session.get(Proposal, p.id))


def test_a_failed_close_loses_no_sealed_vote_and_a_retry_counts_each_once(app):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(is_secret=True))
    for owner, choice in zip(w.owners, ["yes", "no", "yes"], strict=True):
        vote_now(p, owner, choice)
    # A crash in the middle of the close (here: the preliminary result's row is taken, so the
    # insert fails after the urn was opened) rolls everything back: the urn is intact.
    db.session.execute(text("INSERT INTO proposal_results (proposal_id, stage, result, created_at)"
                            " VALUES (:p, 'preliminary', '{}', :t)"), {"p": p.id, "t": utcnow()})
    db.session.commit()
    with pytest.raises(Exception):
        _close(p)
    db.session.rollback()
    assert db.session.scalar(select(func.count(SealedVote.id))) == 3
    assert db.session.scalar(select(func.count(SecretVote.id))) == 0
    db.session.execute(text("DELETE FROM proposal_results WHERE proposal_id = :p"), {"p": p.id})
    db.session.commit()
    _close(p)
    assert {t.choice: t.count for t in db.session.scalars(select(SecretTotal))} == {
        "yes": 2, "no": 1}
    assert db.session.scalar(select(func.count(SecretVote.id))) == 3


def test_an_urn_that_does_not_open_or_does_not_match_is_not_counted(app):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(is_secret=True))
    for owner in w.owners:
        vote_now(p, owner, "yes")
    app.config["BALLOT_SEAL_KEY"] = "11" * 32  # the key was changed while the vote was open
    with pytest.raises(ServiceError, match="密钥"):
        _close(p)
    db.session.rollback()
    app.config.pop("BALLOT_SEAL_KEY")
    # A sealed vote removed behind the app's back: the urn no longer matches the participants.
    db.session.execute(text("DELETE FROM sealed_votes "
                            "WHERE id = (SELECT min(id) FROM sealed_votes)"))
    db.session.commit()
    with pytest.raises(ServiceError, match="不一致"):
        _close(p)
    db.session.rollback()
    assert db.session.get(Proposal, p.id).state == "voting"
    assert db.session.scalar(select(func.count(SealedVote.id))) == 2
