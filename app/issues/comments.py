"""Discussions: comments with one level of replies, official replies by those who answer for
the compound, anonymous comments, edits that keep the earlier versions.

One mechanism for every discussion. What a discussion is under (an issue, or a proposal and
possibly one of its options) is a `Subject`: it says which comments are its own, who may post
and when, where its page is, and what followers are told. The issue's subject lives here; the
proposal's in app.proposals.discussion."""
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select

from app.audit.services import record
from app.compounds.access import has_role, is_member, primary_role
from app.compounds.models import Compound
from app.core.db import get_scoped
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import render_markdown
from app.core.time import utcnow
from app.extensions import db
from app.issues.lifecycle import issue_compound, issue_path
from app.issues.models import SHOW_AS, STANCES, Comment, CommentRevision, Issue
from app.issues.services import anonymous_label
from app.moderation.mutes import ensure_not_muted
from app.notifications.services import follow, notify, notify_followers

OFFICIAL_ROLES = ("property", "committee", "party_cell", "staff")
REVISION_READERS = ("party_cell", "staff")
BODY_MAX = 5000


@dataclass
class Subject:
    """What a discussion is under. `columns` identify its comments (issue_id, or proposal_id
    and option_id); `check_open(actor)` raises when `actor` may not post there now."""

    kind: str  # the follow/notification kind: "issue" | "proposal"
    row: object
    compound: Compound
    title: str
    path: str
    columns: dict
    check_open: Callable[[object], None]
    news: Callable[[bool], str]  # what followers read: (official) -> message
    allows_stance: bool = False

    @property
    def id(self) -> int:
        return self.row.id

    def owns(self, comment: Comment) -> bool:
        """Same issue, or same proposal (a reply may answer a comment about any option of it:
        the reply takes the option of the comment it answers)."""
        if self.kind == "issue":
            return comment.issue_id == self.row.id
        return comment.proposal_id == self.row.id


def _issue_open(issue: Issue, compound: Compound):
    def check(actor) -> None:
        if not is_member(actor, compound):
            raise PermissionDenied(_l("只有本小区的成员可以参与讨论。"))
        if issue.is_hidden:
            raise ServiceError(_l("这个议题已被隐藏，不能评论。"), status=409)
    return check


def issue_subject(issue: Issue) -> Subject:
    compound = issue_compound(issue)
    return Subject(
        "issue", issue, compound, issue.title, issue_path(issue), {"issue_id": issue.id},
        _issue_open(issue, compound),
        lambda official: (gettext("议题“%(title)s”有了官方回复", title=issue.title) if official
                          else gettext("议题“%(title)s”有新评论", title=issue.title)))


def subject_of(comment: Comment) -> Subject:
    """The subject a stored comment belongs to."""
    if comment.issue_id is not None:
        return issue_subject(db.session.get(Issue, comment.issue_id))
    from app.proposals.discussion import proposal_subject  # proposals build on issues

    return proposal_subject(comment.proposal_id)


def _subject(target) -> Subject:
    return target if isinstance(target, Subject) else issue_subject(target)


def _body(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_l("请填写评论内容。"), field="body")
    if len(text) > BODY_MAX:
        raise ServiceError(_l("评论请不超过 5000 字。"), field="body")
    return text


def get_comment(target, comment_id: int) -> Comment:
    """A comment of this issue or subject, else NotFound."""
    subject = _subject(target)
    scope = ({"issue_id": subject.id} if subject.kind == "issue"
             else {"proposal_id": subject.id})
    return get_scoped(Comment, comment_id, _l("找不到这条评论。"), **scope)


def anonymous_as(comment: Comment) -> str | None:
    return comment.anonymous_label if comment.show_as == "anonymous" else None


