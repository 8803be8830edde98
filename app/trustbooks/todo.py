"""What awaits people about the trust-model books (app.core.todo): the owners' committee
publishes last month's 财务公开 of a 物业费 fund (it publishes them, app.funds.access) and
records the owners' approval of a draft budget; the property manager answers the lines the
committee disputed. (Questions to answer are app.funds.todo's.)"""
from flask import url_for
from sqlalchemy import bindparam, exists, select

from app.compounds.models import RoleGrant
from app.core.i18n import lazy_gettext as _l
from app.core.time import china_date
from app.core.todo import USER_ID, TodoItem, columns, ids
from app.funds.models import Fund, FundStatement, LedgerEntry
from app.trustbooks.budgets import SOURCE
from app.trustbooks.models import TrustBudget, TrustDispute

ACTIONS = {"trustbooks.publish": _l("发布上月物业账目的月度财务公开"),
           "trustbooks.approve": _l("登记业主对物业年度预算的批准"),
           "trustbooks.dispute": _l("说明业委会存疑的账目")}
YEAR = bindparam("trust_year")
MONTH = bindparam("trust_month")


def params(now) -> dict:
    today = china_date(now)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return {"trust_year": year, "trust_month": month}


def _holds(role: str, compound_id):
    return exists(select(RoleGrant.id).where(
        RoleGrant.user_id == USER_ID, RoleGrant.compound_id == compound_id,
        RoleGrant.role == role, RoleGrant.revoked_at.is_(None)))


def queries(scopes) -> list:
    if "member" not in scopes:
        return []
    published = exists(select(FundStatement.id).where(
        FundStatement.fund_id == Fund.id, FundStatement.year == YEAR,
        FundStatement.month == MONTH))
    return [
        select(*columns("trustbooks.publish", Fund.compound_id, Fund.id, Fund.name,
                        number=MONTH))
        .where(Fund.compound_id.in_(ids("member")), Fund.source == SOURCE, Fund.year == YEAR,
               ~published, _holds("committee", Fund.compound_id)),
        select(*columns("trustbooks.approve", TrustBudget.compound_id, TrustBudget.fund_id,
                        Fund.name, number=TrustBudget.version))
        .join(Fund, Fund.id == TrustBudget.fund_id)
        .where(TrustBudget.compound_id.in_(ids("member")), TrustBudget.state == "draft",
               _holds("committee", TrustBudget.compound_id)),
        select(*columns("trustbooks.dispute", TrustDispute.compound_id, TrustDispute.fund_id,
                        Fund.name, TrustDispute.raised_at, number=LedgerEntry.seq))
        .join(Fund, Fund.id == TrustDispute.fund_id)
        .join(LedgerEntry, LedgerEntry.id == TrustDispute.entry_id)
        .where(TrustDispute.compound_id.in_(ids("member")), TrustDispute.state == "open",
               _holds("property", TrustDispute.compound_id)),
    ]


def item(row) -> TodoItem | None:
    kind, fund_id = row["kind"], row["ref_id"]
    if kind == "trustbooks.publish":
        url = url_for("funds.fund", fund_id=fund_id) + "#statements"
        title = str(_l("%(name)s：%(m)s月", name=row["title"], m=row["number"]))
    elif kind == "trustbooks.approve":
        url = url_for("trustbooks.budget", compound_id=row["compound_id"], fund_id=fund_id)
        title = str(_l("%(name)s：预算第 %(v)s 版", name=row["title"], v=row["number"]))
    else:
        url = url_for("funds.entry", fund_id=fund_id, seq=row["number"]) + "#dispute"
        title = str(_l("%(name)s：第 %(seq)s 笔", name=row["title"], seq=row["number"]))
    return TodoItem(kind, ACTIONS[kind], title, url, row["compound_id"], None)
