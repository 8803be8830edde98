"""Labels of the moderation domain's codes."""
from app.core.i18n import lazy_gettext as _l

# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
    "moderation.report": _l("举报内容"),
    "moderation.hide": _l("隐藏内容"),
    "moderation.restore": _l("恢复显示内容"),
    "moderation.dismiss": _l("举报不予隐藏"),
    "moderation.mute": _l("禁言成员"),
    "moderation.unmute": _l("解除禁言"),
}

AUDIT_OBJECTS = {
    "moderation_reports": _l("举报"),
    "moderation_mutes": _l("禁言"),
    "moderation_actions": _l("管理操作"),
}

NOTIFICATION_KINDS = {
    "moderation.report": _l("新的举报"),
    "moderation.report_handled": _l("举报处理结果"),
    "moderation.hidden": _l("内容被隐藏"),
    "moderation.restored": _l("内容恢复显示"),
    "moderation.muted": _l("被禁言"),
    "moderation.unmuted": _l("解除禁言"),
}
