"""Casting ballots. The database guarantees one current ballot per voter per proposal (a
partial unique index); we never look first and insert after. Casting re-reads the proposal
under a lock inside the same transaction, so no ballot lands after the vote has closed."""
import hashlib
import secrets
from contextlib import nullcontext
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.services import record
from app.compounds.access import is_staff
from app.compounds.models import Compound, Holding, Residency, Unit
from app.core.db import insert_unless_exists, with_loaded
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.ids import parse_id
from app.core.phones import normalize_mobile
from app.core.sanitize import clean_text
from app.core.time import iso_utc, utcnow
from app.extensions import db
from app.notifications.services import follow
from app.proposals import elections, sealing
from app.proposals.models import (
    Ballot,
    ElectorateMember,
    ElectorateUnit,
    Proposal,
    ProposalOption,
    SecretParticipation,
)
from app.proposals.models_election import ElectionCandidate
from app.proposals.survey_models import SurveyQuestion
from app.proposals.tally import ABSTAIN, SIMPLE_CHOICES

ALREADY_VOTED = _l("这一票已经投过了，不能重复投票。")
PAPER_REF_TAKEN = _l("这个纸质票编号已经录入过了，请核对票面编号。")


def option_choice(position: int) -> str:
    """How a ballot stores the choice of option `position` ("opt1", "opt2", ...)."""
    return f"opt{position}"


def choices_of(proposal: Proposal) -> tuple[str, ...]:
    # Pages load the options with the proposal; a caller holding it without them (after a
    # commit) has them read here, once.
    with_loaded(proposal, Proposal.options)
    if proposal.options:
        return tuple(option_choice(o.position) for o in proposal.options) + (ABSTAIN,)
    return SIMPLE_CHOICES


class OpenVote(NamedTuple):
    """What casting needs of a proposal open for voting and of one of its voters."""

    id: int
    compound_id: int
    kind: str
    is_secret: bool
    allows_changes: bool
    member_id: int
    member_area: Decimal


_proposals = Proposal.__table__
_members = ElectorateMember.__table__
_options = ProposalOption.__table__
_questions = SurveyQuestion.__table__
_OPEN_VOTE = (
    select(_proposals.c.id, _proposals.c.compound_id, _proposals.c.kind, _proposals.c.state,
           _proposals.c.voting_opens_at, _proposals.c.voting_closes_at, _proposals.c.is_secret,
           _proposals.c.allows_changes, _proposals.c.seats, _members.c.id.label("member_id"),
           _members.c.area,
           exists().where(_options.c.proposal_id == _proposals.c.id).label("has_options"),
           exists().where(_options.c.proposal_id == _proposals.c.id,
                          _options.c.position == bindparam("position")).label("option_found"),
           exists().where(_questions.c.proposal_id == _proposals.c.id).label("has_survey"))
    .select_from(_proposals.outerjoin(_members, and_(
        _members.c.id == bindparam("member_id"), _members.c.proposal_id == _proposals.c.id)))
    .where(_proposals.c.id == bindparam("proposal_id")))
# PostgreSQL: a shared lock on the proposal row makes the closer wait for ballots under way.
_OPEN_VOTE_LOCKED = _OPEN_VOTE.with_for_update(read=True, of=_proposals)


def _option_position(choice: str) -> int:
    """The position option_choice() wrote into `choice`; -1 for anything not written so
    ("opt01" included: the tally knows only the canonical form)."""
    position = parse_id(choice[3:]) if choice.startswith("opt") else None
    if position is not None and option_choice(position) == choice:
        return position
    return -1


_BALLOT_PLACES = select(ElectionCandidate.position).where(
    ElectionCandidate.proposal_id == bindparam("proposal_id"),
    ElectionCandidate.position.is_not(None))


