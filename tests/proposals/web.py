"""Helpers for the HTTP tests of proposals: votes whose window surrounds the real clock (the
pages use the current time), and the URLs of a proposal."""
from datetime import timedelta

from sqlalchemy import update

from app.core.time import utcnow
from app.extensions import db
from app.proposals import ballots, services
from app.proposals.labels import group_receipt as shown  # noqa: F401  (a receipt as pages show it)
from app.proposals.models import Proposal
from app.proposals.periods import earliest_voting_start


def open_now(world, proposal, *, closes_in=timedelta(days=2)):
    """Publish the notice 40 days ago and open voting then; it closes `closes_in` from now
    (negative: the deadline has passed and the next visitor closes it)."""
    published = utcnow() - timedelta(days=40)
    opens = earliest_voting_start(published, 15)
    world.council_decides(proposal, at=published)
    services.publish_notice(world.committee, proposal, opens_at=opens,
                            closes_at=utcnow() + closes_in, opinion="同意付诸表决。",
                            now=published)
    services.open_voting(proposal, now=opens)
    db.session.commit()
    return proposal


def deliberate_over_http(client, login_as, world, proposal):
    """征求意见 → 党组织审议 → 议事会商议 through the pages: the secretary opens the consultation,
    its minimum runs (the opening moved 30 days back), the secretary writes the consultation
    summary, and a party-cell member who did not propose it approves with a written opinion."""
    login_as(world.party)
    assert client.post(url(proposal, "act/open_consultation")).status_code == 302
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(
        consultation_opened_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    assert client.post(url(proposal, "summary"), data={"body": "无异议"}).status_code == 302
    assert client.post(url(proposal, "act/submit_review")).status_code == 302
    login_as(world.party_deputy)
    assert client.post(url(proposal, "act/approve_review"),
                       data={"reason": "同意提交议事会商议。"}).status_code == 302
    db.session.expire_all()


def vote_now(proposal, user, choice="yes"):
    """Cast `user`'s ballot through the service, at a moment inside the window."""
    member = ballots.members_for_voter(proposal, user)[0]
    moment = min(utcnow(), proposal.voting_closes_at - timedelta(seconds=1))
    receipt = ballots.cast_in_person(proposal.id, member.id, user, choice, now=moment)
    db.session.commit()
    return receipt


def url(proposal, tail=""):
    return f"/c/{proposal.compound_id}/proposals/{proposal.id}/{tail}"
