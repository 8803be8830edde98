"""Proposal services: drafting and every stage's own rules. Services flush, never commit."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.anchors import anchor_compound
from app.audit.services import head_hash, record, removal
from app.compounds.access import has_role, is_member, is_staff, primary_role
from app.compounds.models import Compound
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.periods import earliest_voting_start
from app.core.sanitize import clean_text, render_markdown
from app.core.time import china_time, utcnow
from app.extensions import db
from app.meetings.queries import require_vote_decision
from app.notifications.services import follow
from app.proposals import (
    elections,
    electorate,
    reminders,
    results,
    scopes,
    sealing,
    summary,
    survey_answers,
    survey_results,
)
from app.proposals.lifecycle import PROPOSERS, apply, check, proposal_compound
from app.proposals.models import (
    ElectorateMember,
    ElectorateUnit,
    Objection,
    Proposal,
    ProposalOption,
    ProposalResult,
    SecretTotal,
    SecretVote,
)
from app.proposals.models_election import MAX_SEATS
from app.proposals.stages import (
    OBJECTION_KINDS,
    objection_period,
)
from app.trustbooks import accounts as trust_accounts

EDITABLE = ("draft", "returned")


def create(actor, compound: Compound, *, title: str, body: str, kind: str,
           matter: int | None = None, options: list[str] | None = None,
           origin: str | None = None, origin_issue_id: int | None = None,
           council_body: str | None = None, is_secret: bool = False,
           allows_changes: bool = False, shows_split_while_open: bool = False,
           ballot_text: str = "", voting_method: str = "", seats: int | None = None,
           scope: list[str] | None = None, cites_survey_id: int | None = None,
           cites_account_id: int | None = None, proposers: tuple = PROPOSERS) -> Proposal:
    """A new draft proposal, raised by the party cell, the council or the owners' committee
    (`proposers`: a template may allow others, e.g. staff for a satisfaction survey).
    `seats`: an election's; `scope`: the buildings and units of a scoped decision
    (app.proposals.scopes); `cites_survey_id`: a closed satisfaction survey it cites;
    `cites_account_id`: a published annual account of the trust-model books it cites."""
    if not has_role(actor, compound, *proposers):
        raise PermissionDenied(_l("只有党支部、议事会或业委会可以提出议案。"))
    proposal = Proposal(compound_id=compound.id, created_by_id=actor.id, state="draft",
                        origin=origin or primary_role(actor, compound) or "council",
                        origin_issue_id=origin_issue_id,
                        council_two_thirds=compound.council_two_thirds,
                        options=[])  # a known empty list: reading it needs no query
    _fill(proposal, title=title, body=body, kind=kind, matter=matter, council_body=council_body,
          is_secret=is_secret, allows_changes=allows_changes,
          shows_split_while_open=shows_split_while_open, ballot_text=ballot_text,
          voting_method=voting_method, seats=seats, cites_survey_id=cites_survey_id,
          cites_account_id=cites_account_id)
    db.session.add(proposal)
    db.session.flush()
    _set_options(proposal, options)
    scope_rows, _ = scopes.set_scope(proposal, scope)
    follow(actor, compound.id, "proposal", proposal.id, audited=False)
    data = {"kind": kind, "matter": matter, "seats": proposal.seats}
    if proposal.scope_label:
        data["scope"] = proposal.scope_label
    record(actor, compound, "proposal.create", proposal, data,
           also=list(proposal.options) + scope_rows, actor_role=primary_role(actor, compound))
    return proposal


def update_draft(actor, proposal: Proposal, **fields) -> Proposal:
    """Edit a draft (or a returned proposal). After the notice nothing of it can change:
    only matters in the notice can be voted on."""
    compound = proposal_compound(proposal)
    if not has_role(actor, compound, *PROPOSERS):
        raise PermissionDenied(_l("您没有权限修改这个议案。"))
    if proposal.state not in EDITABLE:
        raise ServiceError(_l("议案已进入流程，不能再修改。"), status=409)
    options = fields.pop("options", None)
    scope = fields.pop("scope", None)
    _fill(proposal, **fields)
    proposal.updated_at = utcnow()
    removed = _set_options(proposal, options)
    scope_rows, scope_removed = scopes.set_scope(proposal, scope)
    data = {"fields": sorted(fields)}
    if scope_rows or scope_removed:
        data["scope"] = proposal.scope_label
    record(actor, compound, "proposal.edit", proposal, data,
           also=list(proposal.options) + scope_rows, removed=removed + scope_removed,
           actor_role=primary_role(actor, compound))
    return proposal


def _fill(proposal: Proposal, *, title, body, kind, matter, council_body, is_secret,
          allows_changes, shows_split_while_open, ballot_text, voting_method,
          seats=None, cites_survey_id=None, cites_account_id=None) -> None:
    title = clean_text(title, 120)
    if not title:
        raise ServiceError(_l("请填写议案标题。"), field="title")
    if kind not in ("owners", "council", "consultation"):
        raise ServiceError(_l("请选择表决类型。"), field="kind")
    if kind == "owners" and (matter is None or not 1 <= int(matter) <= 9):
        raise ServiceError(_l("业主共同决定须选择《民法典》第二百七十八条所列事项。"),
                           field="matter")
    if seats is not None and (kind != "owners" or matter is None or int(matter) != 3):
        raise ServiceError(_l("选举业委会委员是《民法典》第二百七十八条第三项事项的业主共同决定。"),
                           field="seats")
    if seats is not None and not 1 <= int(seats) <= MAX_SEATS:
        raise ServiceError(_l("应选名额须在 1 到 %(n)s 名之间。", n=MAX_SEATS), field="seats")
    if is_secret and allows_changes:
        raise ServiceError(_l("无记名投票投出后不能更改。"), field="allows_changes")
    if is_secret and shows_split_while_open:
        raise ServiceError(_l("无记名投票在截止前不公开各选项票数。"),
                           field="shows_split_while_open")
    proposal.title = title
    proposal.body_source = body or ""
    proposal.body_html = str(render_markdown(body or ""))
    proposal.kind = kind
    proposal.matter = int(matter) if kind == "owners" else None
    proposal.seats = int(seats) if seats is not None else None
    proposal.council_body = (council_body or "council") if kind == "council" else None
    proposal.is_secret = bool(is_secret)
    proposal.allows_changes = bool(allows_changes)
    proposal.shows_split_while_open = bool(shows_split_while_open)
    proposal.ballot_text = clean_text(ballot_text) or title
    proposal.voting_method = clean_text(voting_method)
    proposal.cites_survey_id = survey_results.check_citation(
        proposal.compound_id, kind, matter, cites_survey_id)
    proposal.cites_account_id = trust_accounts.check_citation(
        proposal.compound_id, kind, matter, cites_account_id)


def _set_options(proposal: Proposal, options: list[str] | None) -> list[dict]:
    """Replace the options; returns the removed ones' covers for the audit entry."""
    if options is None:
        return []
    labels = [clean_text(o, 200) for o in options if clean_text(o)]
    if len(labels) == 1:
        raise ServiceError(_l("多选一表决至少需要两个选项。"), field="options")
    if labels and proposal.kind == "council":
        raise ServiceError(_l("议事会、业委会决议只能以同意、反对、弃权表决。"), field="options")
    removed = [removal(old) for old in proposal.options]
    for old in list(proposal.options):
        db.session.delete(old)
    db.session.flush()
    proposal.options = [ProposalOption(position=i + 1, label=label)
                        for i, label in enumerate(labels)]
    db.session.flush()
    return removed