def open_vote(proposal_id: int, member_id: int, choice: str, now: datetime,
              compound_id: int | None = None, *, paper: bool = False) -> OpenVote:
    """Inside the casting transaction, in one statement: the proposal is open for voting, the
    member is one of its voters and the choice is one of its ballot's. On PostgreSQL the
    proposal row stays share-locked until commit, so no ballot lands after the vote closed
    (SQLite writers hold the database write lock already)."""
    connection = db.session.connection()
    stmt = _OPEN_VOTE_LOCKED if connection.dialect.name == "postgresql" else _OPEN_VOTE
    row = connection.execute(stmt, {"proposal_id": proposal_id, "member_id": member_id,
                                    "position": _option_position(choice)}).first()
    if row is None or compound_id not in (None, row.compound_id):
        raise NotFound(_l("没有这项表决。"))
    if row.state != "voting" or row.voting_opens_at is None or now < row.voting_opens_at:
        raise ServiceError(_l("现在不在投票时间内。"), status=409)
    if now >= row.voting_closes_at:
        raise ServiceError(_l("投票已经截止。"), status=409)
    if row.member_id is None:
        raise PermissionDenied(_l("您不在本次表决的投票人名单中。"))
    if row.has_survey and row.kind == "consultation":
        raise ServiceError(_l("这项征集请填写问卷，不能只投一个选项。"), status=409)
    if row.seats is not None:  # an election: a set of listed candidates within the seats
        places = set(connection.execute(_BALLOT_PLACES, {"proposal_id": proposal_id}).scalars())
        elections.check_marks(choice, row.seats, places, paper=paper)
        valid = True
    elif row.has_options:
        valid = choice == ABSTAIN or row.option_found
    else:
        valid = choice in SIMPLE_CHOICES
    if not valid:
        raise ServiceError(_l("请选择一个有效的选项。"), field="choice")
    return OpenVote(row.id, row.compound_id, row.kind, row.is_secret, row.allows_changes,
                    row.member_id, row.area)


def entitled_voter(current_holdings: set, current_mobile: str | None,
              snapshot_mobile: str | None) -> str | None:
    """If every unit of a frozen member has passed to one holding (a unit sold mid-vote), that
    holding's designated voter votes; otherwise the one designated when voting opened. A ballot
    already cast stands either way: the unique index keeps it."""
    if len(current_holdings) == 1 and None not in current_holdings:
        return current_mobile
    return snapshot_mobile


def entitled_mobile(member: ElectorateMember) -> str | None:
    """Whose phone may cast this owner-party's ballot now."""
    if member.user_id is not None or not member.voter_key.startswith(("h", "unit")):
        return None
    rows = db.session.execute(
        select(Unit.holding_id, Holding.designated_mobile)
        .join(ElectorateUnit, ElectorateUnit.unit_id == Unit.id)
        .outerjoin(Holding, Holding.id == Unit.holding_id)
        .where(ElectorateUnit.member_id == member.id)).all()
    return entitled_voter({r[0] for r in rows}, rows[0][1] if rows else None,
                     member.designated_mobile)


_COUNCIL_SEAT = select(ElectorateMember.id).where(
    ElectorateMember.id == bindparam("member_id"),
    ElectorateMember.proposal_id == bindparam("proposal_id"),
    ElectorateMember.user_id == bindparam("user_id"))
_OWNER_PARTY_UNITS = (
    select(Unit.holding_id, Holding.designated_mobile, Residency.id,
           ElectorateMember.designated_mobile, ElectorateMember.voter_key)
    .select_from(ElectorateUnit)
    .join(ElectorateMember, ElectorateMember.id == ElectorateUnit.member_id)
    .join(Unit, Unit.id == ElectorateUnit.unit_id)
    .outerjoin(Holding, Holding.id == Unit.holding_id)
    .outerjoin(Residency, and_(Residency.unit_id == Unit.id,
                               Residency.user_id == bindparam("user_id"),
                               Residency.relation == "owner",
                               Residency.revoked_at.is_(None)))
    .where(ElectorateUnit.member_id == bindparam("member_id"),
           ElectorateUnit.proposal_id == bindparam("proposal_id")))


def may_cast_in_person(proposal: Proposal | OpenVote, member_id: int, user) -> bool:
    """members_for_voter() for one member, in one query (the ballot hot path)."""
    params = {"member_id": member_id, "proposal_id": proposal.id, "user_id": user.id}
    connection = db.session.connection()
    if proposal.kind != "owners":
        return connection.execute(_COUNCIL_SEAT, params).first() is not None
    rows = connection.execute(_OWNER_PARTY_UNITS, params).all()
    if not rows or not any(r[2] for r in rows) or not rows[0][4].startswith(("h", "unit")):
        return False
    return entitled_voter({r[0] for r in rows}, rows[0][1], rows[0][3]) == user.mobile


