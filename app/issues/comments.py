"""Discussion under an issue: comments with one level of replies, official replies by those
who answer for the compound, edits that keep the earlier versions."""
from flask_babel import gettext
from sqlalchemy import select

from app.audit.services import record
from app.compounds.access import has_role, is_member, primary_role
from app.core.db import get_scoped
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import render_markdown
from app.core.time import utcnow
from app.extensions import db
from app.issues.lifecycle import issue_compound, issue_path
from app.issues.models import Comment, CommentRevision, Issue
from app.moderation.mutes import ensure_not_muted
from app.notifications.services import follow, notify, notify_followers

OFFICIAL_ROLES = ("property", "committee", "party_cell", "staff")
REVISION_READERS = ("party_cell", "staff")
BODY_MAX = 5000


def _body(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_l("请填写评论内容。"), field="body")
    if len(text) > BODY_MAX:
        raise ServiceError(_l("评论请不超过 5000 字。"), field="body")
    return text


def get_comment(issue: Issue, comment_id: int) -> Comment:
    return get_scoped(Comment, comment_id, _l("找不到这条评论。"), issue_id=issue.id)


def post_comment(actor, issue: Issue, body: str, *, parent: Comment | None = None,
                 official: bool = False) -> Comment:
    """Any member of the compound may comment; a reply answers a top-level comment only
    (one level). 官方回复 only by the property manager, committee, party cell or staff."""
    compound = issue_compound(issue)
    if not is_member(actor, compound):
        raise PermissionDenied(_l("只有本小区的成员可以参与讨论。"))
    ensure_not_muted(actor, compound)
    if issue.is_hidden:
        raise ServiceError(_l("这个议题已被隐藏，不能评论。"), status=409)
    if official and not has_role(actor, compound, *OFFICIAL_ROLES):
        raise PermissionDenied(_l("只有物业、业委会、党支部或社区工作人员可以发布官方回复。"))
    if parent is not None and (parent.issue_id != issue.id or parent.parent_id is not None):
        raise ServiceError(_l("只能回复本议题下的评论。"), field="body")
    body = _body(body)
    comment = Comment(issue_id=issue.id, parent_id=parent.id if parent else None,
                      author_id=actor.id, body_source=body, body_html=str(render_markdown(body)),
                      is_official=bool(official and parent is None), created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    follow(actor, compound.id, "issue", issue.id, audited=False)
    record(actor, compound, "comment.official" if comment.is_official else "comment.create",
           comment, {"issue_id": issue.id, "parent_id": comment.parent_id},
           actor_role=primary_role(actor, compound))
    link = f"{issue_path(issue)}#c{comment.id}"
    told = []
    if parent is not None:
        told.append(parent.author_id)
        notify([parent.author_id], compound.id, "comment.reply",
               gettext("有人回复了您在“%(title)s”下的评论", title=issue.title), link,
               skip=actor.id)
    kind = "issue.official_reply" if comment.is_official else "issue.comment"
    message = (gettext("议题“%(title)s”有了官方回复", title=issue.title) if comment.is_official
               else gettext("议题“%(title)s”有新评论", title=issue.title))
    notify_followers("issue", issue.id, compound.id, kind, message, link, actor=actor,
                     told=told)
    return comment


def edit_comment(actor, comment: Comment, body: str) -> Comment:
    """The author edits; the earlier version is kept (visible to moderators), an "已编辑"
    marker to everyone."""
    if comment.author_id != actor.id:
        raise PermissionDenied(_l("只能修改自己的评论。"))
    if comment.is_hidden:
        raise ServiceError(_l("已被隐藏的评论不能修改。"), status=409)
    body = _body(body)
    if body == comment.body_source:
        return comment
    issue = db.session.get(Issue, comment.issue_id)
    compound = issue_compound(issue)
    ensure_not_muted(actor, compound)
    now = utcnow()
    revision = CommentRevision(comment_id=comment.id, body_source=comment.body_source,
                               body_html=comment.body_html,
                               written_at=comment.edited_at or comment.created_at, replaced_at=now)
    db.session.add(revision)
    comment.body_source, comment.body_html = body, str(render_markdown(body))
    comment.edited_at = now
    record(actor, compound, "comment.edit", comment, {"issue_id": issue.id},
           also=[revision], actor_role=primary_role(actor, compound))
    return comment


def revisions(comment: Comment) -> list[CommentRevision]:
    return list(db.session.scalars(select(CommentRevision).where(
        CommentRevision.comment_id == comment.id).order_by(CommentRevision.id.desc())))
