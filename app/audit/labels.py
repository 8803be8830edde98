"""What each recorded action and each kind of row means, for people (the audit trail never shows
a raw code). Each domain declares its own in `app/<domain>/labels.py` (AUDIT_ACTIONS,
AUDIT_OBJECTS); app.site.labels registers them all here when the app is set up. Every action a
service can record() and every table it can point at needs an entry: tests/audit/test_labels.py
walks them all."""
from app.core.i18n import lazy_gettext as _l

ACTION_LABELS: dict = {}
OBJECT_LABELS: dict = {}

# Shown if a code ever slipped through without a label: still words, never the code itself.
UNKNOWN_ACTION = _l("其他操作")
UNKNOWN_OBJECT = _l("其他记录")


def register(actions: dict, objects: dict) -> None:
    """Add a domain's labels; a code two domains both claim is a mistake."""
    for registry, labels in ((ACTION_LABELS, actions), (OBJECT_LABELS, objects)):
        for code, label in labels.items():
            if registry.get(code, label) is not label:
                raise ValueError(f"two labels for {code}")
            registry[code] = label


def action_label(code: str):
    return ACTION_LABELS.get(code, UNKNOWN_ACTION)


def object_label(table: str):
    return OBJECT_LABELS.get(table, UNKNOWN_OBJECT)
