"""Issue services: raising an issue, seconding it, and the named steps of its lifecycle.
Services take the actor, flush, never commit; every change is audited."""
from datetime import datetime, timedelta

from flask_babel import ngettext
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.services import record
from app.compounds.access import has_role, is_member, primary_role, roles_in
from app.compounds.models import Building, Compound, Residency, RoleGrant, Unit
from app.core.db import get_scoped, insert_unless_exists
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.phones import normalize_mobile
from app.core.sanitize import clean_text, render_markdown
from app.core.time import utcnow
from app.extensions import db
from app.issues.labels import anonymous_stored
from app.issues.lifecycle import SECONDABLE, anonymous_as, apply, issue_compound, issue_path
from app.issues.models import RATINGS, Issue, IssueCategory, IssuePhoto, IssueSecond
from app.issues.photos import MAX_PHOTOS, PreparedPhoto
from app.moderation.mutes import ensure_not_muted
from app.notifications.services import follow, notify

DEFAULT_CATEGORIES = ("环境卫生", "停车交通", "安全隐患", "物业服务", "公共设施", "邻里关系",
                      "其他")
SILENCE_DAYS = 7
TITLE_MAX = 120
BODY_MAX = 10000


# Built once: the issue pages read them on every request.
_CATEGORIES = select(IssueCategory.name).where(
    IssueCategory.compound_id == bindparam("compound_id")).order_by(IssueCategory.position,
                                                                     IssueCategory.id)
_BUILDINGS = select(Building).where(
    Building.compound_id == bindparam("compound_id")).order_by(Building.name)


def categories_for(compound: Compound) -> list[str]:
    """The compound's own category list, or the defaults when it has none."""
    names = list(db.session.scalars(_CATEGORIES, {"compound_id": compound.id}))
    return names or list(DEFAULT_CATEGORIES)


def buildings_of(compound: Compound) -> list[Building]:
    return list(db.session.scalars(_BUILDINGS, {"compound_id": compound.id}))


def _residency(user: User, compound: Compound) -> Residency | None:
    """The person's household here (their first verified unit)."""
    return db.session.scalar(select(Residency).where(
        Residency.user_id == user.id, Residency.compound_id == compound.id,
        Residency.revoked_at.is_(None)).order_by(Residency.id).limit(1)
        .options(joinedload(Residency.unit).joinedload(Unit.building)))


def anonymous_label(author: User, compound: Compound) -> str:
    """某业主 (3栋) for an owner, 某居民 for anyone else: what stands for an anonymous author."""
    residency = _residency(author, compound)
    if residency is None or residency.relation != "owner":
        return anonymous_stored(None)
    return anonymous_stored(residency.unit.building.name)


def resident_by_mobile(compound: Compound, mobile: str | None) -> User:
    """The verified resident a grid worker reports for."""
    number = normalize_mobile(mobile)
    user = number and db.session.scalar(select(User).where(User.mobile == number))
    if not user or "resident" not in roles_in(user, compound):
        raise ServiceError(_l("找不到这个手机号对应的本小区已认证居民。"), field="on_behalf_mobile")
    return user


