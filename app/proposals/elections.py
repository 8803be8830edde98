"""Elections of the owners' committee (业委会选举/补选, 民法典 第二百七十八条 matter 3): who may be
nominated and by whom, the party cell's review of each candidate, and the candidate list that
the voting notice publishes. Counting is the pure app.proposals.election_tally.

Rules:
- Candidates are verified owners of the compound. They are nominated by owners, jointly by as
  many owners as the compound's rules say (1: an owner may nominate themselves, 自荐), or by
  the preparatory group (筹备组: the party cell or community staff).
- The party cell reviews each candidate and records a written opinion (党组织审议); no one
  reviews their own candidacy.
- Nominations close when the notice is published: the approved candidates get their places on
  the ballot then, and the list cannot change after (only matters in the notice are voted on).
- A ballot marks at most as many candidates as there are seats; marking none is a valid ballot.
"""
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, case, exists, func, select
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.audit.services import record
from app.compounds.access import has_role, primary_role, roles_in
from app.compounds.models import Building, Compound, Residency, RoleGrant, Unit
from app.compounds.roles import PARTY
from app.core.db import insert_unless_exists, refused_if_taken
from app.core.errors import NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.phones import normalize_mobile
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.extensions import db
from app.proposals.election_tally import INVALID
from app.proposals.lifecycle import proposal_compound
from app.proposals.models import Proposal
from app.proposals.models_election import MAX_CANDIDATES, ElectionCandidate, NominationSupport

# Nominations are taken while the proposal is open to the compound and not yet announced.
NOMINATING = ("consultation", "review", "deliberation")
PREPARATORY_GROUP = ("party_cell", "staff")
NONE = "none"
STATEMENT_MAX = 2000


def is_election(proposal) -> bool:
    return getattr(proposal, "seats", None) is not None


def candidate_key(position: int) -> str:
    """How the tally and the export name the candidate at `position` on the ballot."""
    return f"c{position}"


def election_choice(positions: Iterable[int]) -> str:
    """How a ballot stores its marks: "none" for an empty ballot, else "c1+c3" (ascending)."""
    marks = sorted(set(positions))
    return "+".join(candidate_key(p) for p in marks) if marks else NONE


def parse_choice(choice: str) -> frozenset[str] | str:
    """The stored choice as the tally takes it: a set of candidate keys, or INVALID."""
    if choice == INVALID:
        return INVALID
    if choice == NONE:
        return frozenset()
    return frozenset(choice.split("+"))


def counts_toward(choice: str) -> list[str]:
    """The secret totals an election ballot adds to: each candidate it marks, or "invalid"."""
    marks = parse_choice(choice)
    return [INVALID] if marks == INVALID else sorted(marks)


def marked_positions(choice: str) -> list[int] | None:
    """The ballot places an election choice marks, or None if it is not one we write."""
    if choice == NONE:
        return []
    positions = []
    for key in choice.split("+"):
        if not key.startswith("c") or not key[1:].isdigit() or key != candidate_key(int(key[1:])):
            return None
        positions.append(int(key[1:]))
    return positions if positions == sorted(set(positions)) else None


def check_marks(choice: str, seats: int, positions_on_ballot: set[int], *,
                paper: bool) -> None:
    """Refuse a ballot that is not a set of listed candidates within the seats. A paper ballot
    that marks too many is entered as INVALID by the caller (it still participates)."""
    if choice == INVALID and paper:
        return
    marks = marked_positions(choice)
    if marks is None or not set(marks) <= positions_on_ballot:
        raise ServiceError(_l("请只勾选名单上的候选人。"), field="choice")
    if len(marks) > seats:
        raise ServiceError(_l("最多只能选 %(seats)s 人。", seats=seats), field="choice")


def paper_choice(positions: list[int], seats: int) -> str:
    """What a paper ballot with these marks counts as: more marks than seats is invalid for
    the election but is still a ballot cast (participation)."""
    return INVALID if len(set(positions)) > seats else election_choice(positions)


# ---- nominations ----

def _owner_units(user_id: int, compound_id: int) -> list[str]:
    """The unit numbers (楼栋-单元-房号) this person is a verified owner of here."""
    rows = db.session.execute(
        select(Building.name, Unit.entrance, Unit.room)
        .join(Unit, Unit.building_id == Building.id)
        .join(Residency, Residency.unit_id == Unit.id).where(
            Residency.user_id == user_id, Residency.compound_id == compound_id,
            Residency.relation == "owner", Residency.revoked_at.is_(None))
        .order_by(Building.name, Unit.entrance, Unit.room))
    return [f"{b}-{e}-{r}" for b, e, r in rows]


# PostgreSQL: nominations and reviews share-lock the proposal row, and the notice takes it for
# update before it reads the list, so a review committed while the notice is being published
# is either on the list or refused, never approved and left off.
_STATE_FOR_SHARE = select(Proposal.state).where(
    Proposal.id == bindparam("id")).with_for_update(read=True)


