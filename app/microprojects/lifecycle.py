"""The two state machines of micro-projects, run by the one engine (app.core.workflow).

A round: 征集 (collecting) → 议事会初审 (reviewing) → 党组织审议 (party_review) → 候选公示
(candidates) → then, by the fund's source (民法典 第二百七十八条):
- 社区 money: 居民投票 (voting, an advisory 居民意见征集) → counted → 议事会决议 (decided);
- owners' money: the owners' joint decision (owners_decision, a linked proposal) → decided;
→ 结果公示 (published).

A project (an idea): proposed → shortlisted or rejected (the council, a rejection with its
reason, published) → candidate or rejected (the party cell, with its opinion) → funded or
unfunded (by the decision) → implementing (when the result is published) → accepted (验收 by
the council) → disclosed (资金使用公示)."""
from flask_babel import gettext

from app.compounds.models import Compound
from app.core import workflow
from app.core.i18n import lazy_gettext as _l
from app.core.workflow import SYSTEM, Field, Transition
from app.extensions import db
from app.microprojects.models import MicroProject, ProjectEvent, ProjectRound
from app.notifications.services import notify_followers

PUBLISHERS = ("staff", "party_cell", "committee")  # who may put a notice on the board

ROUND_TRANSITIONS = {t.name: t for t in [
    Transition("close_collection", ("collecting",), "reviewing", ("staff", "council"),
               not_before=lambda r: r.collect_until),
    Transition("finish_review", ("reviewing",), "party_review", ("council",)),
    Transition("publish_candidates", ("party_review",), "candidates", ("party_cell", "staff")),
    Transition("open_voting", ("candidates",), "voting", ("staff", SYSTEM),
               not_before=lambda r: r.candidates_until),
    Transition("close_voting", ("voting",), "counted", ("staff", SYSTEM),
               not_before=lambda r: r.voting_closes_at),
    Transition("decide", ("counted",), "decided", ("council",), required=("note",)),
    Transition("refer_to_owners", ("candidates",), "owners_decision",
               ("committee", "council", "party_cell"), not_before=lambda r: r.candidates_until),
    Transition("adopt_owners_decision", ("owners_decision",), "decided",
               ("staff", "committee")),
    Transition("publish_result", ("decided",), "published", PUBLISHERS),
]}

PROJECT_TRANSITIONS = {t.name: t for t in [
    Transition("shortlist", ("proposed",), "shortlisted", ("council",)),
    Transition("reject", ("proposed",), "rejected", ("council",), required=("note",)),
    Transition("endorse", ("shortlisted",), "candidate", ("party_cell",), required=("note",)),
    Transition("party_reject", ("shortlisted",), "rejected", ("party_cell",),
               required=("note",)),
    Transition("fund", ("candidate",), "funded", (SYSTEM,)),
    Transition("leave_unfunded", ("candidate",), "unfunded", (SYSTEM,)),
    Transition("start", ("funded",), "implementing", (SYSTEM,)),
    Transition("accept", ("implementing",), "accepted", ("council",), required=("note",)),
    Transition("disclose", ("accepted",), "disclosed", PUBLISHERS),
]}

ROUND_LABELS = {
    "collecting": _l("征集中"), "reviewing": _l("议事会初审"), "party_review": _l("党组织审议"),
    "candidates": _l("候选公示"), "voting": _l("居民投票"), "counted": _l("已计票，待议事会决议"),
    "owners_decision": _l("待业主共同决定"), "decided": _l("已决定，待结果公示"),
    "published": _l("结果已公示"),
}
PROJECT_LABELS = {
    "proposed": _l("待初审"), "shortlisted": _l("初审通过，待党组织审议"),
    "rejected": _l("未通过审核"),
    "candidate": _l("候选项目"), "funded": _l("获得资助"), "unfunded": _l("未获资助"),
    "implementing": _l("实施中"), "accepted": _l("已验收"), "disclosed": _l("资金使用已公示"),
}
FIELDS = {"note": Field("note", _l("请写明理由或意见。"), max_length=2000,
                        too_long=_l("内容请不超过 2000 字。"))}


def compound_of(obj) -> Compound:
    return db.session.get(Compound, obj.compound_id)


def round_path(project_round: ProjectRound) -> str:
    return f"/c/{project_round.compound_id}/micro-projects/{project_round.id}"


def project_path(project: MicroProject) -> str:
    return f"/c/{project.compound_id}/micro-projects/{project.round_id}/p/{project.id}"


def _round_event(project_round: ProjectRound, step: workflow.Step) -> ProjectEvent:
    return ProjectEvent(round_id=project_round.id, action=step.name, from_state=step.previous,
                        to_state=step.target, actor_id=getattr(step.actor, "id", None),
                        actor_role=step.role, note=step.fields.get("note", ""),
                        created_at=step.now)


def _project_event(project: MicroProject, step: workflow.Step) -> ProjectEvent:
    return ProjectEvent(round_id=project.round_id, project_id=project.id, action=step.name,
                        from_state=step.previous, to_state=step.target,
                        actor_id=getattr(step.actor, "id", None), actor_role=step.role,
                        note=step.fields.get("note", ""), created_at=step.now)


def _notify_project(project: MicroProject, step: workflow.Step) -> None:
    if step.actor is None:  # the system's steps come with the round's own notice
        return
    notify_followers("micro_project", project.id, project.compound_id,
                     f"micro_project.{step.name}",
                     gettext("微项目“%(title)s”：%(state)s", title=project.title,
                             state=PROJECT_LABELS[step.target]),
                     project_path(project), actor=step.actor)


ROUND = workflow.Workflow(
    domain="micro_round", model=ProjectRound, state_attr="state", labels=ROUND_LABELS,
    transitions=ROUND_TRANSITIONS, compound_of=compound_of,
    refused=_l("这一轮微项目当前处于“%(state)s”阶段，不能进行这项操作。"),
    fields=FIELDS, default_fields=("note",), event=_round_event)

PROJECT = workflow.Workflow(
    domain="micro_project", model=MicroProject, state_attr="state", labels=PROJECT_LABELS,
    transitions=PROJECT_TRANSITIONS, compound_of=compound_of,
    refused=_l("这个微项目当前处于“%(state)s”阶段，不能进行这项操作。"),
    fields=FIELDS, default_fields=("note",), event=_project_event, notify=_notify_project)
