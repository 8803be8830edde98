"""Words shown for funds: sources, entry kinds, the category list of each source (a budget
against actual groups by these codes), and the audit and notification labels of the domain."""
from app.core.i18n import lazy_gettext as _l

SOURCE_LABELS = {
    "community_security": _l("社区保障资金"),
    "community_fund": _l("社区基金"),
    "public_income": _l("公共收益"),
    "maintenance": _l("维修资金"),
    "property_fee": _l("物业费（信托制）"),
}

KIND_LABELS = {
    "income": _l("收入"),
    "expense": _l("支出"),
    "commitment": _l("承诺（已定未付）"),
    "transfer_in": _l("转入"),
    "transfer_out": _l("转出"),
}
# What a keeper picks when posting: a transfer is posted from the fund it leaves.
POSTABLE_KINDS = ("income", "expense", "commitment", "transfer_out")

_OTHER = _l("其他")

# Categories by source and direction: income entries take an "income" code; expenses and
# commitments an "expense" code; transfers the single code "transfer". New codes may be added;
# a code once used is never renamed (published statements group by it).
CATEGORIES = {
    "community_security": {
        "income": {"allocation": _l("财政拨付"), "other": _OTHER},
        "expense": {"project": _l("微项目"), "activity": _l("社区活动"),
                    "service": _l("购买服务"), "facility": _l("设施改造"),
                    "relief": _l("困难帮扶"), "other": _OTHER},
    },
    "community_fund": {
        "income": {"donation": _l("捐赠"), "enterprise": _l("社区企业收益"),
                   "interest": _l("利息"), "other": _OTHER},
        "expense": {"project": _l("微项目"), "activity": _l("社区活动"),
                    "relief": _l("困难帮扶"), "other": _OTHER},
    },
    "public_income": {
        "income": {"parking": _l("停车收益"), "advertising": _l("广告收益"),
                   "rent": _l("场地租赁"), "interest": _l("利息"), "other": _OTHER},
        "expense": {"repair": _l("共用部位维修"), "committee": _l("业委会工作经费"),
                    "top_up": _l("补充维修资金"), "project": _l("微项目"),
                    "tax": _l("税费"), "other": _OTHER},
    },
    "maintenance": {
        "income": {"deposit": _l("业主交存"), "interest": _l("利息"),
                   "other": _OTHER},
        "expense": {"roof": _l("屋面防水"), "lift": _l("电梯"), "pipes": _l("给排水管网"),
                    "fire": _l("消防设施"), "exterior": _l("外墙"), "other": _OTHER},
    },
    "property_fee": {
        "income": {"fee": _l("物业费"), "parking_service": _l("停车服务费"),
                   "other": _OTHER},
        "expense": {"staff": _l("人员费用"), "cleaning": _l("保洁"), "greening": _l("绿化"),
                    "security": _l("秩序维护"), "facility": _l("设施设备维护"),
                    "utilities": _l("公共能耗"), "office": _l("办公费用"),
                    "insurance": _l("保险"), "remuneration": _l("物业酬金"),
                    "other": _OTHER},
    },
}
TRANSFER_CATEGORY = "transfer"
TRANSFER_LABEL = _l("资金划转")


def direction_of(kind: str) -> str:
    """Which category list an entry of this kind takes its code from."""
    return "income" if kind == "income" else "expense"


def categories_for(source: str, kind: str) -> dict:
    """code → label of the categories an entry of `kind` may take in a fund of `source`."""
    if kind in ("transfer_in", "transfer_out"):
        return {TRANSFER_CATEGORY: TRANSFER_LABEL}
    return CATEGORIES[source][direction_of(kind)]


def category_label(source: str, code: str):
    if code == TRANSFER_CATEGORY:
        return TRANSFER_LABEL
    lists = CATEGORIES.get(source, {})
    for direction in ("expense", "income"):
        if code in lists.get(direction, {}):
            return lists[direction][code]
    return _OTHER


AUDIT_ACTIONS = {
    "fund.create": _l("设立资金账户"),
    "fund.post": _l("记账"),
    "fund.transfer": _l("资金划转"),
    "fund.correct": _l("更正账目"),
    "fund.vouchers": _l("补充凭证"),
    "fund.publish_statement": _l("发布月度财务公开"),
    "fund.ask": _l("对账目提问"),
    "fund.answer": _l("答复账目提问"),
}

AUDIT_OBJECTS = {
    "funds": _l("资金账户"),
    "fund_sequences": _l("账目编号"),
    "ledger_entries": _l("账目"),
    "fund_vouchers": _l("凭证"),
    "fund_statements": _l("月度财务公开"),
    "fund_statement_notices": _l("财务公开公告"),
    "fund_questions": _l("账目提问"),
}

NOTIFICATION_KINDS = {
    "fund.*": _l("账目公开"),
}
