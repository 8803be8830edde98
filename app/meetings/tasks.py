"""Follow-up tasks spawned by decisions, and what the compound overview shows of meetings."""
from datetime import datetime

from sqlalchemy import Integer, bindparam, case, select

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core.db import get_scoped
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import TASK_STATUSES, FollowUpTask, Meeting

TASK_STATUS_LABELS = {"open": _l("未开始"), "in_progress": _l("进行中"), "done": _l("已完成")}
# Those who follow decisions through: the bodies that decide, the property manager who
# carries much of the work out, and community staff.
TASK_EDITORS = ("party_cell", "council", "committee", "property", "staff")


def get_task(compound: Compound, task_id: int) -> FollowUpTask:
    return get_scoped(FollowUpTask, task_id, _l("找不到这项任务。"), compound_id=compound.id)


def may_update(user, compound: Compound) -> bool:
    return has_role(user, compound, *TASK_EDITORS)


def update_task(actor, compound: Compound, task: FollowUpTask, status: str, note: str = "",
                now: datetime | None = None) -> FollowUpTask:
    if not may_update(actor, compound):
        raise PermissionDenied(_l("您不能更新这项任务。"))
    if status not in TASK_STATUSES:
        raise ServiceError(_l("请选择任务状态。"), field="status")
    previous = task.status
    task.status, task.note = status, clean_text(note, 500)
    task.updated_at = now or utcnow()
    db.session.flush()
    record(actor, compound, "meeting.task_update", task,
           {"from": previous, "to": status, "note": task.note},
           actor_role=primary_role(actor, compound))
    return task


def upcoming_meetings(compound: Compound, limit: int = 3,
                     now: datetime | None = None) -> list[Meeting]:
    """Meetings still to come and not called off, soonest first (for the compound overview)."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Meeting).where(Meeting.compound_id == compound.id, Meeting.starts_at >= now,
                              Meeting.status != "cancelled")
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)))


_OPEN_TASKS = (select(FollowUpTask).where(FollowUpTask.compound_id == bindparam("compound_id"),
                                           FollowUpTask.status != "done")
               .order_by(case((FollowUpTask.due_on.is_(None), 1), else_=0), FollowUpTask.due_on,
                         FollowUpTask.id))
# Built once, with and without a limit: the compound's home runs it on every request.
_OPEN_TASKS_LIMITED = _OPEN_TASKS.limit(bindparam("limit", type_=Integer))


def open_tasks(compound: Compound, limit: int | None = 5) -> list[FollowUpTask]:
    """Tasks not done yet, those with the earliest due date first (undated last)."""
    return list(db.session.scalars(_OPEN_TASKS_LIMITED if limit else _OPEN_TASKS,
                                   {"compound_id": compound.id, "limit": limit}))


def all_tasks(compound: Compound) -> list[FollowUpTask]:
    return list(db.session.scalars(
        select(FollowUpTask).where(FollowUpTask.compound_id == compound.id)
        .order_by(case((FollowUpTask.status == "done", 1), else_=0), FollowUpTask.due_on,
                  FollowUpTask.id)))


def overview_context(compound: Compound) -> dict:
    """What the compound overview page shows of meetings (templates/meetings/_partials)."""
    return {"meetings_upcoming": upcoming_meetings(compound),
            "meetings_open_tasks": open_tasks(compound), "today": utcnow().date()}
