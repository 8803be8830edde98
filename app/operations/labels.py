"""Labels of the operations' recorded actions (the retention job)."""
from app.core.i18n import lazy_gettext as _l

AUDIT_ACTIONS = {
    "maintenance.retention_run": _l("按保存期限清理个人信息"),
    "maintenance.roster_uploads_deleted": _l("删除过期未确认的名册上传"),
}

AUDIT_OBJECTS: dict = {}

NOTIFICATION_KINDS: dict = {}
