"""Helpers for the HTTP tests of proposals: votes whose window surrounds the real clock (the
pages use the current time), and the URLs of a proposal."""
from datetime import timedelta

from app.core.time import utcnow
from app.extensions import db
from app.proposals import ballots, services
from app.proposals.labels import group_receipt as shown  # noqa: F401  (a receipt as pages show it)
from app.proposals.periods import earliest_voting_start


def open_now(world, proposal, *, closes_in=timedelta(days=2)):
    """Publish the notice 40 days ago and open voting then; it closes `closes_in` from now
    (negative: the deadline has passed and the next visitor closes it)."""
    published = utcnow() - timedelta(days=40)
    opens = earliest_voting_start(published, 15)
    world.council_decides(proposal, at=published)
    services.publish_notice(world.committee, proposal, opens_at=opens,
                            closes_at=utcnow() + closes_in, now=published)
    services.open_voting(proposal, now=opens)
    db.session.commit()
    return proposal


def vote_now(proposal, user, choice="yes"):
    """Cast `user`'s ballot through the service, at a moment inside the window."""
    member = ballots.members_for_voter(proposal, user)[0]
    moment = min(utcnow(), proposal.voting_closes_at - timedelta(seconds=1))
    receipt = ballots.cast_in_person(proposal.id, member.id, user, choice, now=moment)
    db.session.commit()
    return receipt


def url(proposal, tail=""):
    return f"/c/{proposal.compound_id}/proposals/{proposal.id}/{tail}"
