"""The 四议两公开 lifecycle (DESIGN §2). One table says which transition goes from which states
to which, and who may make it; one function per transition adds that stage's own checks.
Every transition writes the public timeline and the audit log in the caller's transaction."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core import events
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db
from app.notifications.services import notify_followers
from app.proposals.models import Proposal, ProposalEvent

PROPOSERS = ("party_cell", "council", "committee")
PRE_VOTING = ("draft", "consultation", "review", "deliberation", "notice")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]  # empty: made by the system (deadlines), never by a person
    needs_reason: bool = False


TRANSITIONS = {t.name: t for t in [
    Transition("open_consultation", ("draft",), "consultation", PROPOSERS),
    Transition("submit_review", ("consultation",), "review", PROPOSERS),
    Transition("approve_review", ("review",), "deliberation", ("party_cell",)),
    Transition("publish_notice", ("deliberation",), "notice",
               ("council", "committee", "party_cell", "staff")),
    Transition("open_voting", ("notice",), "voting", ()),
    Transition("close_voting", ("voting",), "objection", ()),
    Transition("publish_result", ("objection",), "published", ("staff",)),
    Transition("start_implementation", ("published",), "implementation",
               ("committee", "property", "party_cell", "staff")),
    Transition("publish_implementation", ("implementation",), "implementation_published",
               ("committee", "staff")),
    Transition("close", ("implementation_published", "published"), "closed", ("staff",)),
    Transition("withdraw", PRE_VOTING, "withdrawn", PROPOSERS + ("staff",), needs_reason=True),
    Transition("return", PRE_VOTING[1:], "returned", ("party_cell", "staff"), needs_reason=True),
    Transition("revise", ("returned",), "draft", PROPOSERS),
]}

STATE_LABELS = {
    "draft": _l("草稿"), "consultation": _l("征求意见"), "review": _l("党组织审议"),
    "deliberation": _l("议事会商议"), "notice": _l("表决公告"), "voting": _l("表决中"),
    "objection": _l("初步结果公示（异议期）"), "published": _l("决议公开"),
    "implementation": _l("实施中"), "implementation_published": _l("实施结果公开"),
    "closed": _l("已结束"), "withdrawn": _l("已撤回"), "returned": _l("已退回"),
}


def allowed_actions(proposal: Proposal, user) -> list[str]:
    """Transitions this person could make now (for buttons); services re-check everything."""
    compound = proposal_compound(proposal)
    return [t.name for t in TRANSITIONS.values()
            if proposal.state in t.sources and t.roles and has_role(user, compound, *t.roles)]


def proposal_compound(proposal: Proposal) -> Compound:
    return db.session.get(Compound, proposal.compound_id)


def apply(proposal: Proposal, name: str, actor, *, reason: str = "", data: dict | None = None,
          now: datetime | None = None, also=(), sets=(), removed=()) -> ProposalEvent:
    """Move `proposal` along transition `name`, or refuse and change nothing."""
    transition = TRANSITIONS[name]
    compound = proposal_compound(proposal)
    if transition.roles:
        if actor is None or not has_role(actor, compound, *transition.roles):
            raise PermissionDenied(_l("您没有权限进行这项操作。"))
    elif actor is not None:
        raise PermissionDenied(_l("这一步由系统按时间自动进行。"))
    if proposal.state not in transition.sources:
        raise ServiceError(_l("议案当前处于“%(state)s”阶段，不能进行这项操作。",
                              state=STATE_LABELS[proposal.state]), status=409)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ServiceError(_l("请写明理由。"), field="reason")
    now = now or utcnow()
    previous = proposal.state
    proposal.state = transition.target
    proposal.updated_at = now
    role = primary_role(actor, compound) if actor is not None else "system"
    event = ProposalEvent(proposal_id=proposal.id, from_state=previous,
                          to_state=transition.target, action=name,
                          actor_id=getattr(actor, "id", None), actor_role=role, reason=reason,
                          created_at=now)
    db.session.add(event)
    record(actor, compound, f"proposal.{name}", proposal,
           {"from": previous, "to": transition.target, "reason": reason, **(data or {})},
           also=[event, *also], sets=sets, removed=removed, actor_role=role)
    events.publish(f"proposal.{name}", proposal=proposal, actor=actor, now=now, reason=reason)
    notify_followers("proposal", proposal.id, compound.id, f"proposal.{name}",
                     gettext("议案“%(title)s”进入“%(state)s”阶段",
                             title=proposal.title, state=STATE_LABELS[transition.target]),
                     proposal_path(proposal), actor=actor)
    return event


def proposal_path(proposal: Proposal) -> str:
    return f"/c/{proposal.compound_id}/proposals/{proposal.id}"
