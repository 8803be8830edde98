"""Where one person stands on each vote: still to vote (by when), voted (when), or outside the
electorate (and why, from the data: a tenant on an owners' decision, a co-owned unit voted by
the designated co-owner, staff...). Pages show it wherever a vote appears, so that nobody is
sent to a ballot they have already cast or may not cast.

standings() works for a whole page of proposals in a fixed number of statements. For a secret
ballot the time comes from SecretParticipation, which is public (who took part); nothing here
touches the choice or the receipt of a secret ballot."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from app.compounds.access import roles_in
from app.compounds.models import Holding, Residency, Unit
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.proposals.ballots import entitled_voter
from app.proposals.labels import COUNCIL_BODY_LABELS
from app.proposals.models import (
    Ballot,
    ElectorateMember,
    ElectorateUnit,
    Proposal,
    ProposalResult,
    ProxyAuthorisation,
    SecretParticipation,
)
from app.proposals.survey_models import SurveyParticipation, SurveyResponse

# States in which the electorate is frozen (voting opened at some point).
VOTED_STATES = ("voting", "objection", "published", "implementation",
                "implementation_published", "closed")
CLOSED_STATES = VOTED_STATES[1:]

REASONS = {
    "co_owner": _l("这一户由指定的共有人代表投票（每户一票）。"),
    "owner_late": _l("投票人名单在投票开始时确定，您的房屋不在名单中；"
                     "如有疑问，请联系社区工作人员。"),
    "not_owner": _l("租户、家庭成员不参加业主共同决定，由业主投票。"),
    "staff_owners": _l("社区工作人员不在业主共同决定的投票人名单中，由业主投票。"),
    "outsider_owners": _l("只有本小区的业主参加业主共同决定。"),
    "council_late": _l("成员名单在投票开始时确定，您当时还不是成员。"),
    "resident_late": _l("征集名单在投票开始时确定，您当时还不是本小区的认证居民。"),
    "staff_consultation": _l("社区工作人员不参加居民意见征集。"),
    "outsider_consultation": _l("只有本小区的认证居民参加意见征集。"),
}


def _scope_reason(scope: str):
    return _l("这项表决只由%(scope)s的业主投票，您的房屋不在其中（或在投票开始后才登记）；"
              "您可以阅读议案、参与讨论。", scope=scope)


def _council_reason(body: str | None):
    return _l("只有%(body)s成员参加这项决议。", body=COUNCIL_BODY_LABELS[body or "council"])


@dataclass(frozen=True)
class Standing:
    """kind: "to_vote" (pending ballots left, until `deadline`), "voted" (at `voted_at`, the
    latest of this person's ballots), "missed" (voting closed, some ballot not cast) or
    "not_voter" (with `reason`)."""

    kind: str
    deadline: datetime | None = None
    voted_at: datetime | None = None
    reason: object = None
    pending: int = 0
    is_open: bool = False
    can_change: bool = False
    is_secret: bool = False


@dataclass
class _Seats:
    """A person's seats in one proposal's electorate; co_owned: they own a unit whose
    household votes through another, designated co-owner."""

    own: set = field(default_factory=set)
    proxied: set = field(default_factory=set)
    co_owned: bool = False
    cast_at: dict = field(default_factory=dict)  # member id -> when its ballot was cast


def standing(proposal: Proposal, user, compound=None) -> Standing | None:
    """This person's standing on one proposal; None before voting opens."""
    return standings([proposal], user, compound).get(proposal.id)


def standings(proposals, user, compound=None) -> dict[int, Standing]:
    """{proposal id: Standing} for the proposals whose vote has opened, in at most three
    statements whatever their number, and the person's roles (cached for the request)."""
    relevant = [p for p in proposals if p.state in VOTED_STATES]
    if not relevant or not getattr(user, "is_authenticated", False):
        return {}
    seats = _seats_for(relevant, user)
    cast_at = {m: at for s in seats.values() for m, at in s.cast_at.items()}
    held = roles_in(user, compound if compound is not None else relevant[0].compound_id)
    return {p.id: _standing_of(p, seats.get(p.id), cast_at, held) for p in relevant}


def _seats_for(proposals, user) -> dict[int, _Seats]:
    """This person's seats in each proposal's electorate: own ones and live authorisations,
    each with when its ballot was cast, in one statement (a UNION ALL of the three ways to
    hold a seat, tagged by `how`)."""
    seats: dict[int, _Seats] = defaultdict(_Seats)
    values = {"persons": [p.id for p in proposals if p.kind != "owners"],
              "owners": [p.id for p in proposals if p.kind == "owners"],
              "proxied": [p.id for p in proposals if p.kind != "council"],
              "user_id": user.id}
    shape = tuple(bool(values[name]) for name in _SEAT_PARTS)
    if not any(shape):
        return seats
    stmt = _SEAT_STATEMENTS.get(shape)
    if stmt is None:
        parts = [build() for build, wanted in zip(_SEAT_PARTS.values(), shape, strict=True)
                 if wanted]
        _SEAT_STATEMENTS[shape] = stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    rows = db.session.execute(stmt, values).all()
    owner_units = defaultdict(list)
    for how, member_id, proposal_id, key, snapshot_mobile, holding_id, holding_mobile, \
            cast_at in rows:
        if how == "owner":
            owner_units[(member_id, proposal_id, key, snapshot_mobile, cast_at)].append(
                (holding_id, holding_mobile))
            continue
        (seats[proposal_id].own if how == "person" else seats[proposal_id].proxied).add(
            member_id)
        _note_cast(seats[proposal_id], member_id, cast_at)
    _owner_seats(owner_units, user, seats)
    return seats


def _person_seat_rows():
    return _seat_columns("person").where(
        ElectorateMember.proposal_id.in_(bindparam("persons", expanding=True)),
        ElectorateMember.user_id == bindparam("user_id"))


def _proxy_seat_rows():
    return (_seat_columns("proxy")
            .join(ProxyAuthorisation, ProxyAuthorisation.member_id == ElectorateMember.id)
            .where(ProxyAuthorisation.proposal_id.in_(bindparam("proxied", expanding=True)),
                   ProxyAuthorisation.proxy_user_id == bindparam("user_id"),
                   ProxyAuthorisation.revoked_at.is_(None)))


def _seat_columns(how: str, *owner_columns):
    """The columns every kind of seat row has; an owner's adds its unit's holding."""
    columns = owner_columns or (cast(null(), String), cast(null(), String),
                                cast(null(), Integer), cast(null(), String))
    names = ("voter_key", "snapshot_mobile", "holding_id", "holding_mobile")
    return select(literal(how, String).label("how"), ElectorateMember.id,
                  ElectorateMember.proposal_id,
                  *(c.label(n) for c, n in zip(columns, names, strict=True)),
                  _cast_at().label("cast_at"))


def _owner_seat_rows():
    """Owner-parties with a unit this person owns, each with all of its units, so that the
    designated voter is found as ballots.may_cast_in_person() finds it."""
    owned_units = select(Residency.unit_id).where(
        Residency.user_id == bindparam("user_id"), Residency.relation == "owner",
        Residency.revoked_at.is_(None))
    mine = select(ElectorateUnit.member_id).where(
        ElectorateUnit.proposal_id.in_(bindparam("owners", expanding=True)),
        ElectorateUnit.unit_id.in_(owned_units))
    return (_seat_columns("owner", ElectorateMember.voter_key,
                          ElectorateMember.designated_mobile, Unit.holding_id,
                          Holding.designated_mobile)
            .join(ElectorateUnit, ElectorateUnit.member_id == ElectorateMember.id)
            .join(Unit, Unit.id == ElectorateUnit.unit_id)
            .outerjoin(Holding, Holding.id == Unit.holding_id)
            .where(ElectorateMember.id.in_(mine)))


# The three ways to hold a seat, by the bind parameter listing their proposals; the union of
# those a page needs is built once (bind parameters `persons`, `owners`, `proxied`, `user_id`).
_SEAT_PARTS = {"persons": _person_seat_rows, "owners": _owner_seat_rows,
               "proxied": _proxy_seat_rows}
_SEAT_STATEMENTS: dict = {}


def _owner_seats(owner_units: dict, user, seats: dict) -> None:
    """An owner-party's seat is this person's when they are its entitled voter; otherwise
    they co-own a household another co-owner votes for."""
    for (member_id, proposal_id, key, snapshot_mobile, cast_at), units in owner_units.items():
        entitled = key.startswith(("h", "unit")) and entitled_voter(
            {u[0] for u in units}, units[0][1], snapshot_mobile) == user.mobile
        if entitled:
            seats[proposal_id].own.add(member_id)
            _note_cast(seats[proposal_id], member_id, cast_at)
        else:
            seats[proposal_id].co_owned = True


def _cast_at():
    """When the member's counting ballot was cast (open: the current ballot; secret: the
    public participation), as a column of the seat queries: no statement of its own."""
    ballot = (select(Ballot.cast_at).where(Ballot.member_id == ElectorateMember.id,
                                           Ballot.superseded_at.is_(None))
              .order_by(Ballot.id.desc()).limit(1).correlate(ElectorateMember)
              .scalar_subquery())
    secret = (select(SecretParticipation.cast_at)
              .where(SecretParticipation.member_id == ElectorateMember.id)
              .limit(1).correlate(ElectorateMember).scalar_subquery())
    # A survey is answered instead of a ballot (named: the response; anonymous: the public
    # participation).
    answered = [select(model.answered_at).where(model.member_id == ElectorateMember.id)
                .limit(1).correlate(ElectorateMember).scalar_subquery()
                for model in (SurveyResponse, SurveyParticipation)]
    return func.coalesce(ballot, secret, *answered, type_=Ballot.cast_at.type)


def _note_cast(seats: _Seats, member_id: int, cast_at: datetime | None) -> None:
    if cast_at is not None:
        seats.cast_at[member_id] = cast_at


def _standing_of(proposal: Proposal, seats: _Seats | None, cast_at: dict,
                 held: frozenset) -> Standing:
    is_open = proposal.state == "voting"
    members = (seats.own | seats.proxied) if seats else set()
    if not members:
        return Standing("not_voter", reason=_reason(proposal, seats, held), is_open=is_open)
    done = [cast_at[m] for m in members if m in cast_at]
    pending = len(members) - len(done)
    common = {"deadline": proposal.voting_closes_at, "voted_at": max(done) if done else None,
              "pending": pending, "is_open": is_open, "is_secret": proposal.is_secret}
    if pending:
        return Standing("to_vote" if is_open else "missed", **common)
    return Standing("voted", can_change=is_open and proposal.allows_changes, **common)


def _reason(proposal: Proposal, seats: _Seats | None, held: frozenset):
    """Why this person has no ballot, from what the data says about them."""
    if proposal.kind == "owners":
        if seats and seats.co_owned:
            return REASONS["co_owner"]
        if "owner" in held:
            return _scope_reason(proposal.scope_label) if proposal.scope_label \
                else REASONS["owner_late"]
        if "resident" in held:
            return REASONS["not_owner"]
        return REASONS["staff_owners" if held & {"staff", "admin"} else "outsider_owners"]
    if proposal.kind == "council":
        if (proposal.council_body or "council") in held:
            return REASONS["council_late"]
        return _council_reason(proposal.council_body)
    if "resident" in held:
        return REASONS["resident_late"]
    return REASONS["staff_consultation" if held & {"staff", "admin"} else
                   "outsider_consultation"]


VERDICTS = {True: _l("通过"), False: _l("未通过"), None: _l("已截止")}


def verdicts(proposals) -> dict[int, object]:
    """{proposal id: 通过 / 未通过 / 已截止} for closed votes, from the stored result (the final
    one if published); one statement. A consultation has no verdict: 已截止."""
    closed = [p.id for p in proposals if p.state in CLOSED_STATES and p.voting_closed_at]
    if not closed:
        return {}
    found: dict[int, tuple[str, object]] = {}
    for proposal_id, stage, result in db.session.execute(
            select(ProposalResult.proposal_id, ProposalResult.stage, ProposalResult.result)
            .where(ProposalResult.proposal_id.in_(closed))):
        if stage == "final" or proposal_id not in found:
            found[proposal_id] = (stage, (result or {}).get("passed"))
    return {pid: VERDICTS[passed if passed in (True, False) else None]
            for pid, (_stage, passed) in found.items()}


def my_open_receipts(proposal: Proposal, user) -> list:
    """The receipts of the open ballots this person may look at: those of the members they
    vote for (their own seat, a live authorisation) and those they cast themselves, superseded
    ones included, newest first. Never used for a secret ballot."""
    if proposal.is_secret or not getattr(user, "is_authenticated", False):
        return []
    mine = standing_members(proposal, user)
    return db.session.execute(
        select(Ballot.receipt, ElectorateMember.units_label, Ballot.channel, Ballot.cast_at,
               Ballot.superseded_at, Ballot.choice)
        .join(ElectorateMember, ElectorateMember.id == Ballot.member_id)
        .where(Ballot.proposal_id == proposal.id,
               or_(Ballot.member_id.in_(mine) if mine else false(),
                   and_(Ballot.cast_by_id == user.id, Ballot.channel.in_(("web", "proxy")))))
        .order_by(Ballot.cast_at.desc(), Ballot.id.desc())).all()


def standing_members(proposal: Proposal, user) -> list[int]:
    """The members this person votes for in `proposal` (own seats and live authorisations)."""
    seats = _seats_for([proposal], user).get(proposal.id)
    return sorted(seats.own | seats.proxied) if seats else []