def _require_nominating(proposal: Proposal) -> Compound:
    if not is_election(proposal):
        raise NotFound(_l("这个议案不是业委会选举。"))
    state = proposal.state
    if db.session.get_bind().dialect.name == "postgresql":
        state = db.session.execute(_STATE_FOR_SHARE, {"id": proposal.id}).scalar_one()
    if state not in NOMINATING:
        raise ServiceError(_l("现在不在候选人推荐期：推荐在表决公告发布前进行。"), status=409)
    return proposal_compound(proposal)


def find_owner(compound: Compound, mobile: str) -> User:
    """The verified owner with this mobile, for staff nominating on someone's behalf."""
    user = db.session.scalar(select(User).where(User.mobile == normalize_mobile(mobile or "")))
    if user is None or not _owner_units(user.id, compound.id):
        raise NotFound(_l("没有找到这个手机号对应的本小区已认证业主。"), field="mobile")
    return user


def nominate(actor, proposal: Proposal, candidate: User, *, statement: str = "",
             as_group: bool = False, now: datetime | None = None) -> ElectionCandidate:
    """Nominate `candidate` (a verified owner) in this election, as an owner (the nomination's
    first supporter) or as the preparatory group (筹备组: party cell or staff)."""
    now = now or utcnow()
    compound = _require_nominating(proposal)
    if as_group and not has_role(actor, compound, *PREPARATORY_GROUP):
        raise PermissionDenied(_l("只有筹备组（小区党支部或社区工作人员）可以以筹备组名义推荐。"))
    if not as_group and not _owner_units(actor.id, compound.id):
        raise PermissionDenied(_l("只有本小区已认证的业主可以推荐候选人。"))
    units = _owner_units(candidate.id, compound.id)
    if not units:
        raise ServiceError(_l("候选人须是本小区已认证的业主。"), field="mobile")
    text = clean_text(statement, STATEMENT_MAX) if candidate.id == actor.id else ""
    row = ElectionCandidate(proposal_id=proposal.id, user_id=candidate.id,
                            unit_label=" ".join(units),
                            nominated_by="preparatory_group" if as_group else "owners",
                            nominated_by_id=actor.id, statement=text, created_at=now)
    with refused_if_taken(_l("这位业主已经被推荐为本次选举的候选人。"), field="mobile"):
        db.session.add(row)
    also = []
    if not as_group:
        also.append(NominationSupport(candidate_id=row.id, user_id=actor.id, created_at=now))
        db.session.add_all(also)
    record(actor, compound, "election.nominate", row,
           {"proposal": proposal.id, "by": row.nominated_by}, also=also,
           actor_role=primary_role(actor, compound))
    return row


def support(actor, candidate: ElectionCandidate, now: datetime | None = None) -> bool:
    """An owner joins the nomination (联名推荐). False if they already had."""
    proposal = db.session.get(Proposal, candidate.proposal_id)
    compound = _require_nominating(proposal)
    if candidate.nominated_by != "owners" or candidate.withdrawn_at is not None:
        raise ServiceError(_l("这项推荐不需要业主联名。"), status=409)
    if not _owner_units(actor.id, compound.id):
        raise PermissionDenied(_l("只有本小区已认证的业主可以联名推荐。"))
    values = {"candidate_id": candidate.id, "user_id": actor.id, "created_at": now or utcnow()}
    new_id = insert_unless_exists(NominationSupport, values, ["candidate_id", "user_id"])
    if new_id is None:
        return False
    record(actor, compound, "election.support", NominationSupport(id=new_id, **values),
           {"proposal": proposal.id, "candidate": candidate.id},
           actor_role=primary_role(actor, compound))
    return True


def edit_statement(actor, candidate: ElectionCandidate, statement: str,
                   shows_party_membership: bool) -> ElectionCandidate:
    """The candidate writes their own statement (个人简介和履职承诺) and chooses whether the
    list shows their party membership (党员亮身份, only if confirmed)."""
    proposal = db.session.get(Proposal, candidate.proposal_id)
    compound = _require_nominating(proposal)
    if actor.id != candidate.user_id:
        raise PermissionDenied(_l("只有候选人本人可以填写自我介绍。"))
    if shows_party_membership and PARTY not in roles_in(actor, compound):
        raise ServiceError(_l("您的党员身份尚未经党支部确认，不能在名单上显示。"),
                           field="shows_party_membership")
    candidate.statement = clean_text(statement, STATEMENT_MAX)
    candidate.shows_party_membership = bool(shows_party_membership)
    record(actor, compound, "election.statement", candidate, {"proposal": proposal.id},
           actor_role="owner")
    return candidate


def withdraw(actor, candidate: ElectionCandidate, now: datetime | None = None):
    """A candidate may withdraw before the list is published."""
    proposal = db.session.get(Proposal, candidate.proposal_id)
    compound = _require_nominating(proposal)
    if actor.id != candidate.user_id:
        raise PermissionDenied(_l("只有候选人本人可以退出。"))
    if candidate.withdrawn_at is not None:
        raise ServiceError(_l("您已经退出本次选举。"), status=409)
    candidate.withdrawn_at = now or utcnow()
    record(actor, compound, "election.withdraw", candidate, {"proposal": proposal.id},
           actor_role="owner")


