"""Display names of the notice domain's codes."""
from app.core.i18n import lazy_gettext as _l

KIND_LABELS = {
    "meeting": _l("会议结果"),
    "vote_result": _l("表决结果"),
    "accounts": _l("财务公开"),
    "general": _l("一般公告"),
    "implementation": _l("实施结果公示"),
}
# The stored status (the workflow's states); pages show the phase below.
STATUS_LABELS = {"draft": _l("草稿"), "published": _l("已发布"), "withdrawn": _l("已撤回")}
PHASE_LABELS = {
    "draft": _l("草稿"),
    "scheduled": _l("即将公示"),
    "running": _l("公示中"),
    "archived": _l("已归档"),
    "withdrawn": _l("已撤回"),
}
PHASE_CSS = {
    "draft": "badge",
    "scheduled": "badge badge-warn",
    "running": "badge badge-live",
    "archived": "badge badge-stop",
    "withdrawn": "badge badge-stop",
}


# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
    "notice.create": _l("起草公告"),
    "notice.update": _l("修改公告草稿"),
    "notice.publish": _l("发布公告"),
    "notice.correct": _l("更正公告"),
    "notice.withdraw": _l("撤回公告"),
    "notice.acknowledge": _l("确认知晓公告"),
}

AUDIT_OBJECTS = {
    "notices": _l("公告"),
    "notice_revisions": _l("公告修改稿"),
    "notice_acks": _l("公告知晓确认"),
    "notice_reads": _l("公告阅读记录"),
}

NOTIFICATION_KINDS = {
    "notice.published": _l("新公告"),
}
