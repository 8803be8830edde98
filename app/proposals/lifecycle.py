"""The 四议两公开 lifecycle (DESIGN §2): the proposal's transition table, run by the one engine
(app.core.workflow). Each stage's own rules live in app.proposals.services, which checks them
and then calls apply(). Every transition writes the public timeline and the audit log in the
caller's transaction, and tells the followers."""
from datetime import datetime

from flask_babel import gettext

from app.compounds.models import Compound
from app.core import workflow
from app.core.i18n import lazy_gettext as _l
from app.core.workflow import SYSTEM, Field, Transition
from app.extensions import db
from app.notifications.services import notify_followers
from app.proposals.models import Proposal, ProposalEvent
from app.proposals.stages import consultation_ends_at, review_too_early

PROPOSERS = ("party_cell", "council", "committee")
PRE_VOTING = ("draft", "consultation", "review", "deliberation", "notice")

TRANSITIONS = {t.name: t for t in [
    Transition("open_consultation", ("draft",), "consultation", PROPOSERS),
    Transition("submit_review", ("consultation",), "review", PROPOSERS,
               not_before=consultation_ends_at, too_early_says=review_too_early),
    Transition("approve_review", ("review",), "deliberation", ("party_cell",)),
    Transition("publish_notice", ("deliberation",), "notice",
               ("council", "committee", "party_cell", "staff")),
    Transition("open_voting", ("notice",), "voting", (SYSTEM,),
               not_before=lambda p: p.voting_opens_at,
               too_early=_l("还没到投票开始时间：最早可于 %(when)s 开始投票。")),
    Transition("close_voting", ("voting",), "objection", (SYSTEM,),
               not_before=lambda p: p.voting_closes_at,
               too_early=_l("投票尚未截止：最早可于 %(when)s 截止。")),
    Transition("publish_result", ("objection",), "published", ("staff",),
               not_before=lambda p: p.objection_ends_at,
               too_early=_l("异议期尚未结束，不能公布最终结果。")),
    Transition("start_implementation", ("published",), "implementation",
               ("committee", "property", "party_cell", "staff")),
    Transition("publish_implementation", ("implementation",), "implementation_published",
               ("committee", "staff")),
    Transition("close", ("implementation_published", "published"), "closed", ("staff",)),
    Transition("withdraw", PRE_VOTING, "withdrawn", PROPOSERS + ("staff",),
               required=("reason",)),
    Transition("return", PRE_VOTING[1:], "returned", ("party_cell", "staff"),
               required=("reason",)),
    Transition("revise", ("returned",), "draft", PROPOSERS),
]}

STATE_LABELS = {
    "draft": _l("草稿"), "consultation": _l("征求意见"), "review": _l("党组织审议"),
    "deliberation": _l("议事会商议"), "notice": _l("表决公告"), "voting": _l("表决中"),
    "objection": _l("初步结果公示（异议期）"), "published": _l("决议公开"),
    "implementation": _l("实施中"), "implementation_published": _l("实施结果公开"),
    "closed": _l("已结束"), "withdrawn": _l("已撤回"), "returned": _l("已退回"),
}


def proposal_compound(proposal: Proposal) -> Compound:
    return db.session.get(Compound, proposal.compound_id)


def proposal_path(proposal: Proposal) -> str:
    return f"/c/{proposal.compound_id}/proposals/{proposal.id}"


def _event(proposal: Proposal, step: workflow.Step) -> ProposalEvent:
    return ProposalEvent(proposal_id=proposal.id, from_state=step.previous,
                         to_state=step.target, action=step.name,
                         actor_id=getattr(step.actor, "id", None), actor_role=step.role,
                         reason=step.fields["reason"], created_at=step.now)


def _notify(proposal: Proposal, step: workflow.Step) -> None:
    notify_followers("proposal", proposal.id, proposal.compound_id, f"proposal.{step.name}",
                     gettext("议案“%(title)s”进入“%(state)s”阶段",
                             title=proposal.title, state=STATE_LABELS[step.target]),
                     proposal_path(proposal), actor=step.actor)


WORKFLOW = workflow.Workflow(
    domain="proposal", model=Proposal, state_attr="state", labels=STATE_LABELS,
    transitions=TRANSITIONS, compound_of=proposal_compound,
    refused=_l("议案当前处于“%(state)s”阶段，不能进行这项操作。"),
    fields={"reason": Field("reason", _l("请写明理由。"), max_length=5000,
                            too_long=_l("意见不能超过 5000 个字。"))},
    default_fields=("reason",),
    event=_event, notify=_notify)


def allowed_actions(proposal: Proposal, user) -> list[str]:
    """Transitions this person could make now (for buttons); services re-check everything."""
    return workflow.allowed(WORKFLOW, proposal, user)


def check(proposal: Proposal, name: str, actor, *, reason: str = "",
          now: datetime | None = None) -> None:
    """apply()'s refusals, for a stage that has work to do before it moves."""
    workflow.check(WORKFLOW, proposal, name, actor, fields={"reason": reason}, now=now)


def apply(proposal: Proposal, name: str, actor, *, reason: str = "", data: dict | None = None,
          now: datetime | None = None, also=(), sets=(), removed=()) -> ProposalEvent:
    """Move `proposal` along transition `name`, or refuse and change nothing."""
    return workflow.apply(WORKFLOW, proposal, name, actor, fields={"reason": reason},
                          data=data, now=now, also=also, sets=sets, removed=removed).event
