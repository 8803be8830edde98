"""Words of the trust-model property books: budget and dispute states, and the audit and
notification labels of the domain."""
from app.core.i18n import lazy_gettext as _l

BUDGET_STATE_LABELS = {
    "draft": _l("草稿（待业主批准）"),
    "approved": _l("已批准（现行）"),
    "superseded": _l("已被新版本取代"),
    "discarded": _l("已作废"),
}
DIRECTION_LABELS = {"income": _l("收入"), "expense": _l("支出")}
DISPUTE_STATE_LABELS = {"open": _l("存疑"), "cleared": _l("已解除存疑")}

AUDIT_ACTIONS = {
    "trust_budget.draft": _l("起草物业年度预算"),
    "trust_budget.edit": _l("修改物业年度预算草稿"),
    "trust_budget.approve": _l("登记业主批准物业年度预算"),
    "trust_budget.supersede": _l("物业年度预算被新版本取代"),
    "trust_budget.discard": _l("作废物业年度预算草稿"),
    "trust_dispute.raise": _l("标记账目存疑"),
    "trust_dispute.clear": _l("解除账目存疑"),
    "trust_account.publish": _l("发布物业年度账目"),
}

AUDIT_OBJECTS = {
    "trust_budgets": _l("物业年度预算"),
    "trust_budget_lines": _l("物业年度预算科目"),
    "trust_disputes": _l("存疑账目"),
    "trust_annual_accounts": _l("物业年度账目"),
}

NOTIFICATION_KINDS = {
    "trust.*": _l("物业账目公开"),
}