def members_for_voter(proposal: Proposal, user) -> list[ElectorateMember]:
    """The electorate members this person may vote for on the web, in person."""
    if proposal.kind != "owners":
        return list(db.session.scalars(select(ElectorateMember).where(
            ElectorateMember.proposal_id == proposal.id, ElectorateMember.user_id == user.id)))
    owned_units = select(Residency.unit_id).where(
        Residency.user_id == user.id, Residency.relation == "owner",
        Residency.revoked_at.is_(None))
    members = db.session.scalars(
        select(ElectorateMember)
        .join(ElectorateUnit, ElectorateUnit.member_id == ElectorateMember.id)
        .where(ElectorateMember.proposal_id == proposal.id,
               ElectorateUnit.unit_id.in_(owned_units)).distinct()).all()
    return [m for m in members if entitled_mobile(m) == user.mobile]


def _receipt(proposal_id: int, member_id: int, choice: str, when: datetime) -> str:
    nonce = secrets.token_hex(16)
    digest = hashlib.sha256(
        f"{proposal_id}|{member_id}|{choice}|{iso_utc(when)}|{nonce}".encode()).hexdigest()
    return digest[:20].upper()


def cast(proposal_id: int, member_id: int, actor, choice: str, *, channel: str = "web",
         now: datetime | None = None, proxy=None, paper_ref: str | None = None,
         scan: tuple[str, str] | None = None, actor_role: str | None = None,
         compound_id: int | None = None) -> str:
    """Cast one ballot for electorate member `member_id`; return its receipt code.

    `actor` is the owner (web), their proxy (proxy) or the staff member entering a paper
    ballot (paper); the caller has checked that the actor may act for this member. With
    `compound_id`, a proposal of another compound is not found."""
    now = now or utcnow()
    vote = open_vote(proposal_id, member_id, choice, now, compound_id, paper=channel == "paper")
    return _store(vote, actor, choice, now, channel=channel, proxy=proxy, paper_ref=paper_ref,
                  scan=scan, actor_role=actor_role)


def _store(vote: OpenVote, actor, choice: str, now: datetime, *, channel: str, proxy=None,
           paper_ref: str | None = None, scan: tuple[str, str] | None = None,
           actor_role: str | None = None) -> str:
    receipt = _receipt(vote.id, vote.member_id, choice, now)
    details = {"proposal": vote.id, "member": vote.member_id, "channel": channel,
               "paper_ref": paper_ref, "proxy": getattr(proxy, "id", None)}
    scan_path, scan_sha = scan if scan else (None, None)
    values = {"proposal_id": vote.id, "member_id": vote.member_id, "channel": channel,
              "cast_by_id": actor.id, "proxy_id": getattr(proxy, "id", None),
              "paper_ref": paper_ref, "scan_path": scan_path, "scan_sha256": scan_sha,
              "cast_at": now}
    # A savepoint only where a constraint other than "one current ballot" may refuse the row
    # (a paper reference already entered, a secret participation): the common web ballot
    # relies on ON CONFLICT alone and costs two round trips less.
    guarded = vote.is_secret or paper_ref is not None
    also_written: list = []  # the sealed vote, or the ballot this one replaces
    try:
        with db.session.begin_nested() if guarded else nullcontext():
            if vote.is_secret:
                written = SecretParticipation(**values)
                db.session.add(written)
                db.session.flush()
                # The choice goes into the urn sealed; it is opened, shuffled and counted
                # only at close (app.proposals.sealing).
                also_written = [sealing.store_sealed(vote.id, choice, vote.member_area, receipt)]
            else:
                if vote.allows_changes:
                    also_written = _supersede(vote, now)
                values.update(choice=choice, receipt=receipt, superseded_at=None)
                ballot_id = insert_unless_exists(Ballot, values, ["proposal_id", "member_id"],
                                                 where=Ballot.superseded_at.is_(None))
                if ballot_id is None:
                    raise Conflict(ALREADY_VOTED)
                # Not added to the session: it only describes the stored row to the audit log.
                written = Ballot(id=ballot_id, **values)
    except IntegrityError as exc:
        if "paper_ref" in str(exc.orig):
            raise Conflict(PAPER_REF_TAKEN, field="paper_ref") from None
        raise Conflict(ALREADY_VOTED) from None
    # The receipt of a secret ballot stays out of the log: it would tie the voter to the vote.
    if not vote.is_secret:
        details["receipt"] = receipt
    if channel == "web":
        follow(actor, vote.compound_id, "proposal", vote.id, audited=False)
    record(actor, vote.compound_id, "ballot.cast", written, details, also=also_written,
           actor_role=actor_role)
    return receipt


