"""The approved annual budget of a trust-model 物业费 fund (信托制物业).

Rules:
- the committee (业委会) or the property manager (物业) enters a draft: one amount per category
  of the 物业费 category list (app.funds.labels), in 分; a blank category has no budget;
- the owners approve it (an owners' decision, or their general meeting); the committee records
  that approval, naming the proposal that approved it (a passed owners' decision of this
  compound) or saying how the owners approved it otherwise. Approval freezes the version;
- a change is a new version with its reason, approved the same way; approving it supersedes
  the version before (kept, for the record). One draft and one approved version at a time:
  the database's partial unique indexes decide, never a look-up first.
Every step is audited; the states move through the workflow engine."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.services import record, removal
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core import workflow
from app.core.db import get_scoped, refused_if_taken
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.core.workflow import SYSTEM, Field, Transition
from app.extensions import db
from app.funds.labels import CATEGORIES
from app.funds.models import Fund
from app.proposals.models import Proposal, ProposalResult
from app.trustbooks.labels import BUDGET_STATE_LABELS
from app.trustbooks.models import TrustBudget, TrustBudgetLine

SOURCE = "property_fee"
ENTERERS = ("committee", "property")
APPROVERS = ("committee",)
REASON_MAX = 1000
NOTE_MAX = 500
DENIED_ENTER = _l("只有业委会和物业可以编制物业年度预算。")
DENIED_APPROVE = _l("只有业委会可以登记业主对预算的批准。")

WORKFLOW = workflow.Workflow(
    domain="trust_budget", model=TrustBudget, state_attr="state", labels=BUDGET_STATE_LABELS,
    transitions={
        "approve": Transition("approve", ("draft",), "approved", APPROVERS,
                              denied=DENIED_APPROVE),
        "supersede": Transition("supersede", ("approved",), "superseded", (SYSTEM,)),
        "discard": Transition("discard", ("draft",), "discarded", ENTERERS,
                              required=("reason",), denied=DENIED_ENTER),
    },
    compound_of=lambda b: db.session.get(Compound, b.compound_id),
    refused=_l("这份预算当前为“%(state)s”，不能进行这项操作。"),
    fields={"reason": Field("reason", _l("请写明理由。"), max_length=REASON_MAX,
                            too_long=_l("理由请不超过 1000 字。"))},
    default_fields=("reason",))


def categories() -> dict[str, dict]:
    """direction → {code: label}: the lines a 物业费 budget has."""
    return CATEGORIES[SOURCE]


def require_trust_fund(fund: Fund) -> None:
    if fund.source != SOURCE or fund.compound_id is None:
        raise ServiceError(_l("只有小区的物业费（信托制）账户有年度预算。"), status=404)


def get_budget(fund: Fund, budget_id: int) -> TrustBudget:
    return get_scoped(TrustBudget, budget_id, _l("找不到这份预算。"), fund_id=fund.id,
                      options=[selectinload(TrustBudget.lines)])


def versions(fund_id: int) -> list[TrustBudget]:
    """Every version of the fund's budget, newest first, with their lines."""
    return list(db.session.scalars(
        select(TrustBudget).where(TrustBudget.fund_id == fund_id)
        .options(selectinload(TrustBudget.lines)).order_by(TrustBudget.version.desc())))


def current(fund_id: int) -> TrustBudget | None:
    """The approved version in force, with its lines."""
    return db.session.scalar(
        select(TrustBudget).where(TrustBudget.fund_id == fund_id,
                                  TrustBudget.state == "approved")
        .options(selectinload(TrustBudget.lines)))


def may_enter(user, fund: Fund) -> bool:
    return has_role(user, fund.compound_id, *ENTERERS)


def may_approve(user, fund: Fund) -> bool:
    return has_role(user, fund.compound_id, *APPROVERS)


def _lines(amounts: dict) -> list[TrustBudgetLine]:
    """{(direction, category): 分} → lines; only known categories, no negative amounts, at
    least one line."""
    known = categories()
    lines = []
    for (direction, category), fen in sorted(amounts.items()):
        if fen is None or fen == 0:
            continue
        if category not in known.get(direction, {}):
            raise ServiceError(_l("预算科目不在物业费科目表中。"))
        if isinstance(fen, float) or int(fen) < 0:
            raise ServiceError(_l("预算金额不能为负数。"), field=f"{direction}_{category}")
        lines.append(TrustBudgetLine(direction=direction, category=category,
                                     amount_fen=int(fen)))
    if not lines:
        raise ServiceError(_l("请至少填写一个科目的预算金额。"))
    return lines


def _line_data(lines) -> dict:
    return {f"{line.direction}.{line.category}": line.amount_fen for line in lines}


