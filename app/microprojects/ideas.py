"""征集 and the reviews: residents propose ideas with a location, photos and an estimate;
neighbours second them once per household; the council reviews each (a rejection gives its
reason, published on the idea's page); the party cell reviews those the council passed, with
its opinion. Services take the actor, flush, never commit; every change is audited."""
from sqlalchemy import select, update

from app.audit.services import record
from app.compounds.access import primary_role, roles_in
from app.core.db import get_scoped, insert_unless_exists
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text, render_markdown
from app.core.time import utcnow
from app.core.workflow import apply, expect
from app.extensions import db
from app.funds.money import parse_yuan
from app.issues.photos import MAX_PHOTOS, PreparedPhoto
from app.microprojects.households import household_of
from app.microprojects.lifecycle import PROJECT, compound_of
from app.microprojects.models import MicroProject, ProjectPhoto, ProjectRound, ProjectSecond
from app.moderation.mutes import ensure_not_muted
from app.notifications.services import follow

TITLE_MAX = 120
BODY_MAX = 5000
LOCATION_MAX = 120


def get_project(project_round: ProjectRound, project_id: int) -> MicroProject:
    return get_scoped(MicroProject, project_id, _l("找不到这个微项目。"),
                      round_id=project_round.id)


def propose(actor, project_round: ProjectRound, *, title: str, body: str, location: str,
            estimate: str | int, photos: list[PreparedPhoto] = (), now=None) -> MicroProject:
    """A verified resident proposes an idea while the round collects. The estimate is in 元
    (to the 分) and may not exceed the round's cap; the photos are stored only once every
    check has passed."""
    compound = compound_of(project_round)
    if "resident" not in roles_in(actor, compound):
        raise PermissionDenied(_l("只有本小区已认证的居民可以提出微项目。"))
    ensure_not_muted(actor, compound)
    if project_round.state != "collecting":
        raise ServiceError(_l("这一轮已结束征集，不能再提出微项目。"), status=409)
    now = now or utcnow()
    if now >= project_round.collect_until:
        raise ServiceError(_l("征集已截止。"), status=409)
    title = clean_text(title, TITLE_MAX)
    if not title:
        raise ServiceError(_l("请填写项目名称。"), field="title")
    location = clean_text(location, LOCATION_MAX)
    if not location:
        raise ServiceError(_l("请填写项目地点。"), field="location")
    body = (body or "").strip()
    if len(body) > BODY_MAX:
        raise ServiceError(_l("内容请不超过 5000 字。"), field="body")
    cost = estimate if isinstance(estimate, int) else parse_yuan(estimate, field="estimate")
    if cost <= 0:
        raise ServiceError(_l("请填写大于零的估算金额。"), field="estimate")
    if cost > project_round.budget_cap:
        raise ServiceError(_l("估算金额超过了本轮的预算上限。"), field="estimate")
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_l("最多上传 6 张照片。"), field="photos")
    project = MicroProject(round_id=project_round.id, compound_id=compound.id,
                           author_id=actor.id, title=title, body_source=body,
                           body_html=str(render_markdown(body)), location=location,
                           estimate=cost, state="proposed", second_count=0, progress=0,
                           review_note="", party_opinion="", acceptance_note="",
                           created_at=now, updated_at=now)
    db.session.add(project)
    db.session.flush()
    rows = add_photos(project, photos)
    follow(actor, compound.id, "micro_project", project.id, audited=False)
    record(actor, compound, "micro_project.create", project,
           {"round": project_round.id, "estimate": cost,
            "photos": [r.sha256 for r in rows]}, also=rows,
           actor_role=primary_role(actor, compound))
    return project


def add_photos(project: MicroProject, photos, milestone_id: int | None = None,
               start: int = 0) -> list[ProjectPhoto]:
    stored = [photo.store() for photo in photos]
    rows = [ProjectPhoto(project_id=project.id, milestone_id=milestone_id, path=p.path,
                         sha256=p.sha256, thumb_path=p.thumb_path, width=p.width,
                         height=p.height, position=start + i) for i, p in enumerate(stored)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def second(actor, project: MicroProject) -> ProjectSecond:
    """附议: once per household (unit), while the round collects; the count is of distinct
    households and the unique index decides, atomically."""
    project_round = db.session.get(ProjectRound, project.round_id)
    compound = compound_of(project)
    residency = household_of(actor, compound.id) if "resident" in roles_in(actor, compound) \
        else None
    if residency is None:
        raise PermissionDenied(_l("只有本小区已认证的居民可以附议。"))
    if project.author_id == actor.id:
        raise ServiceError(_l("这是您提出的微项目，无需附议。"), status=409)
    if project_round.state not in ("collecting", "reviewing") or project.state != "proposed":
        raise ServiceError(_l("这个微项目现在不能附议。"), status=409)
    now = utcnow()
    new_id = insert_unless_exists(ProjectSecond, {
        "project_id": project.id, "unit_id": residency.unit_id, "user_id": actor.id,
        "created_at": now}, ["project_id", "unit_id"])
    if new_id is None:
        raise Conflict(_l("您家已经附议过这个微项目了，每户只能附议一次。"))
    count = db.session.execute(
        update(MicroProject).where(MicroProject.id == project.id)
        .values(second_count=MicroProject.second_count + 1, updated_at=now)
        .returning(MicroProject.second_count)).scalar_one()
    db.session.refresh(project)
    row = db.session.get(ProjectSecond, new_id)
    follow(actor, compound.id, "micro_project", project.id, audited=False)
    record(actor, compound, "micro_project.second", row, {"project": project.id,
                                                          "count": count},
           also=[project], actor_role=primary_role(actor, compound))
    return row


def has_seconded(user, project: MicroProject) -> bool:
    residency = household_of(user, project.compound_id)
    return residency is not None and db.session.scalar(select(ProjectSecond.id).where(
        ProjectSecond.project_id == project.id,
        ProjectSecond.unit_id == residency.unit_id)) is not None


# The review steps: the round must be at the matching stage.
REVIEW_STAGE = {"shortlist": "reviewing", "reject": "reviewing", "endorse": "party_review",
                "party_reject": "party_review"}
NOTE_COLUMN = {"shortlist": "review_note", "reject": "review_note", "endorse": "party_opinion",
               "party_reject": "party_opinion"}


def review(actor, project: MicroProject, name: str, note: str = "", seen: str | None = None):
    """议事会初审 (shortlist / reject, the rejection with its reason) and 党组织审议 (endorse /
    party_reject, with the opinion). The reason or opinion is stored on the idea and shown to
    everyone on its page."""
    if name not in REVIEW_STAGE:
        raise ServiceError(_l("没有这个审核步骤。"), status=404)
    project_round = db.session.get(ProjectRound, project.round_id)
    expect(PROJECT, project, seen)
    if project_round.state != REVIEW_STAGE[name]:
        raise ServiceError(_l("这一轮现在不在这个审核阶段。"), status=409)
    text = (note or "").strip()
    return apply(PROJECT, project, name, actor, fields={"note": text},
                 values={NOTE_COLUMN[name]: text[:2000]})
