"""Words shown for tickets: states (app.dispatch.lifecycle), steps, ratings, organisation
kinds, sources and levels, and the audit and notification labels of the domain."""
from app.core.i18n import lazy_gettext as _l

RATING_LABELS = {"satisfied": _l("满意"), "basic": _l("基本满意"), "unsatisfied": _l("不满意")}

STEP_LABELS = {
    "report": _l("上报"), "accept": _l("受理"), "decline": _l("不予受理"), "assign": _l("交办"),
    "escalate": _l("街道呼叫"), "take": _l("接单"), "return": _l("退回"),
    "finish": _l("办结反馈"), "rate": _l("评价"), "dissatisfy": _l("评价：不满意"),
    "revisit": _l("回访"), "redo": _l("重办"), "withdraw": _l("撤回"),
    "overdue": _l("超期提醒"),
}

ORG_KIND_LABELS = {"property": _l("物业"), "community_dept": _l("社区部门"),
                   "subdistrict_office": _l("街道科室"), "outside": _l("职能部门")}
SOURCE_LABELS = {"issue": _l("议题派单"), "follow_up": _l("会议跟进事项"), "patrol": _l("网格巡查")}
LEVEL_LABELS = {"community": _l("社区"), "subdistrict": _l("街道")}
STATE_CSS = {"reported": "badge-live", "accepted": "badge-live", "assigned": "badge-warn",
             "returned": "badge-warn", "taken": "badge-warn", "finished": "badge-ok",
             "unsatisfied": "badge-warn", "revisited": "badge-warn", "archived": "badge-ok",
             "declined": "badge-stop", "withdrawn": "badge-stop"}
# Who took a step, as residents read it: an organisation's name for a handler's step, else
# the capacity (never a person's name).
ACTOR_KIND_LABELS = {"reporter": _l("提出人"), "staff": _l("社区"), "subdistrict": _l("街道"),
                     "system": _l("系统")}

AUDIT_ACTIONS = {
    "ticket.report": _l("上报工单"),
    "ticket.accept": _l("受理工单"),
    "ticket.decline": _l("不予受理工单"),
    "ticket.assign": _l("交办工单"),
    "ticket.escalate": _l("工单呼叫至街道"),
    "ticket.take": _l("接单"),
    "ticket.return": _l("退回工单"),
    "ticket.finish": _l("工单办结反馈"),
    "ticket.rate": _l("评价工单并归档"),
    "ticket.dissatisfy": _l("评价工单：不满意"),
    "ticket.revisit": _l("回访工单"),
    "ticket.redo": _l("重办工单"),
    "ticket.withdraw": _l("撤回工单"),
    "ticket.overdue": _l("工单超期提醒"),
    "dispatch.organisation_create": _l("新建承办单位"),
    "dispatch.handler_add": _l("添加承办单位经办人"),
    "dispatch.handler_revoke": _l("移除承办单位经办人"),
    "dispatch.grid_save": _l("保存网格"),
    "dispatch.category_save": _l("保存工单类别与办理时限"),
}

AUDIT_OBJECTS = {
    "tickets": _l("工单"),
    "ticket_events": _l("工单进展"),
    "ticket_photos": _l("工单照片"),
    "organisations": _l("承办单位"),
    "organisation_handlers": _l("承办单位经办人"),
    "grids": _l("网格"),
    "grid_areas": _l("网格范围"),
    "ticket_categories": _l("工单类别"),
}

NOTIFICATION_KINDS = {
    "ticket.*": _l("工单进展"),
}


def step_by(organisation_name: str | None, actor_role: str | None, action: str) -> str:
    """Who took a step, without a person's name: the organisation for a handler's step, else
    the capacity (the community, the subdistrict, the reporter, the system)."""
    if organisation_name and action in ("take", "return", "finish", "redo"):
        return organisation_name
    if actor_role in ("reporter", "owner", "resident", "grid") or action in (
            "report", "rate", "dissatisfy"):
        return str(ACTOR_KIND_LABELS["reporter"])
    if actor_role in ("admin", "subdistrict"):
        return str(ACTOR_KIND_LABELS["subdistrict"])
    if actor_role is None or actor_role == "system":
        return str(ACTOR_KIND_LABELS["system"])
    return str(ACTOR_KIND_LABELS["staff"])
