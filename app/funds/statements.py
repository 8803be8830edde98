"""Monthly statements (财务公开): a month's figures frozen when published, with the SHA-256 of
their canonical JSON, and a 财务公开 notice on the board of each compound concerned.

A statement covers one calendar month (China time) that has ended. Months are published in
order: after the first, each is the month after the last published one. Once a month is
published no entry can be dated in it or before it (app.funds.services), so its figures can
never change; a later correction is dated later and shows in a later statement. The stored
figures are the published ones whatever happens afterwards: the digest is over them."""
import calendar
from datetime import date

from sqlalchemy import select

from app.audit.canonical import canonical_json, sha256_hex
from app.audit.services import record
from app.compounds.models import Compound
from app.core.db import refused_if_taken
from app.core.errors import NotFound, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds.access import publisher_role, require_publisher
from app.funds.balances import balances, totals_by_category
from app.funds.models import Fund, FundStatement, FundStatementNotice, LedgerEntry
from app.funds.money import format_fen
from app.funds.services import audit_compound, last_published_month
from app.notices import services as notices

FORMAT = "yishi-fund-statement/1"


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def entry_line(entry: LedgerEntry, seqs: dict[int, int]) -> dict:
    """An entry as statements and the JSON export show it (ids of other entries of the same
    fund given as their numbers)."""
    return {"seq": entry.seq, "date": entry.entry_date.isoformat(), "kind": entry.kind,
            "amount_fen": entry.amount_fen, "category": entry.category,
            "counterparty": entry.counterparty, "description": entry.description,
            "is_reversal": entry.is_reversal,
            "corrects_seq": seqs.get(entry.corrects_id) if entry.corrects_id else None,
            "commitment_seq": seqs.get(entry.commitment_id) if entry.commitment_id else None,
            "counter_fund_id": entry.counter_fund_id, "proposal_id": entry.proposal_id,
            "reason": entry.correction_reason}


def seq_map(fund_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(LedgerEntry.id, LedgerEntry.seq).where(
        LedgerEntry.fund_id == fund_id)).all())


def figures(fund: Fund, year: int, month: int) -> dict:
    """The month's figures as they stand: opening and closing balance, totals by kind and
    by category, outstanding commitments at the month's end, and every line of the month."""
    start, end = month_bounds(year, month)
    before = balances(fund, _day_before(start))
    after = balances(fund, end)
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.fund_id == fund.id, LedgerEntry.entry_date >= start,
        LedgerEntry.entry_date <= end).order_by(LedgerEntry.seq)).all()
    seqs = seq_map(fund.id)
    by_category = [{"kind": kind, "category": category, "amount_fen": amount}
                   for (kind, category), amount in sorted(
                       totals_by_category(fund.id, start, end).items())]
    return {
        "format": FORMAT,
        "fund": {"id": fund.id, "name": fund.name, "source": fund.source, "year": fund.year,
                 "community_id": fund.community_id, "compound_id": fund.compound_id},
        "period": {"year": year, "month": month, "start": start.isoformat(),
                   "end": end.isoformat()},
        "opening_fen": before.balance_fen,
        "income_fen": after.income_fen - before.income_fen,
        "expense_fen": after.expense_fen - before.expense_fen,
        "transfer_in_fen": after.transfer_in_fen - before.transfer_in_fen,
        "transfer_out_fen": after.transfer_out_fen - before.transfer_out_fen,
        "closing_fen": after.balance_fen,
        "committed_fen": after.committed_fen,
        "by_category": by_category,
        "entries": [entry_line(e, seqs) for e in entries],
    }


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def digest_of(frozen: dict) -> str:
    return sha256_hex(canonical_json(frozen))


def publishable_month(fund: Fund, now=None) -> tuple[int, int] | None:
    """The month that may be published next (None: the next one has not ended yet)."""
    today = china_date(now or utcnow())
    last = last_published_month(fund.id)
    if last is None:
        first = db.session.scalar(select(LedgerEntry.entry_date).where(
            LedgerEntry.fund_id == fund.id).order_by(LedgerEntry.entry_date).limit(1))
        candidate = (first.year, first.month) if first else (fund.year, 1)
    else:
        candidate = next_month(*last)
    return candidate if month_bounds(*candidate)[1] < today else None


