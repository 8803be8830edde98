"""Read side of the issue pages, in a fixed number of statements whatever the number of
issues or comments (eager loads, one roles look-up for every name on the page)."""
from dataclasses import dataclass, field

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import joinedload

from app.compounds.access import has_role, is_staff
from app.compounds.models import Compound
from app.compounds.roles import badges_from_roles
from app.compounds.services import roles_by_member
from app.extensions import db
from app.issues.labels import anonymous_shown
from app.issues.models import Comment, Issue, IssueEvent

PAGE_SIZE = 20
COMMENTS_PER_PAGE = 50
WHO_SEERS = ("party_cell", "staff")  # always see who raised an anonymous issue


def sees_who(user, compound: Compound) -> bool:
    return is_staff(user, compound) or has_role(user, compound, *WHO_SEERS)


def hides_author(issue: Issue, viewer, sees: bool) -> bool:
    """Whether `viewer` reads 某业主 (3栋)/某居民 instead of the author of `issue` (or of a
    comment): when the author chose to be anonymous, unless the viewer is staff, the party cell
    or the author."""
    return (issue.show_as == "anonymous" and not sees
            and getattr(viewer, "id", None) != issue.author_id)


def author_name(issue: Issue, viewer, sees: bool) -> str:
    """The name residents read: the display name, or the anonymous label."""
    if hides_author(issue, viewer, sees):
        return anonymous_shown(issue.anonymous_label)
    return issue.author.display_name


def event_actor(issue: Issue, event: IssueEvent, viewer, sees: bool) -> tuple[str, str | None]:
    """Who made a step on the issue's timeline, and in which role. The author's own steps
    (confirming the resolution) are hidden as their name on the issue is, role included (a
    council member of building 3 is as good as a name): they appear as the author (发起人)."""
    if event.actor_id == issue.author_id and hides_author(issue, viewer, sees):
        return anonymous_shown(issue.anonymous_label), "author"
    return event.actor.display_name, event.actor_role


def list_issues(compound: Compound, *, status: str = "", category: str = "",
                building_id: int | None = None, page: int = 1) -> tuple[list[Issue], int]:
    shape = (bool(status), bool(category), bool(building_id))
    count, page_of = _LIST_STATEMENTS.get(shape) or _list_statements(shape)
    values = {"compound_id": compound.id, "status": status, "category": category,
              "building_id": building_id, "offset": (page - 1) * PAGE_SIZE}
    total = db.session.scalar(count, values) or 0
    issues = list(db.session.scalars(page_of, values))
    return issues, total


# (status, category, building set) -> (count, page): built once per shape.
_LIST_STATEMENTS: dict = {}


def _list_statements(shape: tuple):
    status, category, building = shape
    where = [Issue.compound_id == bindparam("compound_id")]
    if status:
        where.append(Issue.status == bindparam("status"))
    if category:
        where.append(Issue.category == bindparam("category"))
    if building:
        where.append(Issue.building_id == bindparam("building_id"))
    _LIST_STATEMENTS[shape] = found = (
        select(func.count(Issue.id)).where(*where),
        select(Issue).where(*where).options(joinedload(Issue.author), joinedload(Issue.building))
        .order_by(Issue.created_at.desc(), Issue.id.desc())
        .limit(PAGE_SIZE).offset(bindparam("offset", type_=Integer)))
    return found


@dataclass
class Thread:
    comments: list[Comment]
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    badges: dict[int, list] = field(default_factory=dict)
    total: int = 0


def thread(issue: Issue, compound: Compound, page: int = 1) -> Thread:
    return thread_of(Comment.issue_id, issue.id, compound, page)


def _thread_statements(parent_column):
    """(page, count) of the top-level comments whose `parent_column` is `parent_id`."""
    top = [parent_column == bindparam("parent_id"), Comment.parent_id.is_(None)]
    return (select(Comment, func.count(Comment.id).over()).where(*top)
            .options(joinedload(Comment.author))
            .order_by(Comment.is_official.desc(), Comment.created_at, Comment.id)
            .limit(COMMENTS_PER_PAGE).offset(bindparam("offset", type_=Integer)),
            select(func.count(Comment.id)).where(*top))


# Built once: every issue and proposal page runs them.
_THREAD = {Comment.issue_id.key: _thread_statements(Comment.issue_id),
           Comment.proposal_id.key: _thread_statements(Comment.proposal_id)}
_REPLIES = (select(Comment).where(Comment.parent_id.in_(bindparam("ids", expanding=True)))
            .options(joinedload(Comment.author)).order_by(Comment.created_at, Comment.id))


def thread_of(parent_column, parent_id: int, compound: Compound, page: int = 1) -> Thread:
    """One page of the top-level comments under `parent_id` (`parent_column`: Comment.issue_id
    or Comment.proposal_id; official replies first, then oldest first), all their replies, and
    every author's badges: three statements (the count of top-level comments comes with the
    page, as a window over all of them)."""
    page_of, count = _THREAD[parent_column.key]
    values = {"parent_id": parent_id, "offset": (page - 1) * COMMENTS_PER_PAGE}
    rows = db.session.execute(page_of, values).all()
    comments = [comment for comment, _total in rows]
    total = rows[0][1] if rows else 0
    if not rows and page > 1:  # past the last page: the count still says how many there are
        total = db.session.scalar(count, values) or 0
    replies: dict[int, list[Comment]] = {c.id: [] for c in comments}
    if comments:
        for reply in db.session.scalars(_REPLIES, {"ids": list(replies)}):
            replies[reply.parent_id].append(reply)
    people = {c.author for c in comments} | {r.author for rs in replies.values() for r in rs}
    roles = roles_by_member(compound, [p.id for p in people])
    badges = {p.id: badges_from_roles(roles.get(p.id, set()), bool(p.shows_party_badge))
              for p in people}
    return Thread(comments, replies, badges, total)


_EVENTS = (select(IssueEvent).where(IssueEvent.issue_id == bindparam("issue_id"))
           .options(joinedload(IssueEvent.actor))
           .order_by(IssueEvent.created_at, IssueEvent.id))
# Photos joined in the same statement (at most six rows per issue).
_LOAD_ISSUE = (select(Issue).where(Issue.id == bindparam("issue_id"),
                                   Issue.compound_id == bindparam("compound_id"))
               .options(joinedload(Issue.author), joinedload(Issue.building),
                        joinedload(Issue.photos))
               .execution_options(populate_existing=True))


def events(issue: Issue) -> list[IssueEvent]:
    return list(db.session.scalars(_EVENTS, {"issue_id": issue.id}))


def load_issue(compound: Compound, issue_id: int) -> Issue | None:
    return db.session.execute(_LOAD_ISSUE, {"issue_id": issue_id, "compound_id": compound.id}
                              ).unique().scalar_one_or_none()


def linked_proposals(issue: Issue) -> list:
    from app.proposals.models import Proposal

    return list(db.session.scalars(select(Proposal).where(
        Proposal.origin_issue_id == issue.id, Proposal.compound_id == issue.compound_id)
        .order_by(Proposal.id)))
