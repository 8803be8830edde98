"""`flask audit verify` sees every change that could decide a vote (DESIGN §5): rows of the
tables that decide an outcome must be covered by the log, electorates and urns by a digest
of the whole set, and a legitimate write does not launder a row tampered with before it."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.audit.verification import verify
from app.compounds.models import RoleGrant
from app.compounds.roles import revoke_role
from app.core.errors import ServiceError
from app.core.time import utcnow
from app.extensions import db
from app.proposals import services
from app.proposals.models import ElectorateMember, Proposal, SealedVote
from app.proposals.periods import earliest_voting_start
from tests.proposals.helpers import COUNCIL_OPINION, T0, World
from tests.proposals.web import open_now, vote_now

pytestmark = pytest.mark.both_databases


def _problems() -> list[str]:
    db.session.commit()
    result = verify()
    assert not result.ok
    return result.problems


@pytest.fixture
def voting(app):
    w = World(n_owners=4)
    p = open_now(w, w.proposal(is_secret=False))
    vote_now(p, w.owners[0], "yes")
    assert verify().ok
    return w, p


def test_forged_ballots_in_an_open_vote_are_reported(voting):
    w, p = voting
    members = db.session.scalars(select(ElectorateMember.id).where(
        ElectorateMember.proposal_id == p.id).order_by(ElectorateMember.id)).all()
    for n, member_id in enumerate(members[1:]):
        db.session.execute(text(
            "INSERT INTO ballots (proposal_id, member_id, choice, channel, receipt, cast_at) "
            "VALUES (:p, :m, 'no', 'web', :r, :t)"),
            {"p": p.id, "m": member_id, "r": f"FORGED{n}", "t": utcnow()})
    problems = _problems()
    assert sum("ballots id=" in x and "no audit entry covers" in x for x in problems) == 3


def test_an_electorate_weight_changed_by_hand_is_reported(voting):
    w, p = voting
    db.session.execute(text("UPDATE electorate_members SET area = area * 10 "
                            "WHERE id = (SELECT min(id) FROM electorate_members)"))
    assert any(f"electorate_members where proposal_id={p.id}" in x for x in _problems())


def test_a_role_grant_inserted_by_hand_is_reported(voting):
    w, p = voting
    db.session.execute(text("INSERT INTO role_grants (compound_id, user_id, role, granted_at) "
                            "VALUES (:c, :u, 'council', :t)"),
                       {"c": w.compound.id, "u": w.owners[3].id, "t": utcnow()})
    assert any("role_grants id=" in x and "no audit entry" in x for x in _problems())


def test_a_voting_window_edited_by_hand_is_not_laundered_by_the_next_write(app):
    w = World(n_owners=2)
    p = w.proposal()
    w.council_decides(p)
    opens = earliest_voting_start(T0, 15)
    services.publish_notice(w.committee, p, opinion=COUNCIL_OPINION,
                            opens_at=opens, closes_at=opens + timedelta(days=7),
                            now=T0)
    db.session.commit()
    db.session.execute(text("UPDATE proposals SET voting_closes_at = :t WHERE id = :p"),
                       {"t": opens + timedelta(days=60), "p": p.id})
    db.session.commit()
    db.session.expire_all()
    # The next legitimate write (voting opens) re-records the row, tampered window included.
    services.open_voting(db.session.get(Proposal, p.id), now=opens)
    problems = _problems()
    assert any(f"proposals id={p.id}: content changed outside the log before c{p.compound_id} seq="
               in x
               for x in problems), problems


@pytest.mark.parametrize("tamper", [
    "UPDATE secret_votes SET choice = 'yes' WHERE choice = 'no'",
    "DELETE FROM secret_votes WHERE choice = 'no'",
    "INSERT INTO secret_votes (id, proposal_id, choice, receipt) "
    "SELECT 77, proposal_id, 'yes', 'FORGED' FROM secret_totals LIMIT 1",
    "UPDATE secret_totals SET count = count + 1",
])
def test_secret_votes_and_totals_are_vouched_for_as_a_set(app, tamper):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(is_secret=True))
    for owner, choice in zip(w.owners, ["yes", "no", "no"], strict=True):
        vote_now(p, owner, choice)
    p = db.session.get(Proposal, p.id)
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    assert verify().ok
    db.session.execute(text(tamper))
    assert any(f"where proposal_id={p.id}: rows changed" in x for x in _problems())


def test_legitimate_rewrites_verify(app):
    """A changed ballot (its predecessor superseded), options replaced in a draft and a role
    revoked all leave a chain that verifies."""
    w = World(n_owners=2)
    fields = {"title": "议案", "body": "", "kind": "owners", "matter": 1, "council_body": None,
              "is_secret": False, "allows_changes": False, "shows_split_while_open": False,
              "ballot_text": "", "voting_method": ""}
    draft = services.create(w.party, w.compound, **fields, options=["甲", "乙"])
    services.update_draft(w.party, draft, **fields, options=["丙", "丁", "戊"])
    db.session.commit()
    p = open_now(w, w.proposal(allows_changes=True))
    vote_now(p, w.owners[0], "yes")
    vote_now(p, w.owners[0], "no")
    grant = db.session.scalars(select(RoleGrant).where(RoleGrant.role == "council")).first()
    revoke_role(w.staff, w.compound, grant, "任期届满")
    db.session.commit()
    result = verify()
    assert result.ok, result.problems


@pytest.mark.parametrize(("tamper", "reported"), [
    ("DELETE FROM sealed_votes WHERE id = (SELECT min(id) FROM sealed_votes)", "row is missing"),
    ("INSERT INTO sealed_votes (id, proposal_id, key_id, sealed) "
     "SELECT 77, proposal_id, key_id, sealed FROM sealed_votes LIMIT 1", "no audit entry covers"),
])
def test_the_sealed_urn_is_vouched_for_while_voting_is_open(app, tamper, reported):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(is_secret=True))
    for owner in w.owners:
        vote_now(p, owner, "no")
    assert verify().ok
    db.session.execute(text(tamper))
    assert any("sealed_votes id=" in x and reported in x for x in _problems())


def test_a_copied_sealed_vote_is_not_counted_twice(app):
    """A database writer who knows their own sealed row copies it over a neighbour's: the
    counts still match, but the receipt inside appears twice and the close refuses."""
    w = World(n_owners=2)
    p = open_now(w, w.proposal(is_secret=True))
    for owner, choice in zip(w.owners, ["yes", "no"], strict=True):
        vote_now(p, owner, choice)
    first, second = db.session.scalars(select(SealedVote.id).order_by(SealedVote.id)).all()
    db.session.execute(text("UPDATE sealed_votes SET sealed = (SELECT sealed FROM sealed_votes "
                            "WHERE id = :a) WHERE id = :b"), {"a": first, "b": second})
    db.session.commit()
    p = db.session.get(Proposal, p.id)
    with pytest.raises(ServiceError, match="不一致"):
        services.close_voting(p, now=p.voting_closes_at)