_SUPERSEDE = (update(Ballot).where(Ballot.proposal_id == bindparam("p"),
                                   Ballot.member_id == bindparam("m"),
                                   Ballot.superseded_at.is_(None))
              .values(superseded_at=bindparam("now")).returning(*Ballot.__table__.c))


def _supersede(vote: OpenVote, now: datetime) -> list[Ballot]:
    """Mark the member's current ballot as replaced; returns it as the audit log should see
    it (audit.coverage read its state before the write)."""
    rows = db.session.execute(_SUPERSEDE, {"p": vote.id, "m": vote.member_id, "now": now},
                              execution_options={"synchronize_session": False}).mappings().all()
    return [Ballot(**row) for row in rows]


def cast_in_person(proposal_id: int, member_id: int, voter, choice: str,
                   now: datetime | None = None, compound_id: int | None = None) -> str:
    """A voter casts their own ballot on the web."""
    now = now or utcnow()
    vote = open_vote(proposal_id, member_id, choice, now, compound_id)
    if not may_cast_in_person(vote, member_id, voter):
        raise PermissionDenied(_l("您不在本次表决的投票人名单中，或这一户应由指定的共有人投票。"))
    role = "owner" if vote.kind == "owners" else vote.kind
    return _store(vote, voter, choice, now, channel="web", actor_role=role)


def cast_paper(staff, proposal_id: int, member_id: int, choice: str, *, paper_ref: str,
               scan: tuple[str, str] | None, now: datetime | None = None) -> str:
    """Staff enter a paper ballot (纸质票) with the paper's reference number, unique per proposal,
    and the stored scan. The owner's one ballot is the same whatever the channel."""
    proposal = db.session.get(Proposal, proposal_id, options=[selectinload(Proposal.options)],
                              populate_existing=True)
    if not is_staff(staff, db.session.get(Compound, proposal.compound_id)):
        raise PermissionDenied(_l("只有社区工作人员可以录入纸质票。"))
    paper_ref = clean_text(paper_ref, 40)
    if not paper_ref:
        raise ServiceError(_l("请填写纸质票上的编号。"), field="paper_ref")
    if not scan:
        raise ServiceError(_l("请上传纸质票的扫描件或照片。"), field="scan")
    return cast(proposal_id, member_id, staff, choice, channel="paper", paper_ref=paper_ref,
                scan=scan, now=now, actor_role="staff")


def find_member(proposal: Proposal, text: str) -> ElectorateMember:
    """The electorate member a paper ballot or an authorisation is for: by unit number
    (楼栋-单元-房号, owners' decisions) or by mobile (the person, or a holding's designated
    voter)."""
    text = (text or "").strip()
    mobile = normalize_mobile(text)
    stmt = select(ElectorateMember).where(ElectorateMember.proposal_id == proposal.id)
    if mobile:
        stmt = stmt.where(or_(
            ElectorateMember.user_id.in_(select(User.id).where(User.mobile == mobile)),
            ElectorateMember.designated_mobile == mobile))
    else:
        stmt = stmt.join(ElectorateUnit, ElectorateUnit.member_id == ElectorateMember.id).where(
            ElectorateUnit.unit_number == text)
    member = db.session.scalars(stmt.limit(1)).first() if text else None
    if member is None:
        raise NotFound(_l("本次表决的投票人名单中没有这个房号或手机号。"), field="member")
    return member


def voted_member_ids(proposal: Proposal, member_ids) -> set[int]:
    """Which of these members have a ballot that counts (or took part, if secret)."""
    ids = list(member_ids)
    if not ids:
        return set()
    if proposal.is_secret:
        stmt = select(SecretParticipation.member_id).where(
            SecretParticipation.proposal_id == proposal.id,
            SecretParticipation.member_id.in_(ids))
    else:
        stmt = select(Ballot.member_id).where(
            Ballot.proposal_id == proposal.id, Ballot.member_id.in_(ids),
            Ballot.superseded_at.is_(None))
    return set(db.session.scalars(stmt))
