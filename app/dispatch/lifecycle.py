"""A ticket's way (派单闭环, DESIGN §4): 上报 → 受理 (or 不予受理) → 交办 → 接单 (or 退回, then
交办 again) → 办结反馈 → 评价; 不满意 → one 回访 → one 重办 → 办结 → second 评价 → 归档.
街道呼叫 moves an accepted ticket to the subdistrict level. The table is run by the one
engine (app.core.workflow): who may, the conditional UPDATE, the history row, the audit entry
and the notifications, in the caller's transaction.

Who acts: the staff of the level the ticket is at accept, decline, assign, revisit and
withdraw: community staff (the compound's "staff" role) at the community level, the staff of
its subdistrict (the read-only "subdistrict" role, which acts on dispatch only) once it is
escalated, admins at either (may_act). Community staff escalate; the handlers of the
assignee organisation take, return, finish and redo; the reporter rates."""
from datetime import datetime

from flask import g, has_request_context
from flask_babel import gettext
from sqlalchemy import select

from app.accounts.models import User
from app.compounds.access import has_role, roles_in
from app.compounds.models import Community, Compound, StaffAssignment, SubdistrictAssignment
from app.core import workflow
from app.core.errors import PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.core.workflow import Field, Transition
from app.dispatch.models import STATES, Ticket, TicketEvent
from app.dispatch.models import OrganisationHandler as Handler
from app.extensions import db
from app.notifications.services import notify

STAFF = ("staff",)
# The level's steps: the engine lets either staff through; may_act picks the ticket's level.
LEVEL = ("staff", "subdistrict")
HANDLER = "handler"
REPORTER = "reporter"
# Steps that belong to the level the ticket is at (community staff, or the subdistrict).
LEVEL_STEPS = ("accept", "decline", "assign", "revisit", "escalate", "withdraw")
# Whose reason residents read on the public history (a refusal, the handler's feedback).
PUBLIC_REASONS = ("decline", "withdraw", "finish", "redo")
# Internal steps: the history shows them to staff and handlers only.
PRIVATE_STEPS = ("return", "overdue")

TRANSITIONS = {t.name: t for t in [
    Transition("accept", ("reported",), "accepted", LEVEL),
    Transition("decline", ("reported",), "declined", LEVEL, required=("reason",)),
    Transition("assign", ("accepted", "returned"), "assigned", LEVEL),
    Transition("escalate", ("accepted", "returned"), "accepted", STAFF, required=("reason",)),
    Transition("take", ("assigned",), "taken", (HANDLER,)),
    Transition("return", ("assigned",), "returned", (HANDLER,), required=("reason",)),
    Transition("finish", ("taken",), "finished", (HANDLER,), required=("reason",)),
    Transition("rate", ("finished",), "archived", (REPORTER,)),
    Transition("dissatisfy", ("finished",), "unsatisfied", (REPORTER,)),
    Transition("revisit", ("unsatisfied",), "revisited", LEVEL, required=("reason",)),
    Transition("redo", ("revisited",), "taken", (HANDLER,)),
    Transition("withdraw", ("reported", "accepted", "assigned", "returned", "taken"),
               "withdrawn", LEVEL, required=("reason",)),
]}
# Steps with a form of their own on the ticket page (not a plain button).
OWN_FORMS = ("assign", "rate", "dissatisfy", "finish")

STATE_LABELS = {
    "reported": _l("已上报"), "accepted": _l("已受理"), "declined": _l("不予受理"),
    "assigned": _l("已交办"), "returned": _l("已退回"), "taken": _l("办理中"),
    "finished": _l("已办结，待评价"), "unsatisfied": _l("不满意，待回访"),
    "revisited": _l("已回访，待重办"), "archived": _l("已归档"), "withdrawn": _l("已撤回"),
}
assert set(STATE_LABELS) == set(STATES)


def handler_ids(organisation_id: int | None) -> frozenset[int]:
    """The active handler accounts of an organisation (cached for the request)."""
    if organisation_id is None:
        return frozenset()
    cache = g.setdefault("_dispatch_handlers", {}) if has_request_context() else {}
    if organisation_id not in cache:
        cache[organisation_id] = frozenset(db.session.scalars(select(Handler.user_id).where(
            Handler.organisation_id == organisation_id, Handler.revoked_at.is_(None))))
    return cache[organisation_id]


def staff_ids(community_id: int) -> list[int]:
    return list(db.session.scalars(select(StaffAssignment.user_id).where(
        StaffAssignment.community_id == community_id, StaffAssignment.revoked_at.is_(None))))


def subdistrict_of(community_id: int) -> int:
    cache = g.setdefault("_dispatch_subdistricts", {}) if has_request_context() else {}
    if community_id not in cache:
        cache[community_id] = db.session.scalar(select(Community.subdistrict_id).where(
            Community.id == community_id))
    return cache[community_id]


