"""Disputed lines (存疑) of the trust-model books: the owners' committee holds a ledger line in
doubt, with its reason, and clears it with a reason once satisfied. A line is disputed once at a
time (a partial unique index decides when two mark it at once); the reasons are public, and a
disputed line is flagged wherever it shows. Marking and clearing never change the line: the
ledger changes only by a correcting entry (app.funds)."""
from datetime import datetime

from sqlalchemy import func, select

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound, RoleGrant
from app.core import workflow
from app.core.db import get_scoped, refused_if_taken
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.core.workflow import Field, Transition
from app.extensions import db
from app.funds.models import Fund, LedgerEntry
from app.notifications.services import notify
from app.trustbooks.budgets import require_trust_fund
from app.trustbooks.labels import DISPUTE_STATE_LABELS
from app.trustbooks.models import TrustDispute

MARKERS = ("committee",)
REASON_MAX = 1000
DENIED = _l("只有业委会可以标记或解除账目存疑。")

WORKFLOW = workflow.Workflow(
    domain="trust_dispute", model=TrustDispute, state_attr="state",
    labels=DISPUTE_STATE_LABELS,
    transitions={"clear": Transition("clear", ("open",), "cleared", MARKERS,
                                     required=("reason",), denied=DENIED)},
    compound_of=lambda d: db.session.get(Compound, d.compound_id),
    refused=_l("这条存疑当前为“%(state)s”，不能进行这项操作。"),
    fields={"reason": Field("reason", _l("请写明解除存疑的理由。"), max_length=REASON_MAX,
                            too_long=_l("理由请不超过 1000 字。"))},
    default_fields=("reason",))


def may_mark(user, fund: Fund) -> bool:
    return fund.compound_id is not None and has_role(user, fund.compound_id, *MARKERS)


def _keepers_told(fund: Fund, entry: LedgerEntry, text: str) -> None:
    keepers = list(db.session.scalars(select(RoleGrant.user_id).where(
        RoleGrant.compound_id == fund.compound_id, RoleGrant.role == "property",
        RoleGrant.revoked_at.is_(None))))
    notify(keepers, fund.compound_id, "trust.dispute", text,
           f"/funds/{fund.id}/entries/{entry.seq}")


def mark(fund: Fund, entry: LedgerEntry, actor, reason: str,
         now: datetime | None = None) -> TrustDispute:
    """Mark a line of the fund's ledger disputed, with the committee's reason."""
    require_trust_fund(fund)
    if entry.fund_id != fund.id:
        raise ServiceError(_l("找不到这条账目。"), status=404)
    if not may_mark(actor, fund):
        raise PermissionDenied(DENIED)
    reason = clean_text(reason, REASON_MAX)
    if not reason:
        raise ServiceError(_l("请写明存疑的理由。"), field="reason")
    now = now or utcnow()
    dispute = TrustDispute(compound_id=fund.compound_id, fund_id=fund.id, entry_id=entry.id,
                           state="open", reason=reason, raised_by_id=actor.id, raised_at=now,
                           updated_at=now)
    with refused_if_taken(_l("这条账目已被标记为存疑。"), field="reason"):
        db.session.add(dispute)
    compound = db.session.get(Compound, fund.compound_id)
    record(actor, compound, "trust_dispute.raise", dispute,
           {"fund_id": fund.id, "entry_seq": entry.seq, "reason": reason},
           actor_role=primary_role(actor, compound))
    _keepers_told(fund, entry, str(_l("业委会将第 %(seq)s 笔账目标记为存疑：%(reason)s",
                                     seq=entry.seq, reason=reason)))
    return dispute


def clear(dispute: TrustDispute, actor, reason: str,
          now: datetime | None = None) -> TrustDispute:
    now = now or utcnow()
    workflow.apply(WORKFLOW, dispute, "clear", actor, fields={"reason": reason}, now=now,
                   values={"clear_reason": clean_text(reason, REASON_MAX),
                           "cleared_by_id": actor.id, "cleared_at": now})
    return dispute


def get_dispute(fund: Fund, dispute_id: int) -> TrustDispute:
    return get_scoped(TrustDispute, dispute_id, _l("找不到这条存疑记录。"), fund_id=fund.id)


def open_by_entry(fund_id: int) -> dict[int, TrustDispute]:
    """entry id → its open dispute, for flagging the lines of a fund's pages."""
    return {d.entry_id: d for d in db.session.scalars(select(TrustDispute).where(
        TrustDispute.fund_id == fund_id, TrustDispute.state == "open"))}


def of_entry(entry_id: int) -> list[TrustDispute]:
    """Every dispute of a line, newest first (the open one, then the cleared ones)."""
    return list(db.session.scalars(select(TrustDispute).where(
        TrustDispute.entry_id == entry_id).order_by(TrustDispute.id.desc())))


def open_count(fund_id: int) -> int:
    return db.session.scalar(select(func.count(TrustDispute.id)).where(
        TrustDispute.fund_id == fund_id, TrustDispute.state == "open")) or 0
