"""The meetings blueprint and the names its templates share."""
from flask import Blueprint

from app.compounds.roles import ROLE_LABELS
from app.core.i18n import lazy_gettext as _l
from app.meetings.decisions import OUTCOME_LABELS
from app.meetings.rules import BODY_LABELS
from app.meetings.tasks import TASK_STATUS_LABELS

bp = Blueprint("meetings", __name__, url_prefix="/c/<int:compound_id>/meetings")

ATTENDANCE_LABELS = {"unrecorded": _l("未登记"), "present": _l("出席"), "absent": _l("缺席"),
                     "excused": _l("请假")}
MINUTES_LABELS = {None: _l("未起草"), "draft": _l("起草中"), "confirming": _l("出席人确认中"),
                  "published": _l("已公开")}
# The parts of a minutes item as a reader sees them, in the reader's language. The stored
# source keeps its fixed Chinese headings (app.meetings.minutes.compose): it is the signed text.
MINUTES_SECTIONS = {"discussion": _l("讨论情况"), "decision": _l("决定事项"),
                    "responsible": _l("负责人："), "due": _l("期限：")}
AGENDA_KIND_LABELS = {"issue": _l("议题"), "proposal": _l("议案"), "free": _l("其他事项")}


# A global, not a context variable: the minutes macro is imported without context, and the
# board's page behind a printed QR code shows minutes too.
bp.add_app_template_global(MINUTES_SECTIONS, "minutes_sections")


@bp.context_processor
def _names():
    return {"body_labels": BODY_LABELS, "attendance_labels": ATTENDANCE_LABELS,
            "minutes_labels": MINUTES_LABELS, "agenda_kind_labels": AGENDA_KIND_LABELS,
            "task_status_labels": TASK_STATUS_LABELS, "role_labels": ROLE_LABELS,
            "outcome_labels": OUTCOME_LABELS}