def draft(fund: Fund, actor, amounts: dict, *, reason: str = "",
          now: datetime | None = None) -> TrustBudget:
    """A new draft version. Once a version was approved, the reason for the change is
    required."""
    require_trust_fund(fund)
    if not may_enter(actor, fund):
        raise PermissionDenied(DENIED_ENTER)
    reason = clean_text(reason, REASON_MAX)
    version, approved = db.session.execute(
        select(func.max(TrustBudget.version), func.count(TrustBudget.approved_at))
        .where(TrustBudget.fund_id == fund.id)).one()
    version = (version or 0) + 1
    if approved and not reason:
        raise ServiceError(_l("修改已批准的预算须另立新版本，并写明修改理由。"), field="reason")
    lines = _lines(amounts)
    now = now or utcnow()
    budget = TrustBudget(fund_id=fund.id, compound_id=fund.compound_id, version=version,
                         reason=reason, created_by_id=actor.id, created_at=now,
                         updated_at=now, state="draft")
    budget.lines = lines
    with refused_if_taken(_l("已有一份待批准的预算草稿，请修改那一份。")):
        db.session.add(budget)
    compound = db.session.get(Compound, fund.compound_id)
    record(actor, compound, "trust_budget.draft", budget,
           {"fund_id": fund.id, "version": version, "reason": reason,
            "lines": _line_data(lines)}, also=lines, actor_role=primary_role(actor, compound))
    return budget


def edit(budget: TrustBudget, actor, amounts: dict, *, reason: str | None = None) -> TrustBudget:
    """Change a draft's amounts (an approved version never changes: a new version does)."""
    fund = db.session.get(Fund, budget.fund_id)
    if not may_enter(actor, fund):
        raise PermissionDenied(DENIED_ENTER)
    # Two edits of one draft at once: the second waits here, then sees the first's lines (and
    # state) instead of deleting lines already gone and inserting duplicates.
    db.session.execute(select(TrustBudget).where(TrustBudget.id == budget.id)
                       .with_for_update().options(selectinload(TrustBudget.lines))
                       .execution_options(populate_existing=True)).scalars().one()
    if budget.state != "draft":
        raise ServiceError(_l("已批准的预算不能修改；请另立新版本并写明理由。"), status=409)
    if reason is not None:
        reason = clean_text(reason, REASON_MAX)
        if budget.reason and not reason:
            raise ServiceError(_l("修改已批准的预算须另立新版本，并写明修改理由。"),
                               field="reason")
        budget.reason = reason
    new_lines = _lines(amounts)
    removed = [removal(old) for old in budget.lines]
    for old in list(budget.lines):
        db.session.delete(old)
    db.session.flush()
    budget.lines = new_lines
    budget.updated_at = utcnow()
    db.session.flush()
    compound = db.session.get(Compound, budget.compound_id)
    record(actor, compound, "trust_budget.edit", budget,
           {"version": budget.version, "lines": _line_data(new_lines)}, also=new_lines,
           removed=removed, actor_role=primary_role(actor, compound))
    return budget


def approving_proposals(compound_id: int) -> list[tuple[int, str]]:
    """The owners' decisions of the compound whose final result passed: what may be named as
    the approval of a budget."""
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, ProposalResult.result)
        .join(ProposalResult, ProposalResult.proposal_id == Proposal.id)
        .where(Proposal.compound_id == compound_id, Proposal.kind == "owners",
               ProposalResult.stage == "final").order_by(Proposal.id.desc())).all()
    return [(pid, title) for pid, title, result in rows if (result or {}).get("passed")]


def approve(budget: TrustBudget, actor, *, proposal_id: int | None = None, note: str = "",
            now: datetime | None = None) -> TrustBudget:
    """Record the owners' approval: by a passed owners' decision of this compound, or, when
    there is none, a note of how the owners approved it (e.g. their general meeting). The
    version in force before is superseded in the same transaction."""
    now = now or utcnow()
    workflow.check(WORKFLOW, budget, "approve", actor, now=now)
    note = clean_text(note, NOTE_MAX)
    if proposal_id:
        if int(proposal_id) not in {pid for pid, _t in approving_proposals(budget.compound_id)}:
            raise ServiceError(_l("只能引用本小区已通过并公布结果的业主共同决定。"),
                               field="proposal_id")
    elif not note:
        raise ServiceError(_l("请选择批准预算的业主共同决定，或写明业主以何种方式批准。"),
                           field="note")
    previous = current(budget.fund_id)
    if previous is not None:
        workflow.apply(WORKFLOW, previous, "supersede", None, now=now,
                       data={"by_version": budget.version})
    workflow.apply(WORKFLOW, budget, "approve", actor, now=now,
                   values={"approved_at": now, "approved_by_id": actor.id,
                           "proposal_id": int(proposal_id) if proposal_id else None,
                           "approval_note": note},
                   data={"version": budget.version, "proposal_id": proposal_id or None,
                         "note": note})
    return budget


def discard(budget: TrustBudget, actor, reason: str) -> TrustBudget:
    workflow.apply(WORKFLOW, budget, "discard", actor, fields={"reason": reason})
    return budget