def post_issue(actor: User, compound: Compound, *, title: str, body: str, category: str,
               building_id: int | None = None, show_as: str = "name",
               photos: list[PreparedPhoto] = (), on_behalf_of: User | None = None) -> Issue:
    """A verified resident raises an issue; a grid worker may raise it for a resident (代办),
    recorded as such. The photos are written to disk only once every check has passed, so a
    refused issue leaves no file behind."""
    if on_behalf_of is not None:
        if not has_role(actor, compound, "grid"):
            raise PermissionDenied(_l("只有网格员可以代居民反映问题。"))
        author = on_behalf_of
    else:
        if "resident" not in roles_in(actor, compound):
            raise PermissionDenied(_l("只有本小区已认证的居民可以发起议题。"))
        author = actor
    ensure_not_muted(actor, compound)
    if author is not actor:
        ensure_not_muted(author, compound, on_behalf=True)
    title = clean_text(title, TITLE_MAX)
    if not title:
        raise ServiceError(_l("请填写标题。"), field="title")
    body = (body or "").strip()
    if len(body) > BODY_MAX:
        raise ServiceError(_l("内容请不超过 10000 字。"), field="body")
    if category not in categories_for(compound):
        raise ServiceError(_l("请选择分类。"), field="category")
    if building_id and db.session.scalar(select(Building.id).where(
            Building.id == building_id, Building.compound_id == compound.id)) is None:
        raise ServiceError(_l("请选择本小区的楼栋。"), field="building")
    if show_as not in ("name", "anonymous"):
        raise ServiceError(_l("请选择显示方式。"), field="show_as")
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_l("最多上传 6 张照片。"), field="photos")
    now = utcnow()
    issue = Issue(compound_id=compound.id, author_id=author.id, title=title,
                  reporter_id=actor.id if on_behalf_of is not None else None,
                  is_on_behalf=on_behalf_of is not None, body_source=body,
                  body_html=str(render_markdown(body)), category=category,
                  building_id=building_id or None, show_as=show_as,
                  anonymous_label=anonymous_label(author, compound), status="open",
                  second_count=0, created_at=now, updated_at=now)
    db.session.add(issue)
    db.session.flush()
    stored = [photo.store() for photo in photos]
    rows = [IssuePhoto(issue_id=issue.id, path=p.path, sha256=p.sha256, thumb_path=p.thumb_path,
                       width=p.width, height=p.height, position=i) for i, p in enumerate(stored)]
    db.session.add_all(rows)
    follow(author, compound.id, "issue", issue.id, audited=False)
    if on_behalf_of is not None:
        follow(actor, compound.id, "issue", issue.id, audited=False)
    record(actor, compound, "issue.create", issue,
           {"category": category, "show_as": show_as, "photos": [p.sha256 for p in stored],
            "on_behalf_of": author.id if on_behalf_of is not None else None},
           also=rows, actor_role=primary_role(actor, compound),
           anonymous_as=anonymous_as(issue, actor))
    return issue


def get_issue(compound: Compound, issue_id: int) -> Issue:
    return get_scoped(Issue, issue_id, _l("找不到这个议题。"), compound_id=compound.id)


def _insert_second(values: dict) -> bool:
    """Insert unless the household already seconded: the unique index decides, atomically."""
    return insert_unless_exists(IssueSecond, values, ["issue_id", "unit_id"]) is not None


def second(actor: User, issue: Issue) -> IssueSecond:
    """附议: once per household (unit); the count is of distinct households. Reaching the
    compound's threshold puts the issue on the council's agenda and tells the party cell."""
    compound = issue_compound(issue)
    residency = _residency(actor, compound) if "resident" in roles_in(actor, compound) else None
    if residency is None:
        raise PermissionDenied(_l("只有本小区已认证的居民可以附议。"))
    if issue.author_id == actor.id:
        raise ServiceError(_l("这是您发起的议题，无需附议。"), status=409)
    if issue.status not in SECONDABLE or issue.is_hidden:
        raise ServiceError(_l("这个议题现在不能附议。"), status=409)
    now = utcnow()
    if not _insert_second({"issue_id": issue.id, "unit_id": residency.unit_id,
                           "user_id": actor.id, "created_at": now}):
        raise Conflict(_l("您家已经附议过这个议题了，每户只能附议一次。"))
    count = db.session.execute(
        update(Issue).where(Issue.id == issue.id)
        .values(second_count=Issue.second_count + 1, updated_at=now)
        .returning(Issue.second_count)).scalar_one()
    db.session.refresh(issue)
    row = db.session.scalar(select(IssueSecond).where(
        IssueSecond.issue_id == issue.id, IssueSecond.unit_id == residency.unit_id))
    follow(actor, compound.id, "issue", issue.id, audited=False)
    record(actor, compound, "issue.second", row, {"issue_id": issue.id, "count": count},
           also=[issue], actor_role=primary_role(actor, compound))
    threshold = compound.second_threshold or 10
    if count >= threshold and issue.status in ("open", "acknowledged"):
        apply(issue, "reach_threshold", None, data={"count": count, "threshold": threshold})
        party = db.session.scalars(select(RoleGrant.user_id).where(
            RoleGrant.compound_id == compound.id, RoleGrant.role == "party_cell",
            RoleGrant.revoked_at.is_(None)))
        notify(party, compound.id, "issue.agenda",
               ngettext("议题“%(title)s”已有 %(n)s 户附议，自动列入议事议程",
                        "议题“%(title)s”已有 %(n)s 户附议，自动列入议事议程", count,
                        title=issue.title, n=count), issue_path(issue))
    return row


