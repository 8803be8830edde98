"""Households voting at once with real racing connections (each its own client, thread and
connection, released together by a barrier): one ballot per household, the unique constraint
decides; and ballots racing the close are either counted or refused, never lost. SQLite file
and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.services import record
from app.audit.verification import verify
from app.core.time import utcnow
from app.extensions import db
from app.microprojects import ideas, rounds
from app.microprojects.models import MicroProject, ProjectBallot, ProjectRound
from tests.factories import make_resident, make_user, own_client, pool_for_threads, run_together
from tests.microprojects.helpers import World

pytestmark = pytest.mark.both_databases

N = 24


@pytest.fixture
def app_overrides():
    return pool_for_threads(16)


def _open_round(app, households=6):
    """A round whose vote is open now, walked there through the services, dated back."""
    w = World(households=households)
    now = utcnow()
    r = w.round(now=now - timedelta(days=30))  # ideas until 20 days ago
    p = w.idea(r, estimate=1_000_000)
    then = now - timedelta(days=19)
    rounds.close_collection(w.staff, r, now=then)
    ideas.review(w.council, p, "shortlist")
    rounds.finish_review(w.council, r, now=then)
    ideas.review(w.party, p, "endorse", "支持")
    rounds.publish_candidates(w.party, r, now=then)
    rounds.open_voting(w.staff, r, now=now)
    db.session.commit()
    return w, r, p


def test_one_household_voting_from_many_phones_at_once_counts_once(app):
    w, r, p = _open_round(app)
    family = [w.owners[0]]
    for i in range(3):
        member = make_user(name=f"家人{i}")
        make_resident(member, w.units[0], "family")
        family.append(member)
    db.session.commit()
    clients = [own_client(app, family[i % len(family)]) for i in range(N)]
    url = f"/c/{w.compound.id}/micro-projects/{r.id}/vote"
    round_id, project_id = r.id, p.id

    def vote(client):
        return client.post(url, data={"projects": [str(project_id)]}).status_code

    statuses = run_together([lambda c=c: vote(c) for c in clients])
    assert statuses.count(302) == 1 and statuses.count(409) == N - 1, statuses
    assert db.session.scalar(select(func.count(ProjectBallot.id))) == 1
    assert db.session.get(ProjectRound, round_id).ballot_count == 1
    assert verify().ok


def test_ballots_racing_the_close_are_counted_or_refused(app):
    w, r, p = _open_round(app, households=10)
    # Ballots are cast before the close's time; the close is pressed as if just after it.
    r.voting_closes_at = utcnow() + timedelta(minutes=5)
    record(None, w.compound, "test.round_closes_soon", r)  # as a service would log it
    db.session.commit()
    round_id, compound_id, project_id = r.id, w.compound.id, p.id
    voters = [own_client(app, owner) for owner in w.owners]
    url = f"/c/{compound_id}/micro-projects/{round_id}"

    def vote(client):
        return client.post(url + "/vote", data={"projects": [str(project_id)]}).status_code

    staff_id = w.staff.id

    def close():
        with app.app_context():
            row = db.session.get(ProjectRound, round_id)
            actor = db.session.get(type(w.staff), staff_id)
            rounds.close_voting(actor, row, now=utcnow() + timedelta(minutes=10))
            db.session.commit()
        return "closed"

    results = run_together([lambda c=c: vote(c) for c in voters] + [close])
    assert results[-1] == "closed"
    accepted = results[:-1].count(302)
    assert accepted + results[:-1].count(409) == len(voters), results
    db.session.expire_all()
    closed = db.session.get(ProjectRound, round_id)
    assert closed.state == "counted"
    ballots = db.session.scalar(select(func.count(ProjectBallot.id)))
    assert ballots == accepted == closed.ballot_count
    assert db.session.get(MicroProject, project_id).votes == ballots
    assert closed.result["rows"][0]["votes"] == ballots
    assert verify().ok