# ---- stage transitions with their own rules ----

def transition(actor, proposal: Proposal, name: str, reason: str = "",
               now: datetime | None = None):
    """Transitions with no rule beyond role and state (withdraw, return, revise...); the stages
    with rules of their own go to their functions."""
    if name in ("publish_notice", "open_voting", "close_voting", "publish_result",
                "start_implementation", "close"):
        raise ValueError(f"{name} has its own service function")
    if name in STAGES:
        return STAGES[name](actor, proposal, reason, now)
    return apply(proposal, name, actor, reason=reason, now=now)


def _may(actor, proposal: Proposal, name: str, now: datetime | None = None) -> Compound:
    """The engine's refusals first (role, state, the minimum time in the stage), so that a
    stage's own rule is never what refuses the wrong person or the wrong moment."""
    check(proposal, name, actor, now=now)
    return proposal_compound(proposal)


def open_consultation(actor, proposal: Proposal, reason: str = "",
                      now: datetime | None = None):
    """征求意见 opens; the compound's minimum consultation period is kept on the proposal now,
    so a later change of the rule does not shorten or lengthen this consultation."""
    now = now or utcnow()
    compound = _may(actor, proposal, "open_consultation")
    proposal.consultation_opened_at = now
    proposal.consultation_days = compound.min_consultation_days
    return apply(proposal, "open_consultation", actor, reason=reason, now=now,
                 data={"consultation_days": proposal.consultation_days})