def post_comment(actor, target, body: str, *, parent: Comment | None = None,
                 official: bool = False, stance: str | None = None,
                 show_as: str = "name") -> Comment:
    """Post under an issue (any member of the compound) or a subject (its own rule, see
    app.proposals.discussion). A reply answers a top-level comment only (one level) and takes
    no stance. 官方回复 only by the property manager, committee, party cell or staff, and
    always under the name. Anonymous comments show "某业主 (3栋)"/"某居民" to other residents,
    in the page, the search and the audit trail."""
    subject = _subject(target)
    compound = subject.compound
    subject.check_open(actor)
    ensure_not_muted(actor, compound)
    if official and not has_role(actor, compound, *OFFICIAL_ROLES):
        raise PermissionDenied(_l("只有物业、业委会、党支部或社区工作人员可以发布官方回复。"))
    if parent is not None and (not subject.owns(parent) or parent.parent_id is not None):
        raise ServiceError(_l("只能回复本页讨论中的评论。"), field="body")
    if show_as not in SHOW_AS:
        raise ServiceError(_l("请选择发布时如何显示。"), field="show_as")
    is_official = bool(official and parent is None)
    if stance and (not subject.allows_stance or parent is not None):
        stance = None  # replies and issue comments carry no stance
    if stance is not None and stance not in STANCES:
        raise ServiceError(_l("请选择您的态度。"), field="stance")
    body = _body(body)
    if show_as == "anonymous" and is_official:
        raise ServiceError(_l("官方回复须署名，不能匿名发布。"), field="show_as")
    anonymous = show_as == "anonymous"
    columns = dict(subject.columns)
    if parent is not None and subject.kind != "issue":
        columns["option_id"] = parent.option_id
    comment = Comment(**columns, parent_id=parent.id if parent else None, author_id=actor.id,
                      body_source=body, body_html=str(render_markdown(body)),
                      stance=stance if parent is None else None,
                      show_as="anonymous" if anonymous else "name",
                      anonymous_label=anonymous_label(actor, compound) if anonymous else "",
                      is_official=is_official, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    follow(actor, compound.id, subject.kind, subject.id, audited=False)
    record(actor, compound, "comment.official" if comment.is_official else "comment.create",
           comment, {f"{subject.kind}_id": subject.id, "parent_id": comment.parent_id,
                     **({"option_id": comment.option_id} if comment.option_id else {}),
                     **({"stance": comment.stance} if comment.stance else {})},
           actor_role=primary_role(actor, compound), anonymous_as=anonymous_as(comment))
    link = f"{subject.path}#c{comment.id}"
    told = []
    if parent is not None:
        told.append(parent.author_id)
        notify([parent.author_id], compound.id, "comment.reply",
               gettext("有人回复了您在“%(title)s”下的评论", title=subject.title), link,
               skip=actor.id)
    kind = f"{subject.kind}.official_reply" if comment.is_official else f"{subject.kind}.comment"
    notify_followers(subject.kind, subject.id, compound.id, kind, subject.news(is_official),
                     link, actor=actor, told=told)
    return comment


def edit_comment(actor, comment: Comment, body: str) -> Comment:
    """The author edits; the earlier version is kept (visible to moderators), an "已编辑"
    marker to everyone. A proposal's comments can be edited while it can be discussed."""
    if comment.author_id != actor.id:
        raise PermissionDenied(_l("只能修改自己的评论。"))
    if comment.is_hidden:
        raise ServiceError(_l("已被隐藏的评论不能修改。"), status=409)
    body = _body(body)
    if body == comment.body_source:
        return comment
    subject = subject_of(comment)
    compound = subject.compound
    if subject.kind != "issue":
        subject.check_open(actor)
    ensure_not_muted(actor, compound)
    now = utcnow()
    revision = CommentRevision(comment_id=comment.id, body_source=comment.body_source,
                               body_html=comment.body_html,
                               written_at=comment.edited_at or comment.created_at, replaced_at=now)
    db.session.add(revision)
    comment.body_source, comment.body_html = body, str(render_markdown(body))
    comment.edited_at = now
    record(actor, compound, "comment.edit", comment, {f"{subject.kind}_id": subject.id},
           also=[revision], actor_role=primary_role(actor, compound),
           anonymous_as=anonymous_as(comment))
    return comment


def revisions(comment: Comment) -> list[CommentRevision]:
    return list(db.session.scalars(select(CommentRevision).where(
        CommentRevision.comment_id == comment.id).order_by(CommentRevision.id.desc())))
