"""Words shown for issue statuses, actions, ratings and roles."""
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