def submit_review(actor, proposal: Proposal, reason: str = "", now: datetime | None = None):
    """To the party cell's review (党组织审议), once the consultation has lasted its minimum
    (the transition's not_before: app.proposals.stages.consultation_ends_at, 民法典
    第二百零一至二百零三条) and the proposer has written the consultation summary."""
    now = now or utcnow()
    _may(actor, proposal, "submit_review", now)  # the minimum is the table's not_before
    summary.require_summary(proposal)  # the proposer's 征求意见情况 comes first
    return apply(proposal, "submit_review", actor, reason=reason, now=now)


def approve_review(actor, proposal: Proposal, opinion: str = "", now: datetime | None = None):
    """审议通过, with the written 审议意见 of the party-cell member who gives it; no one
    reviews a proposal they proposed."""
    _may(actor, proposal, "approve_review")
    if actor.id == proposal.created_by_id:
        raise PermissionDenied(_l("本议案由您提出，不能由您审议，请党支部其他成员审议。"))
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError(_l("请填写审议意见。"), field="reason")
    return apply(proposal, "approve_review", actor, reason=opinion, now=now)


STAGES = {"open_consultation": open_consultation, "submit_review": submit_review,
          "approve_review": approve_review}


def notice_days(proposal: Proposal, compound: Compound) -> int:
    if proposal.kind != "owners":
        return 0
    if proposal.is_temporary_meeting and compound.allows_temporary_meeting:
        return compound.temporary_notice_days
    return compound.notice_days


def publish_notice(actor, proposal: Proposal, *, opens_at: datetime, closes_at: datetime,
                   opinion: str = "", temporary: bool = False, now: datetime | None = None):
    """表决公告: matters, ballot text, window and method, published ≥ 15 days (7 for a temporary
    meeting where the compound's rules allow) before voting opens, counted per 民法典 201–203.
    It records the council's written 商议意见, and keeps on the proposal the rules it announces
    (notice and objection days, silent majority, parking in the area): later changes of the
    compound's rules leave this vote alone."""
    now = now or utcnow()
    if elections.is_election(proposal):
        proposal = _lock(proposal)  # the candidate list is read under the row lock
    compound = _may(actor, proposal, "publish_notice")
    require_vote_decision(proposal, now)  # 议事会商议: a held meeting decided to put it to a vote
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError(_l("请填写议事会商议意见。"), field="opinion")
    if temporary and not compound.allows_temporary_meeting:
        raise ServiceError(_l("本小区议事规则未规定临时会议，公告期不能缩短。"), field="temporary")
    proposal.is_temporary_meeting = temporary
    days = notice_days(proposal, compound)
    earliest = earliest_voting_start(now, days) if days else now
    if opens_at < earliest:
        raise ServiceError(
            lazy_ngettext("表决公告须在投票开始前至少 %(days)s 日发布；"
                          "最早可于 %(when)s 开始投票。",
                          "表决公告须在投票开始前至少 %(days)s 日发布；"
                          "最早可于 %(when)s 开始投票。",
                          days, days=days, when=china_time(earliest)), field="opens_at")
    if closes_at <= opens_at:
        raise ServiceError(_l("投票截止时间必须晚于开始时间。"), field="closes_at")
    proposal.voting_opens_at, proposal.voting_closes_at = opens_at, closes_at
    proposal.notice_published_at = now
    # "Silence counts as the majority" has no meaning in an election: nobody is deemed to
    # have ticked anyone.
    proposal.silent_majority = (compound.allows_silent_majority and proposal.kind == "owners"
                                and not elections.is_election(proposal))
    proposal.notice_period_days = days
    proposal.objection_days = compound.objection_days if proposal.kind in OBJECTION_KINDS else 0
    proposal.parking_counts_in_area = compound.parking_counts_in_area
    # An election's candidate list is published with its notice and fixed from then on.
    candidates = elections.publish_list(proposal) if elections.is_election(proposal) else []
    # The notice names the scope as it stands now; only a draft could change it.
    proposal.scope_label = scopes.label_for(proposal)
    data = {
        **({"scope": proposal.scope_label} if proposal.scope_label else {}),
        "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat(),
        "notice_days": days, "matter": proposal.matter, "ballot_text": proposal.ballot_text,
        "silent_majority": proposal.silent_majority,
        "objection_days": proposal.objection_days,
        "parking_counts_in_area": proposal.parking_counts_in_area}
    if candidates:
        data.update(seats=proposal.seats, candidates=[c.id for c in candidates])
    return apply(proposal, "publish_notice", actor, reason=opinion, now=now, also=candidates,
                 data=data)


