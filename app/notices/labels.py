"""Display names of the notice domain's codes."""
from app.core.i18n import lazy_gettext as _l

KIND_LABELS = {
    "meeting": _l("会议结果"),
    "vote_result": _l("表决结果"),
    "accounts": _l("财务公开"),
    "general": _l("一般公告"),
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