def subdistrict_staff_ids(community_id: int) -> list[int]:
    """The active staff of the subdistrict the community belongs to."""
    return list(db.session.scalars(select(SubdistrictAssignment.user_id).join(
        Community, Community.subdistrict_id == SubdistrictAssignment.subdistrict_id).where(
        Community.id == community_id, SubdistrictAssignment.revoked_at.is_(None))))


def admin_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.is_admin.is_(True))))


def level_staff_ids(ticket: Ticket) -> list[int]:
    """Who works the ticket's level: its community's staff, or its subdistrict's."""
    if ticket.level == "subdistrict":
        return subdistrict_staff_ids(ticket.community_id)
    return staff_ids(ticket.community_id)


def ticket_compound(ticket: Ticket) -> Compound:
    return db.session.get(Compound, ticket.compound_id)


def ticket_path(ticket: Ticket) -> str:
    return f"/dispatch/tickets/{ticket.id}"


def _event(ticket: Ticket, step: workflow.Step) -> TicketEvent:
    return TicketEvent(ticket_id=ticket.id, action=step.name, from_state=step.previous,
                       to_state=step.target, actor_id=getattr(step.actor, "id", None),
                       actor_role=step.role, organisation_id=ticket.organisation_id
                       if step.role == HANDLER or step.name in ("assign", "take", "return",
                                                                 "finish", "redo") else None,
                       reason=step.fields.get("reason", ""),
                       is_public=step.name not in PRIVATE_STEPS, created_at=step.now)


def _notify(ticket: Ticket, step: workflow.Step) -> None:
    message = gettext("工单“%(title)s”：%(state)s", title=ticket.title,
                      state=STATE_LABELS[step.target])
    path, actor_id = ticket_path(ticket), getattr(step.actor, "id", None)
    if step.name in ("assign", "revisit"):
        notify(handler_ids(ticket.organisation_id) - {actor_id}, ticket.compound_id,
               "ticket.todo", message, path)
    if step.name in ("return", "dissatisfy", "finish", "escalate"):
        notify([u for u in level_staff_ids(ticket) if u != actor_id], ticket.compound_id,
               "ticket.todo", message, path)
    if step.name not in PRIVATE_STEPS and ticket.reporter_id != actor_id:
        notify([ticket.reporter_id], ticket.compound_id, "ticket.step", message, path)


def _audit(ticket: Ticket, step: workflow.Step) -> dict:
    return {"level": ticket.level, "organisation_id": ticket.organisation_id}


WORKFLOW = workflow.Workflow(
    domain="ticket", model=Ticket, state_attr="state", labels=STATE_LABELS,
    transitions=TRANSITIONS, compound_of=ticket_compound,
    refused=_l("工单当前状态为“%(state)s”，不能进行这项操作。"),
    fields={"reason": Field("reason", _l("请填写理由或说明。"), max_length=1000,
                            too_long=_l("说明请不超过 1000 字。"))},
    default_fields=("reason",),
    people={HANDLER: lambda t: handler_ids(t.organisation_id),
            REPORTER: lambda t: t.reporter_id},
    event=_event, notify=_notify, audit_data=_audit)

SUBDISTRICT_ONLY = _l("工单已呼叫至街道，由街道处理。")
COMMUNITY_ONLY = _l("只有本社区的社区工作者可以进行这项操作。")


def may_act(ticket: Ticket, name: str, actor) -> bool:
    """The level's steps belong to the staff of the level the ticket is at: community staff
    at the community level (read-only once it is escalated), the staff of its subdistrict
    at the subdistrict level (their read-only role acts here and nowhere else); admins at
    both. Escalating is community staff's."""
    if actor is None or getattr(actor, "is_admin", False):
        return True
    if name not in LEVEL_STEPS:
        return True
    held = roles_in(actor, ticket.compound_id)
    if ticket.level == "subdistrict":
        return name != "escalate" and "subdistrict" in held
    return "staff" in held


def _refusal(ticket: Ticket):
    return SUBDISTRICT_ONLY if ticket.level == "subdistrict" else COMMUNITY_ONLY


def allowed_actions(ticket: Ticket, user) -> list[str]:
    """Transitions this person could make now (for buttons); apply() re-checks all."""
    return [name for name in workflow.allowed(WORKFLOW, ticket, user)
            if may_act(ticket, name, user)]


def require(ticket: Ticket, name: str, actor) -> None:
    if not may_act(ticket, name, actor):
        raise PermissionDenied(_refusal(ticket))


def apply(ticket: Ticket, name: str, actor, *, reason: str = "", seen: str | None = None,
          values: dict | None = None, where=(), data: dict | None = None, also=(),
          conflict=None, now: datetime | None = None) -> workflow.Step:
    """Move `ticket` along `name`, or refuse and change nothing."""
    require(ticket, name, actor)
    workflow.expect(WORKFLOW, ticket, seen)
    return workflow.apply(WORKFLOW, ticket, name, actor, fields={"reason": reason},
                          values=values, where=where, data=data, also=also,
                          conflict=conflict, now=now)


def is_community_staff(user, ticket: Ticket) -> bool:
    return has_role(user, ticket_compound(ticket), *STAFF)

