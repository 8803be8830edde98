"""Reports, hiding and restoring. The party cell (and community staff) hide with a written
reason and restore; nothing is deleted, hidden content shows "已被党支部隐藏：<reason>" in
its place. Services take the actor, flush, never commit; every change is audited."""
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.compounds.access import is_member, primary_role
from app.compounds.models import Compound, RoleGrant
from app.core.db import refused_if_taken
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db
from app.issues.lifecycle import issue_path
from app.issues.models import Comment, Issue
from app.moderation.models import ModerationAction, Report
from app.moderation.mutes import log_action, require_moderator, written_reason
from app.notifications.services import notify
from app.proposals.lifecycle import proposal_path
from app.proposals.models import Proposal

KIND_LABELS = {"issue": _l("议题"), "comment": _l("评论"), "reply": _l("回复"),
               "member": _l("成员")}


@dataclass
class Target:
    """An issue or a comment addressed by kind and id within one compound. A comment sits
    under an issue or under a proposal (`proposal`, then `issue` is None)."""

    kind: str  # "issue" | "comment"
    row: Issue | Comment
    issue: Issue | None
    proposal: Proposal | None = None

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def issue_id(self) -> int | None:
        return self.issue.id if self.issue is not None else None

    @property
    def compound_id(self) -> int:
        return (self.issue or self.proposal).compound_id

    @property
    def label(self) -> str:
        """议题, 评论 or 回复: what the public log says was hidden."""
        if self.kind == "issue":
            return "issue"
        return "reply" if self.row.parent_id else "comment"

    @property
    def link(self) -> str:
        base = issue_path(self.issue) if self.issue is not None else proposal_path(self.proposal)
        return base + (f"#c{self.row.id}" if self.kind == "comment" else "")

    @property
    def where(self) -> str:
        return (self.issue or self.proposal).title


def get_target(compound: Compound, kind: str, target_id: int) -> Target:
    """The issue or comment if it belongs to `compound`, else NotFound (never another
    compound's row)."""
    if kind == "issue":
        issue = db.session.get(Issue, target_id, options=[joinedload(Issue.author)],
                               populate_existing=True)
        if issue is not None and issue.compound_id == compound.id:
            return Target("issue", issue, issue)
    elif kind == "comment":
        comment = db.session.get(Comment, target_id, options=[joinedload(Comment.author)],
                                 populate_existing=True)
        target = comment and target_of(comment)
        if target and target.compound_id == compound.id:
            return target
    raise NotFound(_l("找不到这条内容。"))


def target_of(row: Issue | Comment) -> Target:
    if isinstance(row, Issue):
        return Target("issue", row, row)
    if row.issue_id is None:
        return Target("comment", row, None, db.session.get(Proposal, row.proposal_id))
    return Target("comment", row, db.session.get(Issue, row.issue_id, options=[
        joinedload(Issue.author)], populate_existing=True))


def _moderators(compound: Compound) -> list[int]:
    return list(db.session.scalars(select(RoleGrant.user_id).where(
        RoleGrant.compound_id == compound.id, RoleGrant.role == "party_cell",
        RoleGrant.revoked_at.is_(None))))


def report(actor, compound: Compound, target: Target, reason: str) -> Report:
    """举报: any member of the compound, about someone else's visible issue or comment, with a
    reason; one open report per person per item (the database decides)."""
    if not is_member(actor, compound):
        raise PermissionDenied(_l("只有本小区的成员可以举报。"))
    if target.row.author_id == actor.id:
        raise PermissionDenied(_l("不能举报自己发布的内容。"))
    if target.row.is_hidden:
        raise Conflict(_l("这条内容已被隐藏，无需再举报。"))
    reason = written_reason(reason, _l("请写明举报理由。"))
    row = Report(compound_id=compound.id, reporter_id=actor.id, target_type=target.kind,
                 target_id=target.id, issue_id=target.issue_id, reason=reason, status="open",
                 created_at=utcnow())
    with refused_if_taken(_l("您已经举报过这条内容，请等待党支部处理。")):
        db.session.add(row)
    record(actor, compound, "moderation.report", row,
           {"target_type": target.kind, "target_id": target.id, "reason": reason},
           actor_role=primary_role(actor, compound))
    notify(_moderators(compound), compound.id, "moderation.report",
           gettext("有新的举报等待处理"), f"/c/{compound.id}/moderation/", skip=actor.id)
    return row