_HAS_SECONDED = select(IssueSecond.id).where(  # built once: every issue page asks
    IssueSecond.issue_id == bindparam("issue_id"),
    IssueSecond.unit_id.in_(select(Residency.unit_id).where(
        Residency.user_id == bindparam("user_id"),
        Residency.compound_id == bindparam("compound_id"),
        Residency.revoked_at.is_(None)))).limit(1)


def has_seconded(user: User, issue: Issue) -> bool:
    """Whether the person's household has seconded (anyone of it)."""
    return db.session.scalar(_HAS_SECONDED, {"issue_id": issue.id, "user_id": user.id,
                                             "compound_id": issue.compound_id}) is not None


# Named lifecycle steps: each adds its own checks to apply().

def acknowledge(actor, issue: Issue, note: str = ""):
    return apply(issue, "acknowledge", actor, note=note)


def put_on_agenda(actor, issue: Issue, note: str = ""):
    return apply(issue, "put_on_agenda", actor, note=note)


def dispatch(actor, issue: Issue, due_at: datetime | None, note: str = ""):
    """派单: the compound can't settle it; community staff take it, with a due date."""
    if due_at is None or due_at <= utcnow():
        raise ServiceError(_l("请填写今天以后的办结期限。"), field="due_date")
    return apply(issue, "dispatch", actor, note=note, values={"due_at": due_at},
                 data={"due_at": due_at.isoformat()})


def answer(actor, issue: Issue, note: str):
    return apply(issue, "answer", actor, note=note, values={"answered_at": utcnow()})


def confirm(actor, issue: Issue, rating: str, note: str = ""):
    """The author confirms the resolution and rates the handling (满意度)."""
    if rating not in RATINGS:
        raise ServiceError(_l("请选择您对处理结果的评价。"), field="rating")
    return apply(issue, "confirm", actor, note=note,
                 values={"rating": rating, "resolved_at": utcnow()}, data={"rating": rating})


def resolve_silent(actor, issue: Issue, now: datetime | None = None):
    """Resolved without the author's word when they stayed silent for 7 days after the
    answer (staff, or the system's daily run)."""
    now = now or utcnow()
    if issue.answered_at is None or now - issue.answered_at < timedelta(days=SILENCE_DAYS):
        raise ServiceError(_l("答复后 7 天内须由发起人确认，期满无回应才能代为办结。"), status=409)
    return apply(issue, "resolve_silent", actor, values={"resolved_at": now}, now=now)


def resolve_all_silent(now: datetime | None = None) -> int:
    """The system's run: every issue answered more than 7 days ago and not confirmed."""
    now = now or utcnow()
    due = db.session.scalars(select(Issue).where(
        Issue.status == "answered", Issue.answered_at <= now - timedelta(days=SILENCE_DAYS))
        .order_by(Issue.id)).all()
    for issue in due:
        resolve_silent(None, issue, now)
    return len(due)


def close(actor, issue: Issue, note: str = ""):
    return apply(issue, "close", actor, note=note)


def advance(actor, issue: Issue, name: str, *, note: str = "", due_at: datetime | None = None,
            rating: str = ""):
    """A status button's one entry point: through the step's own rules where it has some,
    else straight to the transition table."""
    if name == "dispatch":
        return dispatch(actor, issue, due_at, note)
    if name == "confirm":
        return confirm(actor, issue, rating, note)
    if name == "resolve_silent":
        return resolve_silent(actor, issue)
    return apply(issue, name, actor, note=note)


def issue_for_proposal(actor, compound: Compound, issue_id: int | None) -> Issue | None:
    """The on-agenda issue a new proposal comes from (for the proposals page)."""
    if not issue_id:
        return None
    issue = get_issue(compound, issue_id)
    if issue.status != "on_agenda":
        raise ServiceError(_l("只有已列入议事议程的议题可以转为议案。"), status=409)
    return issue


def mark_proposal(actor, issue: Issue, proposal) -> None:
    """Called in the transaction that created `proposal` from `issue`."""
    apply(issue, "to_proposal", actor, data={"proposal_id": proposal.id})


def may_view(user, compound: Compound) -> bool:
    return is_member(user, compound)
