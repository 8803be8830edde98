"""Conflicting lifecycle moves of one proposal at the same moment (withdraw, return, publish
the notice), each on its own thread, session and connection, released together by a barrier,
each meant for the stage its page showed (议事会商议): exactly one wins, every other is refused
with a 409 and nothing else goes wrong; the audit chain still verifies."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core import workflow
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.time import utcnow
from app.extensions import db
from app.proposals import services
from app.proposals.lifecycle import WORKFLOW
from app.proposals.models import Proposal, ProposalEvent
from app.proposals.periods import CST
from tests.factories import own_client, pool_for_threads, run_together
from tests.proposals.helpers import COUNCIL_OPINION, World
from tests.proposals.web import url

pytestmark = pytest.mark.both_databases

N = 50
TARGETS = {"withdraw": "withdrawn", "return": "returned", "publish_notice": "notice"}


@pytest.fixture
def app_overrides():
    return pool_for_threads(25)


def _counts():
    return (db.session.scalar(select(func.count(ProposalEvent.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def test_fifty_conflicting_moves_at_once_one_wins(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite takes the write lock when a transaction begins (BEGIN IMMEDIATE), "
                    "so its writers never overlap; the race is PostgreSQL's")
    w = World(n_owners=1)
    p = w.proposal()  # in 议事会商议: withdraw, return and publish_notice all start here
    w.council_decides(p, at=utcnow())  # the council met: publish_notice can win too
    proposal_id, before = p.id, _counts()
    opens = utcnow() + timedelta(days=40)
    actors = {"withdraw": w.party.id, "return": w.staff.id, "publish_notice": w.committee.id}
    kinds = [("withdraw", "return", "publish_notice")[i % 3] for i in range(N)]

    def move(kind):
        with app.app_context():
            try:
                with unit_of_work():
                    proposal = db.session.get(Proposal, proposal_id)
                    actor = db.session.get(User, actors[kind])
                    workflow.expect(WORKFLOW, proposal, "deliberation")  # what they saw
                    if kind == "publish_notice":
                        services.publish_notice(actor, proposal, opens_at=opens,
                                                closes_at=opens + timedelta(days=7),
                                                opinion=COUNCIL_OPINION)
                    else:
                        services.transition(actor, proposal, kind, reason="同时操作")
                return kind, 200
            except ServiceError as exc:  # anything else fails the test
                return kind, exc.status
            finally:
                db.session.remove()

    results = run_together([lambda k=k: move(k) for k in kinds])
    winners = [kind for kind, status in results if status == 200]
    assert len(winners) == 1, results
    assert all(status == 409 for _, status in results if status != 200), results
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).state == TARGETS[winners[0]]
    events, entries = _counts()
    assert (events, entries) == (before[0] + 1, before[1] + 1)
    assert verify().ok


def test_conflicting_buttons_over_http_one_wins_none_fails(app):
    w = World(n_owners=1)
    p = w.proposal()
    w.council_decides(p, at=utcnow())
    opens = (utcnow() + timedelta(days=40)).astimezone(CST)
    seen = "deliberation"  # the stage the page showed, sent back with every button
    notice = {"opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
              "closes_at": (opens + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "seen": seen,
              "opinion": COUNCIL_OPINION}
    jobs = []
    for i in range(24):
        if i % 3 == 0:
            jobs.append((own_client(app, w.party), url(p, "act/withdraw"),
                         {"reason": "撤回", "seen": seen}))
        elif i % 3 == 1:
            jobs.append((own_client(app, w.staff), url(p, "act/return"),
                         {"reason": "退回", "seen": seen}))
        else:
            jobs.append((own_client(app, w.committee), url(p, "notice"), notice))
    proposal_id = p.id

    def post(client, path, data):
        return client.post(path, data=data).status_code

    statuses = run_together([lambda j=j: post(*j) for j in jobs])
    assert 500 not in statuses
    assert statuses.count(302) == 1, statuses
    assert set(statuses) == {302, 409}, statuses
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).state in TARGETS.values()
    moved = select(func.count(ProposalEvent.id)).where(
        ProposalEvent.proposal_id == proposal_id, ProposalEvent.to_state.in_(TARGETS.values()))
    assert db.session.scalar(moved) == 1
    assert verify().ok