def _notice_body(fund: Fund, frozen: dict, page: str, digest: str) -> str:
    # The notice is the compound's record, in the compound's language.
    return (f"{frozen['period']['year']}年{frozen['period']['month']}月 {fund.name}：\n\n"
            f"- 期初余额 {format_fen(frozen['opening_fen'])}\n"
            f"- 本月收入 {format_fen(frozen['income_fen'])}\n"
            f"- 本月支出 {format_fen(frozen['expense_fen'])}\n"
            f"- 转入 {format_fen(frozen['transfer_in_fen'])}，"
            f"转出 {format_fen(frozen['transfer_out_fen'])}\n"
            f"- 期末余额 {format_fen(frozen['closing_fen'])}\n"
            f"- 已承诺未支出 {format_fen(frozen['committed_fen'])}\n\n"
            f"逐笔明细、凭证和提问见[月度财务公开]({page})。"
            f"内容指纹：{digest}")


def compounds_of_fund(fund: Fund) -> list[Compound]:
    if fund.compound_id is not None:
        return [db.session.get(Compound, fund.compound_id)]
    return list(db.session.scalars(select(Compound).where(
        Compound.community_id == fund.community_id).order_by(Compound.id)))


def publish_statement(fund: Fund, actor, year: int, month: int, *, page_url: str,
                      now=None) -> FundStatement:
    """Publish the month's statement: freeze its figures and digest, and put a 财务公开
    notice on the board of the fund's compound (of each compound, for a community's fund).
    `page_url` is the statement's page, named in the notice."""
    now = now or utcnow()
    require_publisher(actor, fund)
    if publishable_month(fund, now) != (year, month):
        raise ServiceError(_l("月度财务公开按月份顺序发布，且只能在当月结束后发布。"),
                           field="month")
    frozen = figures(fund, year, month)
    digest = digest_of(frozen)
    statement = FundStatement(fund_id=fund.id, year=year, month=month, figures=frozen,
                              digest=digest, published_by_id=actor.id, published_at=now)
    with refused_if_taken(_l("这个月的财务公开已经发布了。"), field="month"):
        db.session.add(statement)
    links = []
    for compound in compounds_of_fund(fund):
        notice = notices.create_draft(
            actor, compound, kind="accounts",
            title=f"财务公开：{fund.name} {year}年{month}月"[:120],
            body=_notice_body(fund, frozen, page_url, digest))
        notices.publish(actor, notice, now=now)
        link = FundStatementNotice(statement_id=statement.id, notice_id=notice.id)
        db.session.add(link)
        links.append(link)
    record(actor, audit_compound(fund), "fund.publish_statement", statement,
           {"fund_id": fund.id, "year": year, "month": month, "digest": digest},
           also=links, actor_role=publisher_role(fund))
    return statement


def statements_of(fund: Fund) -> list[FundStatement]:
    return list(db.session.scalars(select(FundStatement).where(
        FundStatement.fund_id == fund.id).order_by(FundStatement.year.desc(),
                                                   FundStatement.month.desc())))


def get_statement(fund: Fund, year: int, month: int) -> FundStatement:
    statement = db.session.scalar(select(FundStatement).where(
        FundStatement.fund_id == fund.id, FundStatement.year == year,
        FundStatement.month == month))
    if statement is None:
        raise NotFound(_l("找不到这个月的财务公开。"))
    return statement


def notices_of(statement: FundStatement) -> list[tuple[int, int]]:
    """(compound id, notice id) of the statement's notices."""
    from app.notices.models import Notice
    return list(db.session.execute(
        select(Notice.compound_id, Notice.id).join(
            FundStatementNotice, FundStatementNotice.notice_id == Notice.id)
        .where(FundStatementNotice.statement_id == statement.id).order_by(Notice.id)).all())
