"""The annual account as .xlsx (app.core.xlsx, the one writer: formulas neutralised): a
summary sheet with the totals and balances, and a sheet of budget against actual by category.
Amounts are written in yuan as text "1234.50" and in 分 as integers, never floats."""
import io

from flask import send_file
from flask_babel import gettext as _

from app.core.xlsx import new_workbook, save
from app.funds.labels import category_label
from app.funds.money import plain_yuan
from app.trustbooks.compare import share_text
from app.trustbooks.labels import DIRECTION_LABELS

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(compound, account) -> bytes:
    figures = account.figures
    book = new_workbook()
    summary = book.active
    summary.title = _("年度账目")
    summary.append([_("小区"), compound.name])
    summary.append([_("账户"), figures["fund"]["name"]])
    summary.append([_("年度"), account.year])
    summary.append([_("发布时间"), account.published_at.isoformat()])
    summary.append([_("内容指纹"), account.digest])
    summary.append([])
    summary.append([_("项目"), _("预算（元）"), _("实际（元）"), _("执行率"), _("实际（分）")])
    for direction in ("income", "expense"):
        t = figures["totals"][direction]
        summary.append([str(DIRECTION_LABELS[direction]), plain_yuan(t["budget_fen"]),
                        plain_yuan(t["actual_fen"]), share_text(t["actual_fen"], t["budget_fen"]),
                        t["actual_fen"]])
    summary.append([_("年末余额（元）"), "", plain_yuan(figures["balances"]["balance_fen"]), "",
                    figures["balances"]["balance_fen"]])
    summary.append([_("仍存疑的账目"), len(figures["disputed"])])
    for item in figures["disputed"]:
        summary.append([_("第 %(seq)s 笔", seq=item["seq"]), item["reason"]])
    lines = book.create_sheet(_("预算执行"))
    lines.append([_("收支"), _("科目"), _("预算（元）"), _("实际（元）"), _("执行率"),
                  _("预算（分）"), _("实际（分）"), _("超预算")])
    for line in figures["lines"]:
        over = line["direction"] == "expense" and line["actual_fen"] > line["budget_fen"]
        lines.append([str(DIRECTION_LABELS[line["direction"]]),
                      str(category_label("property_fee", line["category"])),
                      plain_yuan(line["budget_fen"]), plain_yuan(line["actual_fen"]),
                      share_text(line["actual_fen"], line["budget_fen"]), line["budget_fen"],
                      line["actual_fen"], _("是") if over else ""])
    months = book.create_sheet(_("每月收支"))
    months.append([_("月份"), _("收入（元）"), _("支出（元）"), _("月度财务公开")])
    for m in figures["months"]:
        months.append([m["month"], plain_yuan(m["income_fen"]), plain_yuan(m["expense_fen"]),
                       _("已公开") if m["published"] else _("未公开")])
    return save(book)


def account_response(compound, account):
    return send_file(io.BytesIO(workbook(compound, account)), mimetype=XLSX_MIME,
                     as_attachment=True,
                     download_name=f"物业年度账目-{account.year}-{account.id}.xlsx")
