"""Important notifications of a vote: it opened for you, and it closes within a day while
you have not voted. Who counts as "you": the people who may cast a ballot of the frozen
electorate (council members and residents in person; for owners' decisions the verified owners
of the electorate's units)."""
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import select

from app.compounds.models import Residency
from app.core.time import cn_time, utcnow
from app.extensions import db
from app.notifications.services import notify
from app.proposals.models import (
    Ballot,
    ElectorateMember,
    ElectorateUnit,
    Proposal,
    SecretParticipation,
)

REMIND_BEFORE = timedelta(hours=24)


def _closes(proposal: Proposal) -> str:
    """12月5日 18:30, China time."""
    return cn_time(proposal.voting_closes_at)


def _vote_path(proposal: Proposal) -> str:
    return f"/c/{proposal.compound_id}/proposals/{proposal.id}/vote"


def voter_user_ids(proposal: Proposal, *, not_voted: bool = False) -> set[int]:
    """The people who may vote on `proposal` in person; with `not_voted`, only those whose
    ballot is still missing."""
    members = select(ElectorateMember.id).where(ElectorateMember.proposal_id == proposal.id)
    if not_voted:
        voted = SecretParticipation if proposal.is_secret else Ballot
        voted_ids = select(voted.member_id).where(voted.proposal_id == proposal.id)
        if voted is Ballot:
            voted_ids = voted_ids.where(Ballot.superseded_at.is_(None))
        members = members.where(ElectorateMember.id.not_in(voted_ids))
    if proposal.kind != "owners":
        return set(db.session.scalars(select(ElectorateMember.user_id).where(
            ElectorateMember.id.in_(members), ElectorateMember.user_id.is_not(None))))
    units = select(ElectorateUnit.unit_id).where(ElectorateUnit.member_id.in_(members))
    return set(db.session.scalars(select(Residency.user_id).where(
        Residency.unit_id.in_(units), Residency.relation == "owner",
        Residency.revoked_at.is_(None))))


def announce_opening(proposal: Proposal) -> int:
    """Voting opened: each voter hears it, as an important notification."""
    return notify(voter_user_ids(proposal), proposal.compound_id, "proposal.vote_open",
                  gettext("“%(title)s”开始投票了，请在 %(when)s 前投票。", title=proposal.title,
                          when=_closes(proposal)),
                  _vote_path(proposal), important=True)


def remind_closing(now=None) -> int:
    """Every vote closing within a day: voters who have not voted are reminded, once each
    (the database keeps the once). Run from cron with `flask proposals close-due`."""
    now = now or utcnow()
    proposals = db.session.scalars(select(Proposal).where(
        Proposal.state == "voting", Proposal.voting_closes_at > now,
        Proposal.voting_closes_at <= now + REMIND_BEFORE)).all()
    sent = 0
    for proposal in proposals:
        sent += notify(voter_user_ids(proposal, not_voted=True), proposal.compound_id,
                       "proposal.closing_soon",
                       gettext("“%(title)s”将于 %(when)s 截止投票，您还没有投票。",
                               title=proposal.title,
                               when=_closes(proposal)),
                       _vote_path(proposal), important=True, once_key=f"closing:{proposal.id}")
    return sent
