"""An issue's way from raised to closed (DESIGN §2, 以事聚人): the transition table, run by the
one engine (app.core.workflow), which checks, moves the status by a conditional UPDATE, writes
the timeline, the audit log and the followers' notifications in the caller's transaction."""
from datetime import datetime

from flask_babel import gettext

from app.compounds.models import Compound
from app.core import workflow
from app.core.i18n import lazy_gettext as _l
from app.core.workflow import AUTHOR, SYSTEM, Field, Transition
from app.extensions import db
from app.issues.models import Issue, IssueEvent
from app.notifications.services import notify_followers

HANDLERS = ("party_cell", "committee", "property", "staff")
AGENDA_SETTERS = ("party_cell", "council")
PROPOSERS = ("party_cell", "council", "committee")
SECONDABLE = ("open", "acknowledged", "on_agenda")

TRANSITIONS = {t.name: t for t in [
    Transition("acknowledge", ("open",), "acknowledged", HANDLERS),
    Transition("put_on_agenda", ("open", "acknowledged"), "on_agenda", AGENDA_SETTERS),
    Transition("reach_threshold", ("open", "acknowledged"), "on_agenda", (SYSTEM,)),
    Transition("to_proposal", ("on_agenda",), "proposal", PROPOSERS),
    Transition("dispatch", ("acknowledged", "on_agenda"), "dispatched",
               ("party_cell", "staff")),
    Transition("answer", ("acknowledged", "on_agenda", "proposal", "dispatched"), "answered",
               HANDLERS, required=("note",)),
    Transition("confirm", ("answered",), "resolved", (AUTHOR,)),
    Transition("resolve_silent", ("answered",), "resolved", ("staff", SYSTEM)),
    Transition("close", ("resolved",), "closed", ("party_cell", "staff")),
]}
# Not a button on the issue page: it happens when a proposal is drafted from the issue.
NOT_BUTTONS = ("to_proposal",)

STATUS_LABELS = {
    "open": _l("待受理"), "acknowledged": _l("已受理"), "on_agenda": _l("已列入议事议程"),
    "proposal": _l("已转为议案"), "dispatched": _l("已派单至社区"), "answered": _l("已答复"),
    "resolved": _l("已解决"), "closed": _l("已关闭"),
}


def anonymous_as(issue: Issue, actor) -> str | None:
    """The label ("某业主 (3栋)") that stands for `actor` when they are the author of an
    anonymous issue acting on it; None when the actor is shown by name."""
    if issue.show_as == "anonymous" and actor is not None and actor.id == issue.author_id:
        return issue.anonymous_label
    return None


def issue_compound(issue: Issue) -> Compound:
    return db.session.get(Compound, issue.compound_id)


def issue_path(issue: Issue) -> str:
    return f"/c/{issue.compound_id}/issues/{issue.id}"


def _event(issue: Issue, step: workflow.Step) -> IssueEvent:
    return IssueEvent(issue_id=issue.id, action=step.name, from_status=step.previous,
                      to_status=step.target, actor_id=getattr(step.actor, "id", None),
                      actor_role=step.role, note=step.fields["note"], created_at=step.now)


def _notify(issue: Issue, step: workflow.Step) -> None:
    notify_followers("issue", issue.id, issue.compound_id, f"issue.{step.name}",
                     gettext("议题“%(title)s”状态变为“%(status)s”",
                             title=issue.title, status=STATUS_LABELS[step.target]),
                     issue_path(issue), actor=step.actor)


WORKFLOW = workflow.Workflow(
    domain="issue", model=Issue, state_attr="status", labels=STATUS_LABELS,
    transitions=TRANSITIONS, compound_of=issue_compound,
    refused=_l("议题当前状态为“%(status)s”，不能进行这项操作。"),
    fields={"note": Field("note", _l("请填写答复内容。"))}, default_fields=("note",),
    people={AUTHOR: lambda issue: issue.author_id}, event=_event, notify=_notify,
    anonymous_as=anonymous_as)


def allowed_actions(issue: Issue, user) -> list[str]:
    """Transitions this person could make now (for buttons); apply() re-checks everything."""
    return workflow.allowed(WORKFLOW, issue, user, skip=NOT_BUTTONS)


def apply(issue: Issue, name: str, actor, *, note: str = "", data: dict | None = None,
          values: dict | None = None, now: datetime | None = None) -> IssueEvent:
    """Move `issue` along transition `name` (actor None = the system), or refuse and change
    nothing."""
    return workflow.apply(WORKFLOW, issue, name, actor, fields={"note": note}, data=data,
                          values=values, now=now).event