def open_reports(target: Target) -> list[Report]:
    return list(db.session.scalars(select(Report).where(
        Report.target_type == target.kind, Report.target_id == target.id,
        Report.status == "open").order_by(Report.id).options(joinedload(Report.reporter))))


def _resolve(actor, target: Target, resolution: str, note: str) -> list[Report]:
    """Close every open report on the target; the reporters hear how it was handled."""
    reports = open_reports(target)
    if not reports:
        return []
    now = utcnow()
    db.session.execute(update(Report).where(Report.id.in_([r.id for r in reports]),
                                            Report.status == "open").values(
        status="resolved", resolution=resolution, resolution_note=note,
        handled_by_id=actor.id, handled_at=now).execution_options(synchronize_session=False))
    for r in reports:
        db.session.refresh(r)
    message = (gettext("您的举报已处理：该内容已被党支部隐藏。") if resolution == "hidden"
               else gettext("您的举报已处理：经党支部查看，该内容不予隐藏。"))
    notify([r.reporter_id for r in reports], target.compound_id,
           "moderation.report_handled", message, target.link, skip=actor.id)
    return reports


def _set_hidden(target: Target, hidden: bool, reason: str) -> bool:
    """Flip the flag only if it is not already so: two moderators acting at once cannot both
    succeed."""
    model = Issue if target.kind == "issue" else Comment
    result = db.session.execute(update(model).where(
        model.id == target.id, model.is_hidden.is_(not hidden)).values(
        is_hidden=hidden, hidden_reason=reason).execution_options(synchronize_session=False))
    db.session.refresh(target.row)
    return result.rowcount == 1


def hide(actor, compound: Compound, target: Target, reason: str) -> ModerationAction:
    """Hide an issue or comment with a written reason: its text stays stored, everyone reads
    "已被党支部隐藏：<reason>" instead. Open reports on it are resolved."""
    require_moderator(actor, compound)
    reason = written_reason(reason, _l("请写明隐藏理由，它会公开显示在原位置。"))
    if target.row.is_hidden or not _set_hidden(target, True, reason):
        raise Conflict(_l("这条内容已经被隐藏了。"))
    action = log_action(actor, compound, "hide", target.label, target.id, reason, target.issue_id)
    reports = _resolve(actor, target, "hidden", reason)
    record(actor, compound, "moderation.hide", target.row,
           {"target_type": target.kind, "target_id": target.id, "reason": reason,
            "reports": [r.id for r in reports]},
           also=[action, *reports], actor_role=action.actor_role)
    what = KIND_LABELS[target.label]
    notify([target.row.author_id], compound.id, "moderation.hidden",
           gettext("您在“%(title)s”中的%(what)s已被党支部隐藏，理由：%(reason)s",
                   title=target.where, what=what, reason=reason),
           target.link, skip=actor.id)
    return action


def restore(actor, compound: Compound, target: Target, reason: str) -> ModerationAction:
    """Show hidden content again, with a written reason (e.g. hidden by mistake)."""
    require_moderator(actor, compound)
    reason = written_reason(reason, _l("请写明恢复理由。"))
    if not target.row.is_hidden or not _set_hidden(target, False, ""):
        raise Conflict(_l("这条内容没有被隐藏，无需恢复。"))
    action = log_action(actor, compound, "restore", target.label, target.id, reason,
                        target.issue_id)
    record(actor, compound, "moderation.restore", target.row,
           {"target_type": target.kind, "target_id": target.id, "reason": reason},
           also=[action], actor_role=action.actor_role)
    notify([target.row.author_id], compound.id, "moderation.restored",
           gettext("您在“%(title)s”中的%(what)s已恢复显示。",
                   title=target.where, what=KIND_LABELS[target.label]),
           target.link, skip=actor.id)
    return action


def dismiss(actor, compound: Compound, target: Target, note: str = "") -> list[Report]:
    """Close the open reports on a target without hiding it (不予隐藏)."""
    require_moderator(actor, compound)
    note = (note or "").strip()[:500]
    reports = _resolve(actor, target, "dismissed", note)
    if not reports:
        raise Conflict(_l("这条内容没有待处理的举报。"))
    record(actor, compound, "moderation.dismiss", reports[0],
           {"target_type": target.kind, "target_id": target.id, "note": note,
            "reports": [r.id for r in reports]},
           also=reports[1:], actor_role=primary_role(actor, compound))
    return reports
