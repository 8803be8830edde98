"""The annual account (年度账目) of a trust-model 物业费 fund, and its citation by a matter-4
proposal.

Once the fund's year is over (China time), the owners' committee publishes the account: the
budget in force against the year's actual figures by category, the totals, the balances, each
month's totals and whether its statement was published, the lines still disputed and the
questions asked and answered. The figures are frozen as canonical JSON with their SHA-256
(the table refuses updates), as monthly statements are (app.funds): a later correction shows
in the next year's books, never in a published account. An owners' decision on 选聘和解聘物业
服务企业 (民法典 第二百七十八条 第一款 第四项) may cite a published account of its compound; its
page then shows the headline figures and links the account."""
from datetime import date, datetime

from sqlalchemy import func, select

from app.audit.canonical import canonical_json, sha256_hex
from app.audit.services import record
from app.compounds.access import primary_role
from app.compounds.models import Compound
from app.core.db import get_scoped, refused_if_taken
from app.core.errors import Conflict, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import china_date, iso_utc, utcnow
from app.extensions import db
from app.funds.access import require_publisher
from app.funds.balances import balances
from app.funds.models import Fund, FundQuestion, LedgerEntry
from app.funds.money import format_fen
from app.trustbooks.budgets import require_trust_fund
from app.trustbooks.compare import share_text
from app.trustbooks.models import TrustAnnualAccount, TrustDispute
from app.trustbooks.queries import books

CITING_MATTER = 4  # 选聘和解聘物业服务企业 (民法典 第二百七十八条 第一款 第四项)


def _line(line) -> dict:
    return {"direction": line.direction, "category": line.category,
            "budget_fen": line.budget_fen, "actual_fen": line.actual_fen,
            "disputed": line.disputed}


def figures(fund: Fund) -> dict:
    """The account's figures as they stand now (the whole year)."""
    year_books = books(fund, today=date(fund.year + 1, 1, 1))
    budget = year_books.budget
    disputed = db.session.execute(
        select(LedgerEntry.seq, TrustDispute.reason)
        .join(LedgerEntry, LedgerEntry.id == TrustDispute.entry_id)
        .where(TrustDispute.fund_id == fund.id, TrustDispute.state == "open")
        .order_by(LedgerEntry.seq)).all()
    asked, answered = db.session.execute(
        select(func.count(FundQuestion.id), func.count(FundQuestion.answered_at))
        .where(FundQuestion.fund_id == fund.id)).one()
    return {
        "fund": {"id": fund.id, "name": fund.name, "year": fund.year,
                 "compound_id": fund.compound_id},
        "budget": None if budget is None else {
            "version": budget.version, "approved_at": iso_utc(budget.approved_at),
            "proposal_id": budget.proposal_id, "approval_note": budget.approval_note},
        "lines": [_line(line) for line in year_books.lines],
        "totals": {d: {"budget_fen": t.budget_fen, "actual_fen": t.actual_fen}
                   for d, t in (("income", year_books.income),
                                ("expense", year_books.expense))},
        "balances": balances(fund).as_dict(),
        "months": [{"month": m.month, "income_fen": m.income_fen,
                    "expense_fen": m.expense_fen, "published": m.published}
                   for m in year_books.months],
        "disputed": [{"seq": seq, "reason": reason} for seq, reason in disputed],
        "questions": {"asked": int(asked), "answered": int(answered)},
    }


def digest_of(values: dict) -> str:
    return sha256_hex(canonical_json(values))


def account_of(fund_id: int) -> TrustAnnualAccount | None:
    return db.session.scalar(select(TrustAnnualAccount)
                             .where(TrustAnnualAccount.fund_id == fund_id))


def publish(fund: Fund, actor, now: datetime | None = None) -> TrustAnnualAccount:
    """Publish the year's account (the committee, once the year is over); once per fund."""
    require_trust_fund(fund)
    require_publisher(actor, fund)
    now = now or utcnow()
    if china_date(now).year <= fund.year:
        raise Conflict(_l("%(year)s年度结束后才能发布年度账目。", year=fund.year))
    values = figures(fund)
    account = TrustAnnualAccount(fund_id=fund.id, compound_id=fund.compound_id,
                                 year=fund.year, figures=values, digest=digest_of(values),
                                 published_by_id=actor.id, published_at=now)
    with refused_if_taken(_l("这一年度的账目已经发布过。")):
        db.session.add(account)
    compound = db.session.get(Compound, fund.compound_id)
    record(actor, compound, "trust_account.publish", account,
           {"fund_id": fund.id, "year": fund.year, "digest": account.digest},
           actor_role=primary_role(actor, compound))
    return account


def get_account(compound_id: int, account_id: int) -> TrustAnnualAccount:
    return get_scoped(TrustAnnualAccount, account_id, _l("找不到这份年度账目。"),
                      compound_id=compound_id)


def headline(account: TrustAnnualAccount) -> dict:
    """What a citing proposal shows: the year, income and expenses against budget, the
    categories over budget, the lines still disputed."""
    values = account.figures
    income, expense = values["totals"]["income"], values["totals"]["expense"]
    over = [line for line in values["lines"]
            if line["direction"] == "expense" and line["actual_fen"] > line["budget_fen"]]
    return {"id": account.id, "year": account.year, "name": values["fund"]["name"],
            "income_fen": income["actual_fen"], "income_budget_fen": income["budget_fen"],
            "expense_fen": expense["actual_fen"], "expense_budget_fen": expense["budget_fen"],
            "expense_share": share_text(expense["actual_fen"], expense["budget_fen"]),
            "balance_fen": values["balances"]["balance_fen"], "over": len(over),
            "disputed": len(values["disputed"]), "digest": account.digest,
            # As the page shows them (a citing proposal's page has no formatter of ours).
            "shown": {key: format_fen(value) for key, value in (
                ("income", income["actual_fen"]), ("income_budget", income["budget_fen"]),
                ("expense", expense["actual_fen"]), ("expense_budget", expense["budget_fen"]),
                ("balance", values["balances"]["balance_fen"]))}}


def citable(compound_id: int) -> list[tuple[int, str]]:
    """The compound's published annual accounts: what a matter-4 proposal may cite."""
    rows = db.session.execute(
        select(TrustAnnualAccount.id, TrustAnnualAccount.year, Fund.name)
        .join(Fund, Fund.id == TrustAnnualAccount.fund_id)
        .where(TrustAnnualAccount.compound_id == compound_id)
        .order_by(TrustAnnualAccount.year.desc())).all()
    return [(aid, str(_l("%(year)s年度账目：%(name)s", year=year, name=name)))
            for aid, year, name in rows]


def check_citation(compound_id: int, kind: str, matter, cited_id) -> int | None:
    """The account a proposal may cite: only an owners' decision on 选聘和解聘物业服务企业, and
    only a published account of the same compound."""
    if not cited_id:
        return None
    if kind != "owners" or matter is None or int(matter) != CITING_MATTER:
        raise ServiceError(_l("只有选聘和解聘物业服务企业的业主共同决定可以引用物业年度账目。"),
                           field="cites_account_id")
    if int(cited_id) not in {aid for aid, _label in citable(compound_id)}:
        raise ServiceError(_l("只能引用本小区已经发布的物业年度账目。"),
                           field="cites_account_id")
    return int(cited_id)
