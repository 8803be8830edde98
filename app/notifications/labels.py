"""What the notifications page calls each kind of notification. Each domain declares its own
kinds in `app/<domain>/labels.py` (NOTIFICATION_KINDS; "proposal.*" names a family, such as
every stage a proposal moves to); app.site.labels registers them here at app setup."""
from app.core.i18n import lazy_gettext as _l

AUDIT_ACTIONS = {
    "follow.add": _l("关注"),
    "follow.remove": _l("取消关注"),
}

AUDIT_OBJECTS = {
    "follows": _l("关注"),
    "notifications": _l("提醒"),
}

NOTIFICATION_KINDS: dict = {}

KIND_LABELS: dict = {}
UNKNOWN_KIND = _l("通知")


def register(kinds: dict) -> None:
    for kind, label in kinds.items():
        if KIND_LABELS.get(kind, label) is not label:
            raise ValueError(f"two labels for {kind}")
        KIND_LABELS[kind] = label


def kind_label(kind: str):
    """The kind's own label, else its family's ("proposal.*"), else plain 通知."""
    return KIND_LABELS.get(kind) or KIND_LABELS.get(kind.split(".", 1)[0] + ".*", UNKNOWN_KIND)
