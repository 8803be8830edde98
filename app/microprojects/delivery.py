"""实施, 验收 and 资金使用公示: milestones with their progress and photos, the council's
acceptance, residents' 1–5 ratings (one per person) and the spending published against the
project's budget. Services take the actor, flush, never commit; every change is audited."""
from sqlalchemy import func, select, update

from app.audit.services import record
from app.compounds.access import has_role, primary_role, roles_in
from app.core.db import insert_unless_exists
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.core.workflow import apply, check, expect
from app.extensions import db
from app.issues.photos import MAX_PHOTOS
from app.microprojects import announce, funding
from app.microprojects.ideas import add_photos
from app.microprojects.lifecycle import PROJECT, compound_of
from app.microprojects.models import (
    MicroProject,
    ProjectMilestone,
    ProjectRating,
    ProjectRound,
)

BUILDERS = ("property", "staff", "council", "committee")  # who reports the work's progress


def post_milestone(actor, project: MicroProject, *, note: str, progress, photos=(),
                   now=None) -> ProjectMilestone:
    """A step of the work: the progress it reached (0–100 %, above the last one) and photos.
    Two posted at once cannot both move the bar: the UPDATE is conditional on the progress
    read."""
    compound = compound_of(project)
    if not has_role(actor, compound, *BUILDERS):
        raise PermissionDenied(_l("只有物业、社区工作人员、议事会或业委会可以发布实施进展。"))
    if project.state != "implementing":
        raise ServiceError(_l("项目不在实施阶段，不能发布进展。"), status=409)
    note = (note or "").strip()
    if not note:
        raise ServiceError(_l("请写明这一步做了什么。"), field="note")
    if len(note) > 2000:
        raise ServiceError(_l("内容请不超过 2000 字。"), field="note")
    try:
        percent = int(progress)
    except (TypeError, ValueError):
        raise ServiceError(_l("进度请填写 0 到 100 之间的整数。"), field="progress") from None
    if not 0 < percent <= 100:
        raise ServiceError(_l("进度请填写 1 到 100 之间的整数。"), field="progress")
    if percent <= project.progress:
        raise ServiceError(_l("进度须高于上一次的 %(n)s%%。", n=project.progress),
                           field="progress")
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_l("最多上传 6 张照片。"), field="photos")
    now = now or utcnow()
    moved = db.session.execute(
        update(MicroProject).where(MicroProject.id == project.id,
                                   MicroProject.state == "implementing",
                                   MicroProject.progress == project.progress)
        .values(progress=percent, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict(_l("进度刚刚被别人更新了，请刷新后再试。"))
    db.session.refresh(project)
    milestone = ProjectMilestone(project_id=project.id, note=note, progress=percent,
                                 posted_by_id=actor.id,
                                 posted_role=primary_role(actor, compound), created_at=now)
    db.session.add(milestone)
    db.session.flush()
    rows = add_photos(project, photos, milestone.id, start=0)
    record(actor, compound, "micro_project.milestone", milestone,
           {"project": project.id, "progress": percent, "photos": [r.sha256 for r in rows]},
           also=[project, *rows], actor_role=primary_role(actor, compound))
    return milestone


def accept(actor, project: MicroProject, note: str, *, seen=None, now=None):
    """验收: a council member records the council's acceptance with its opinion, once the
    work is at 100 %."""
    expect(PROJECT, project, seen)
    check(PROJECT, project, "accept", actor, fields={"note": note}, now=now)
    if project.progress < 100:
        raise ServiceError(_l("项目进度尚未达到 100%%，不能验收。"), status=409)
    now = now or utcnow()
    return apply(PROJECT, project, "accept", actor, fields={"note": note}, now=now,
                 where=[MicroProject.progress == 100],
                 values={"acceptance_note": (note or "").strip()[:2000], "accepted_at": now})


def rate(actor, project: MicroProject, stars, now=None) -> ProjectRating:
    """A verified resident rates an accepted project 1–5, once (the unique index decides)."""
    compound = compound_of(project)
    if "resident" not in roles_in(actor, compound):
        raise PermissionDenied(_l("只有本小区已认证的居民可以评价。"))
    if project.state not in ("accepted", "disclosed"):
        raise ServiceError(_l("项目验收后才能评价。"), status=409)
    try:
        value = int(stars)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ServiceError(_l("请选择 1 到 5 星。"), field="stars")
    new_id = insert_unless_exists(ProjectRating, {
        "project_id": project.id, "user_id": actor.id, "stars": value,
        "created_at": now or utcnow()}, ["project_id", "user_id"])
    if new_id is None:
        raise Conflict(_l("您已经评价过这个项目了，每人只能评价一次。"))
    row = db.session.get(ProjectRating, new_id)
    record(actor, compound, "micro_project.rate", row, {"project": project.id, "stars": value},
           actor_role=primary_role(actor, compound))
    return row


def rating_summary(project: MicroProject) -> tuple[int, int]:
    """(number of ratings, sum of stars): the average is shown as a fraction of the two."""
    count, total = db.session.execute(select(
        func.count(ProjectRating.id), func.coalesce(func.sum(ProjectRating.stars), 0))
        .where(ProjectRating.project_id == project.id)).one()
    return int(count), int(total)


def disclose(actor, project: MicroProject, *, seen=None, now=None):
    """资金使用公示: the project's expenses in the fund's ledger, against its budget, published
    as a 财务公开 notice that links the project's spending page."""
    now = now or utcnow()
    expect(PROJECT, project, seen)
    check(PROJECT, project, "disclose", actor, now=now)
    project_round = db.session.get(ProjectRound, project.round_id)
    entries = funding.expenses_of(project)
    spent = sum(funding.signed(e) for e in entries)
    notice = announce.spending(actor, project_round, project, entries, spent, now)
    return apply(PROJECT, project, "disclose", actor, now=now,
                 values={"disclosure_notice_id": notice.id},
                 data={"notice": notice.id, "spent": spent, "budget": project.estimate,
                       "entries": [e.id for e in entries]})
