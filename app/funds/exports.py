"""A fund's exports: the machine-readable JSON from which anyone recomputes every balance
(app.funds.recompute), and the ledger and a statement as .xlsx (app.core.xlsx, the one writer:
no cell is ever a formula). Amounts in the .xlsx are yuan as text with two decimals beside the
integer 分, so no spreadsheet rounds them through a float."""
from sqlalchemy import select

from app.core import xlsx
from app.extensions import db
from app.funds.balances import balances
from app.funds.labels import KIND_LABELS, SOURCE_LABELS, category_label
from app.funds.models import Fund, FundStatement, LedgerEntry
from app.funds.money import plain_yuan
from app.funds.recompute import __doc__ as RULES
from app.funds.statements import entry_line, seq_map, statements_of

FORMAT = "yishi-fund-ledger/1"


def json_export(fund: Fund) -> dict:
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.fund_id == fund.id)
                                 .order_by(LedgerEntry.seq)).all()
    seqs = seq_map(fund.id)
    return {
        "format": FORMAT,
        "rules": RULES.split("\n\n`python")[0],
        "fund": {"id": fund.id, "name": fund.name, "source": fund.source, "year": fund.year,
                 "community_id": fund.community_id, "compound_id": fund.compound_id,
                 "budget_fen": fund.budget_fen},
        "entries": [entry_line(e, seqs) for e in entries],
        "balances": balances(fund).as_dict(),
        "statements": [{"year": s.year, "month": s.month, "digest": s.digest,
                        "figures": s.figures} for s in reversed(statements_of(fund))],
    }


HEADER = ("序号", "日期", "类型", "类别", "金额（元）", "金额（分）", "收付款方", "说明",
          "冲销", "更正第几笔", "理由")


def _row(fund: Fund, line: dict) -> list:
    return [line["seq"], line["date"], str(KIND_LABELS[line["kind"]]),
            str(category_label(fund.source, line["category"])),
            ("-" if line["is_reversal"] else "") + plain_yuan(line["amount_fen"]),
            -line["amount_fen"] if line["is_reversal"] else line["amount_fen"],
            line["counterparty"], line["description"], "是" if line["is_reversal"] else "",
            line["corrects_seq"] or "", line["reason"]]


def ledger_xlsx(fund: Fund) -> bytes:
    export = json_export(fund)
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "账目"
    sheet.append([fund.name, str(SOURCE_LABELS[fund.source]), fund.year])
    sheet.append(list(HEADER))
    for line in export["entries"]:
        sheet.append(_row(fund, line))
    totals = book.create_sheet("余额")
    for key, value in export["balances"].items():
        totals.append([key, plain_yuan(value), value])
    return xlsx.save(book)


def statement_xlsx(fund: Fund, statement: FundStatement) -> bytes:
    frozen = statement.figures
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = f"{statement.year}-{statement.month:02d}"
    sheet.append([fund.name, f"{statement.year}年{statement.month}月", "SHA-256",
                  statement.digest])
    for label, key in (("期初余额", "opening_fen"), ("收入", "income_fen"),
                       ("支出", "expense_fen"), ("转入", "transfer_in_fen"),
                       ("转出", "transfer_out_fen"), ("期末余额", "closing_fen"),
                       ("已承诺未支出", "committed_fen")):
        sheet.append([label, plain_yuan(frozen[key]), frozen[key]])
    sheet.append([])
    sheet.append(["类型", "类别", "金额（元）", "金额（分）"])
    for row in frozen["by_category"]:
        sheet.append([str(KIND_LABELS[row["kind"]]), str(category_label(fund.source,
                                                                         row["category"])),
                      plain_yuan(row["amount_fen"]), row["amount_fen"]])
    lines = book.create_sheet("明细")
    lines.append(list(HEADER))
    for line in frozen["entries"]:
        lines.append(_row(fund, line))
    return xlsx.save(book)
