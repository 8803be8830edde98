"""Words shown for issue statuses, actions, ratings and roles."""
import re

from flask_babel import gettext

from app.compounds.roles import ROLE_LABELS
from app.core.i18n import lazy_gettext as _l

RATING_LABELS = {"satisfied": _l("满意"), "basic": _l("基本满意"), "unsatisfied": _l("不满意")}

ACTION_LABELS = {
    "acknowledge": _l("受理"), "put_on_agenda": _l("列入议事议程"),
    "reach_threshold": _l("附议达到门槛，自动列入议程"), "to_proposal": _l("转为议案"),
    "dispatch": _l("派单至社区"), "answer": _l("答复"), "confirm": _l("确认已解决并评价"),
    "resolve_silent": _l("答复后 7 天无回应，办结"), "close": _l("关闭"),
}

EVENT_ROLE_LABELS = {**ROLE_LABELS, "system": _l("系统（自动）"), "author": _l("发起人")}

STATUS_CSS = {"open": "badge-live", "acknowledged": "badge-live", "on_agenda": "badge-warn",
              "proposal": "badge-warn", "dispatched": "badge-warn", "answered": "badge-ok",
              "resolved": "badge-ok", "closed": "badge-stop"}


def role_label(role: str | None) -> str:
    return str(EVENT_ROLE_LABELS.get(role, role or ""))


# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
    "issue.create": _l("提出议题"),
    "issue.second": _l("附议议题"),
    "issue.acknowledge": _l("受理议题"),
    "issue.put_on_agenda": _l("将议题列入议程"),
    "issue.reach_threshold": _l("议题附议人数达到列入议程的要求"),
    "issue.to_proposal": _l("议题转为议案"),
    "issue.dispatch": _l("议题派单至社区"),
    "issue.answer": _l("答复议题"),
    "issue.confirm": _l("提出人确认议题已解决"),
    "issue.resolve_silent": _l("议题答复后无异议，视为解决"),
    "issue.close": _l("关闭议题"),
    "comment.create": _l("发表评论"),
    "comment.official": _l("发表正式答复"),
    "comment.edit": _l("修改评论"),
}

AUDIT_OBJECTS = {
    "issues": _l("议题"),
    "issue_categories": _l("议题分类"),
    "issue_events": _l("议题进展"),
    "issue_photos": _l("议题照片"),
    "issue_seconds": _l("附议"),
    "comments": _l("评论"),
    "comment_revisions": _l("评论修改稿"),
}

NOTIFICATION_KINDS = {
    "comment.reply": _l("有人回复了您"),
    "issue.agenda": _l("议题列入议程"),
    "issue.*": _l("议题进展"),
}


# Anonymous authors are stored as the compound's record says them, in Chinese; each reader gets
# them in their own language.
ANONYMOUS_RESIDENT = "某居民"
_ANONYMOUS_OWNER = re.compile(r"^某业主 \((.+)栋\)$")


def anonymous_stored(building: str | None) -> str:
    """What is stored for an anonymous author: an owner with their building, or a resident."""
    return f"某业主 ({building}栋)" if building else ANONYMOUS_RESIDENT


def anonymous_shown(label: str | None) -> str:
    """A stored anonymous label in the reader's language (labels stored otherwise pass through)."""
    if label == ANONYMOUS_RESIDENT:
        return gettext("某居民")
    owner = _ANONYMOUS_OWNER.match(label or "")
    if owner:
        return gettext("某业主 (%(building)s栋)", building=owner.group(1))
    return label or ""


# The default categories (app.issues.services.DEFAULT_CATEGORIES) in the reader's language; a
# compound's own categories are its words and are shown as written.
CATEGORY_LABELS = {
    "环境卫生": _l("环境卫生"), "停车交通": _l("停车交通"), "安全隐患": _l("安全隐患"),
    "物业服务": _l("物业服务"), "公共设施": _l("公共设施"), "邻里关系": _l("邻里关系"),
    "其他": _l("其他"),
}


def category_label(name: str | None) -> str:
    return str(CATEGORY_LABELS.get(name, name or ""))