def review(actor, candidate: ElectionCandidate, verdict: str, opinion: str,
           now: datetime | None = None) -> ElectionCandidate:
    """党组织审议 of one candidate, with a written opinion. Approval checks again that the
    candidate is a verified owner and has enough supporters; a review may be revised until the
    notice is published."""
    proposal = db.session.get(Proposal, candidate.proposal_id)
    compound = _require_nominating(proposal)
    if not has_role(actor, compound, "party_cell"):
        raise PermissionDenied(_l("候选人须由小区党支部审议。"))
    if actor.id == candidate.user_id:
        raise PermissionDenied(_l("不能审议自己的候选资格，请党支部其他成员审议。"))
    if verdict not in ("approved", "rejected"):
        raise ServiceError(_l("请选择审议结论。"), field="verdict")
    opinion = clean_text(opinion, 2000)
    if not opinion:
        raise ServiceError(_l("请填写审议意见。"), field="opinion")
    if candidate.withdrawn_at is not None:
        raise ServiceError(_l("候选人已经退出。"), status=409)
    if verdict == "approved":
        if not _owner_units(candidate.user_id, compound.id):
            raise ServiceError(_l("候选人已不是本小区已认证的业主，不能通过。"), status=409)
        needed = compound.candidate_nominators
        if candidate.nominated_by == "owners" and supporters(candidate) < needed:
            raise ServiceError(_l("联名推荐的业主不足 %(n)s 人，还不能通过。", n=needed),
                               status=409)
    candidate.review_verdict, candidate.review_opinion = verdict, opinion
    candidate.reviewed_by_id, candidate.reviewed_at = actor.id, now or utcnow()
    record(actor, compound, "election.review", candidate,
           {"proposal": proposal.id, "verdict": verdict}, actor_role="party_cell")
    return candidate


def supporters(candidate: ElectionCandidate) -> int:
    return db.session.scalar(select(func.count(NominationSupport.id)).where(
        NominationSupport.candidate_id == candidate.id)) or 0


def get_candidate(proposal: Proposal, candidate_id: int) -> ElectionCandidate:
    row = db.session.get(ElectionCandidate, candidate_id)
    if row is None or row.proposal_id != proposal.id:
        raise NotFound(_l("没有这位候选人。"))
    return row


def publish_list(proposal: Proposal) -> list[ElectionCandidate]:
    """At the notice: approved candidates, in order of nomination, take their places on the
    ballot. Returns them (for the notice's audit entry); refuses an election with none."""
    rows = list(db.session.scalars(select(ElectionCandidate).where(
        ElectionCandidate.proposal_id == proposal.id,
        ElectionCandidate.review_verdict == "approved",
        ElectionCandidate.withdrawn_at.is_(None)).order_by(ElectionCandidate.id)))
    if not rows:
        raise ServiceError(_l("还没有经党支部审议通过的候选人，不能发布选举公告。"),
                           field="opinion")
    if len(rows) > MAX_CANDIDATES:
        raise ServiceError(_l("候选人不能超过 %(n)s 名。", n=MAX_CANDIDATES), field="opinion")
    for position, row in enumerate(rows, start=1):
        row.position = position
    db.session.flush()
    return rows


# ---- what the pages read ----

class CandidateRow:
    """A candidate as the list shows them: no phone, the unit numbers, the review."""

    __slots__ = ("row", "name", "supporters", "is_party_member", "reviewer")

    def __init__(self, row, name, supporters, is_party_member, reviewer):
        self.row, self.name, self.supporters = row, name, supporters
        self.is_party_member, self.reviewer = is_party_member, reviewer


def candidate_rows(proposal: Proposal) -> list[CandidateRow]:
    """Every nomination of the election in one statement: published ones in ballot order,
    then the others in order of nomination."""
    reviewer = aliased(User)
    support_count = (select(func.count(NominationSupport.id))
                     .where(NominationSupport.candidate_id == ElectionCandidate.id)
                     .scalar_subquery())
    party = exists().where(RoleGrant.user_id == ElectionCandidate.user_id,
                           RoleGrant.compound_id == proposal.compound_id,
                           RoleGrant.role == PARTY, RoleGrant.revoked_at.is_(None))
    rows = db.session.execute(
        select(ElectionCandidate, User.display_name, support_count, party,
               reviewer.display_name)
        .join(User, User.id == ElectionCandidate.user_id)
        .outerjoin(reviewer, reviewer.id == ElectionCandidate.reviewed_by_id)
        .where(ElectionCandidate.proposal_id == proposal.id)
        .order_by(case((ElectionCandidate.position.is_(None), 1), else_=0),
                  ElectionCandidate.position, ElectionCandidate.id))
    return [CandidateRow(*row) for row in rows]


def supported_by(proposal: Proposal, user) -> set[int]:
    """The candidates whose nomination this person has joined."""
    return set(db.session.scalars(
        select(NominationSupport.candidate_id)
        .join(ElectionCandidate, ElectionCandidate.id == NominationSupport.candidate_id)
        .where(ElectionCandidate.proposal_id == proposal.id,
               NominationSupport.user_id == user.id)))
