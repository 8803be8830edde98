"""An issue's way from raised to closed (DESIGN §2, 以事聚人). One table says which transition
goes from which statuses to which, and who may make it; apply() checks, moves, writes the
timeline, the audit log and the followers' notifications in the caller's transaction."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import update

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db
from app.issues.models import Issue, IssueEvent
from app.notifications.services import notify_followers

SYSTEM = "system"  # made by the system (the seconding threshold, the silence rule)
AUTHOR = "author"  # made by the person who raised the issue
HANDLERS = ("party_cell", "committee", "property", "staff")
AGENDA_SETTERS = ("party_cell", "council")
PROPOSERS = ("party_cell", "council", "committee")
SECONDABLE = ("open", "acknowledged", "on_agenda")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_note: bool = False


TRANSITIONS = {t.name: t for t in [
    Transition("acknowledge", ("open",), "acknowledged", HANDLERS),
    Transition("put_on_agenda", ("open", "acknowledged"), "on_agenda", AGENDA_SETTERS),
    Transition("reach_threshold", ("open", "acknowledged"), "on_agenda", (SYSTEM,)),
    Transition("to_proposal", ("on_agenda",), "proposal", PROPOSERS),
    Transition("dispatch", ("acknowledged", "on_agenda"), "dispatched",
               ("party_cell", "staff")),
    Transition("answer", ("acknowledged", "on_agenda", "proposal", "dispatched"), "answered",
               HANDLERS, needs_note=True),
    Transition("confirm", ("answered",), "resolved", (AUTHOR,)),
    Transition("resolve_silent", ("answered",), "resolved", ("staff", SYSTEM)),
    Transition("close", ("resolved",), "closed", ("party_cell", "staff")),
]}

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


def may(transition: Transition, issue: Issue, actor, compound: Compound) -> bool:
    if actor is None:
        return SYSTEM in transition.roles
    if AUTHOR in transition.roles and actor.id == issue.author_id:
        return True
    people = tuple(r for r in transition.roles if r not in (SYSTEM, AUTHOR))
    return bool(people) and has_role(actor, compound, *people)


def allowed_actions(issue: Issue, user) -> list[str]:
    """Transitions this person could make now (for buttons); apply() re-checks everything."""
    compound = issue_compound(issue)
    return [t.name for t in TRANSITIONS.values()
            if issue.status in t.sources and t.name != "to_proposal"
            and user is not None and may(t, issue, user, compound)]


def apply(issue: Issue, name: str, actor, *, note: str = "", data: dict | None = None,
          values: dict | None = None, now: datetime | None = None) -> IssueEvent:
    """Move `issue` along transition `name` (actor None = the system), or refuse and change
    nothing. The status moves by a conditional UPDATE, so two people acting at once can't both
    move it from the same status."""
    transition = TRANSITIONS[name]
    compound = issue_compound(issue)
    if not may(transition, issue, actor, compound):
        raise PermissionDenied(_l("您没有权限进行这项操作。"))
    note = (note or "").strip()[:2000]
    if transition.needs_note and not note:
        raise ServiceError(_l("请填写答复内容。"), field="note")
    now = now or utcnow()
    previous = issue.status
    moved = db.session.execute(
        update(Issue).where(Issue.id == issue.id, Issue.status.in_(transition.sources))
        .values(status=transition.target, updated_at=now, **(values or {}))
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        db.session.refresh(issue)
        raise ServiceError(_l("议题当前状态为“%(status)s”，不能进行这项操作。",
                              status=STATUS_LABELS[issue.status]), status=409)
    db.session.refresh(issue)
    role = primary_role(actor, compound) if actor is not None else SYSTEM
    if actor is not None and actor.id == issue.author_id and AUTHOR in transition.roles:
        role = role or AUTHOR
    event = IssueEvent(issue_id=issue.id, action=name, from_status=previous,
                       to_status=transition.target, actor_id=getattr(actor, "id", None),
                       actor_role=role, note=note, created_at=now)
    db.session.add(event)
    record(actor, compound, f"issue.{name}", issue,
           {"from": previous, "to": transition.target, "note": note, **(data or {})},
           also=[event], actor_role=role, anonymous_as=anonymous_as(issue, actor))
    notify_followers("issue", issue.id, compound.id, f"issue.{name}",
                     gettext("议题“%(title)s”状态变为“%(status)s”",
                             title=issue.title, status=STATUS_LABELS[transition.target]),
                     issue_path(issue), actor=actor)
    return event


def issue_path(issue: Issue) -> str:
    return f"/c/{issue.compound_id}/issues/{issue.id}"
