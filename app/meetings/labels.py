"""Labels of the meetings domain's codes."""
from app.core.i18n import lazy_gettext as _l

# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
    "meeting.convene": _l("召集会议"),
    "meeting.attendance": _l("登记出席情况"),
    "meeting.attendee_added": _l("添加出席人员"),
    "meeting.demand_open": _l("发起联名提议开会"),
    "meeting.demand_sign": _l("联名提议开会"),
    "meeting.rules": _l("修改会议规则"),
    "meeting.task_update": _l("更新决定落实进展"),
    "minutes.save": _l("保存会议纪要"),
    "minutes.submit": _l("提交纪要确认"),
    "minutes.confirm": _l("确认会议纪要"),
    "minutes.comment": _l("对会议纪要提意见"),
    "minutes.publish": _l("公开会议纪要"),
    "minutes.correct": _l("更正会议纪要"),
    "meeting.cancel": _l("取消会议"),
    "meeting.reschedule": _l("会议改期"),
    "meeting.decision": _l("记录会议决定"),
}

AUDIT_OBJECTS = {
    "meetings": _l("会议"),
    "meeting_demands": _l("联名提议"),
    "meeting_rules": _l("会议规则"),
    "meeting_minutes": _l("会议纪要"),
    "meeting_minutes_revisions": _l("会议纪要修改稿"),
    "meeting_minutes_responses": _l("纪要确认"),
    "meeting_tasks": _l("决定落实任务"),
    "meeting_agenda_items": _l("会议议程"),
    "meeting_attendance": _l("出席情况"),
    "meeting_demand_signatures": _l("联名提议签名"),
    "meeting_changes": _l("会议取消或改期"),
    "meeting_decisions": _l("会议决定"),
}

NOTIFICATION_KINDS = {
    "meeting.convened": _l("会议通知"),
    "meeting.demand_reached": _l("联名提议开会达到人数"),
    "minutes.confirm": _l("请确认会议纪要"),
    "minutes.published": _l("会议纪要公开"),
    "minutes.corrected": _l("会议纪要更正"),
    "meeting.cancelled": _l("会议取消"),
    "meeting.rescheduled": _l("会议改期"),
}
