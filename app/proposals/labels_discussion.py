"""Words for a proposal's discussion."""
from app.core.i18n import lazy_gettext as _l

STANCE_LABELS = {"support": _l("支持"), "oppose": _l("反对"), "suggest": _l("建议"),
                 "other": _l("其他")}