def open_voting(proposal: Proposal, now: datetime | None = None):
    """Voting opens at its time: the electorate and every weight are frozen now."""
    now = now or utcnow()
    check(proposal, "open_voting", None, now=now)
    voters = electorate.snapshot(proposal)
    scope = {"proposal_id": proposal.id}
    event = apply(proposal, "open_voting", None, now=now, data={"voters": voters},
                  sets=[(ElectorateMember, scope), (ElectorateUnit, scope)])
    reminders.announce_opening(proposal)
    return event


def _lock(proposal: Proposal) -> Proposal:
    stmt = select(Proposal).where(Proposal.id == proposal.id).options(
        selectinload(Proposal.options)).execution_options(
        populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return db.session.execute(stmt).scalar_one()


def close_voting(proposal: Proposal, now: datetime | None = None):
    """Voting closes at its deadline; the preliminary result is computed and frozen and the
    objection window (异议期) opens."""
    now = now or utcnow()
    proposal = _lock(proposal)  # waits for ballots in flight (they hold a shared lock)
    check(proposal, "close_voting", None, now=now)
    # A secret ballot's urn is opened now, in this transaction: the anonymous votes and the
    # totals are written and the sealed rows deleted (app.proposals.sealing).
    split = elections.counts_toward if elections.is_election(proposal) else None
    opened, unsealed = sealing.open_urn(proposal.id, split) if proposal.is_secret else ([], [])
    # A survey's answers are opened and its figures frozen in the same transaction.
    survey_rows, survey_sets, survey_removed = survey_answers.close(proposal)
    result = results.compute(proposal)
    window = objection_period(proposal, now)
    proposal.voting_closed_at = now
    proposal.objection_ends_at = window.ends_at if window else now
    row = ProposalResult(proposal_id=proposal.id, stage="preliminary", result=result,
                         audit_head=head_hash(proposal.compound_id), created_at=now)
    db.session.add(row)
    db.session.flush()
    urn = [(SecretVote, {"proposal_id": proposal.id}),
           (SecretTotal, {"proposal_id": proposal.id})] if proposal.is_secret else []
    return apply(proposal, "close_voting", None, now=now, also=[row, *survey_rows],
                 sets=urn + survey_sets, removed=unsealed + survey_removed, data={
                     "passed": result.get("passed"), "result": row.id,
                     "secret_votes": len(opened),
                     "objection_ends_at": proposal.objection_ends_at.isoformat()})


def advance_due(proposal: Proposal, now: datetime | None = None) -> bool:
    """Open or close voting if its time has come. True if anything changed."""
    now = now or utcnow()
    changed = False
    if proposal.state == "notice" and now >= proposal.voting_opens_at:
        open_voting(proposal, now)
        changed = True
    if proposal.state == "voting" and now >= proposal.voting_closes_at:
        close_voting(proposal, now)
        changed = True
    return changed


def is_due(proposal: Proposal, now: datetime | None = None) -> bool:
    """Would advance_due() change something now? (No query: the page asks on every view.)"""
    now = now or utcnow()
    return ((proposal.state == "notice" and now >= proposal.voting_opens_at)
            or (proposal.state == "voting" and now >= proposal.voting_closes_at))


def advance_if_due(proposal_id: int, now: datetime | None = None) -> bool:
    """advance_due() under the proposal's row lock, for the first visitor after a deadline and
    for cron: whoever comes second finds the work done and changes nothing."""
    stmt = select(Proposal).where(Proposal.id == proposal_id).options(
        selectinload(Proposal.options)).execution_options(
        populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return advance_due(db.session.execute(stmt).scalar_one(), now)


def due_proposals(now: datetime | None = None) -> list[Proposal]:
    now = now or utcnow()
    return list(db.session.scalars(select(Proposal).where(
        ((Proposal.state == "notice") & (Proposal.voting_opens_at <= now))
        | ((Proposal.state == "voting") & (Proposal.voting_closes_at <= now)))
        .order_by(Proposal.id)))


def lodge_objection(actor, proposal: Proposal, body: str, now: datetime | None = None):
    now = now or utcnow()
    compound = proposal_compound(proposal)
    if not is_member(actor, compound):
        raise PermissionDenied(_l("只有本小区成员可以提出异议。"))
    if proposal.state != "objection" or now >= proposal.objection_ends_at:
        raise ServiceError(_l("现在不在异议期内。"), status=409)
    text = (body or "").strip()
    if not text:
        raise ServiceError(_l("请写明异议内容。"), field="body")
    objection = Objection(proposal_id=proposal.id, user_id=actor.id, body=text[:5000],
                          created_at=now)
    db.session.add(objection)
    db.session.flush()
    follow(actor, compound.id, "proposal", proposal.id, audited=False)
    record(actor, compound, "proposal.objection", objection, {"proposal": proposal.id},
           actor_role=primary_role(actor, compound))
    return objection


def answer_objection(actor, objection: Objection, answer: str, now: datetime | None = None):
    proposal = db.session.get(Proposal, objection.proposal_id,
                              options=[selectinload(Proposal.options)],
                              populate_existing=True)
    compound = proposal_compound(proposal)
    if not is_staff(actor, compound):
        raise PermissionDenied(_l("异议须由社区工作人员答复。"))
    if objection.answered_at is not None:
        raise ServiceError(_l("这条异议已经答复过了。"), status=409)
    text = (answer or "").strip()
    if not text:
        raise ServiceError(_l("请填写答复内容。"), field="answer")
    objection.answer, objection.answered_by_id = text[:5000], actor.id
    objection.answered_at = now or utcnow()
    record(actor, compound, "proposal.objection_answer", objection, {"proposal": proposal.id},
           actor_role=primary_role(actor, compound))
    return objection


def publish_result(actor, proposal: Proposal, now: datetime | None = None):
    """The final result, once the objection window has run and every objection is answered;
    it carries the audit head hash of that moment."""
    now = now or utcnow()
    check(proposal, "publish_result", actor, now=now)  # who, the stage, the objection window
    unanswered = db.session.scalar(select(func.count(Objection.id)).where(
        Objection.proposal_id == proposal.id, Objection.answered_at.is_(None)))
    if unanswered:
        raise ServiceError(lazy_ngettext("还有 %(n)s 条异议未答复。", "还有 %(n)s 条异议未答复。",
                                         unanswered, n=unanswered), status=409)
    row = ProposalResult(proposal_id=proposal.id, stage="final", result=results.compute(proposal),
                         audit_head=head_hash(proposal.compound_id), created_at=now)
    db.session.add(row)
    proposal.result_published_at = now
    db.session.flush()
    moved = apply(proposal, "publish_result", actor, now=now, also=[row],
                  data={"result": row.id, "audit_head": row.audit_head})
    # The compound chain's head, the publishing entry included, goes into the anchor chain.
    anchor_compound(proposal.compound_id, "result_published", now)
    return moved


def final_result(proposal: Proposal) -> ProposalResult | None:
    return db.session.scalar(select(ProposalResult).where(
        ProposalResult.proposal_id == proposal.id, ProposalResult.stage == "final"))


def start_implementation(actor, proposal: Proposal, reason: str = "",
                         now: datetime | None = None):
    final = final_result(proposal)
    if proposal.kind != "consultation" and not (final and final.result.get("passed")):
        raise ServiceError(_l("未通过的议案不能进入实施。"), status=409)
    return apply(proposal, "start_implementation", actor, reason=reason, now=now)


def close(actor, proposal: Proposal, reason: str = "", now: datetime | None = None):
    final = final_result(proposal)
    if proposal.state == "published" and final and final.result.get("passed") \
            and proposal.kind != "consultation":
        raise ServiceError(_l("已通过的议案须公开实施结果后才能结束。"), status=409)
    return apply(proposal, "close", actor, reason=reason, now=now)


def advance(actor, proposal: Proposal, name: str, *, reason: str = "",
            now: datetime | None = None):
    """A lifecycle button's one entry point: through its stage's own rules where it has some,
    else transition()."""
    if name == "publish_result":
        return publish_result(actor, proposal, now)
    if name in ("start_implementation", "close"):
        stage = start_implementation if name == "start_implementation" else close
        return stage(actor, proposal, reason, now)
    return transition(actor, proposal, name, reason, now)
