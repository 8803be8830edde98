"""Exports of a vote: the Excel 表决结果统计表, the QR code of the printable page, and the public
JSON from which anyone can recount the result (`flask tally compute`)."""
import json

import segno
from flask_babel import gettext as _
from openpyxl.styles import Alignment, Font

from app.audit.canonical import canonical_json, sha256_hex
from app.core import xlsx
from app.core.time import china_time
from app.proposals import pages, results, summary
from app.proposals.labels import (
    CHANNEL_LABELS,
    KIND_LABELS,
    choice_items,
    choice_label,
    matter_label,
)
from app.proposals.lifecycle import STATE_LABELS
from app.proposals.presenters import Section, explain, turnout_figures

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_ROWS = 10**9


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (our CSP allows images from data:)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)


def result_digest(stored) -> str:
    """The content digest of a stored result, printed on the paper and behind its QR code."""
    return sha256_hex(canonical_json(stored.result))


def json_document(proposal) -> bytes:
    return json.dumps(results.export_document(proposal), ensure_ascii=False,
                      indent=2).encode("utf-8")


def _verdict(value) -> str:
    if value is None:
        return ""
    return _("达到") if value else _("未达到")


def _figure_rows(ws, sections) -> None:
    ws.append([_("项目"), _("数值"), _("基数"), _("比例"), _("法定要求"), _("是否达到")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for section in sections:
        ws.append([str(section.title)])
        ws[ws.max_row][0].font = Font(bold=True)
        for f in section.figures:
            ws.append([str(f.label), f.part, f.whole, f.percent,
                       str(f.requirement) if f.requirement else "", _verdict(f.met)])


def _summary(ws, compound, proposal, stored, closed: bool) -> None:
    ws.title = _("汇总")
    ws.append([_("表决结果统计表")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("小区"), compound.name])
    ws.append([_("议案"), proposal.title])
    ws.append([_("表决类型"), str(KIND_LABELS[proposal.kind])])
    if proposal.matter:
        ws.append([_("事项（《民法典》第二百七十八条）"), matter_label(proposal.matter)])
    if proposal.scope_label:
        ws.append([_("列支范围"), proposal.scope_label])
    ws.append([_("阶段"), str(STATE_LABELS[proposal.state])])
    ws.append([])
    if stored is None or not closed:
        ws.append([_("投票尚未截止：以下为参与情况，表决结果在截止后计算。")])
        counts = results.turnout(proposal)
        _figure_rows(ws, [Section(_("参与情况"), turnout_figures(proposal.kind, counts))])
        return
    view = explain(stored.result, choice_items(proposal))
    ws.append([_("最终结果") if stored.stage == "final" else _("初步结果（异议期）")])
    _figure_rows(ws, view["sections"])
    if view["deemed"]:
        ws.append([])
        ws.append([_("按议事规则“未投票视为同意多数”计算")])
        _figure_rows(ws, view["deemed"])
    ws.append([])
    ws.append([_("适用规则"), str(view["rule"] or "")])
    if view["source"]:
        ws.append([_("法律依据"), str(view["source"])])
    if view.get("election"):
        e = view["election"]
        ws.append([_("应选名额"), e["seats"]])
        ws.append([_("当选"), "、".join(e["elected"]) or _("无")])
        ws.append([_("空缺名额"), e["vacant"]])
        if e["runoff"]:
            ws.append([_("票数相同、须另行选举"), "、".join(e["runoff"])])
        if e["invalid"]:
            ws.append([_("作废的纸质票（计入参与表决）"), e["invalid"]])
    elif view["passed"] is not None:
        ws.append([_("结论"), _("通过") if view["passed"] else _("未通过")])
    ws.append([_("审计链头哈希"), stored.audit_head or ""])


def _ballot_sheets(wb, proposal, closed: bool) -> None:
    if proposal.is_secret:
        ws = wb.create_sheet(_("参与名单"))
        ws.append([_("房屋"), _("专有部分面积（m²）"), _("投票方式")])
        for units, area, channel in pages.participations(proposal, 1, ALL_ROWS):
            ws.append([units, format(area, "f"), str(CHANNEL_LABELS[channel])])
        ws = wb.create_sheet(_("匿名票"))
        # Receipt and choice only: an area next to a vote could single out its voter.
        ws.append([_("回执码"), _("选择")])
        if not closed:
            ws.append([_("投票截止后公布。")])
            return
        for receipt, choice in pages.secret_votes(proposal, 1, ALL_ROWS):
            ws.append([receipt, choice_label(proposal, choice)])
        return
    ws = wb.create_sheet(_("选票"))
    ws.append([_("回执码"), _("房屋"), _("专有部分面积（m²）"), _("投票方式"), _("选择"),
               _("状态")])
    for receipt, units, area, channel, choice, superseded in pages.open_ballots(
            proposal, 1, ALL_ROWS):
        ws.append([receipt, units, format(area, "f"), str(CHANNEL_LABELS[channel]),
                   choice_label(proposal, choice) if closed else _("截止后公布"),
                   _("已被更改") if superseded else _("有效")])


def _consultation_sheet(wb, proposal) -> None:
    """征求意见情况, part of the proposal's public record: the counts as written, the text."""
    written = summary.get_summary(proposal)
    if written is None:
        return
    ws = wb.create_sheet(_("征求意见情况"))
    ws.append([_("征求意见情况")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("归纳人"), written.author.display_name])
    ws.append([_("归纳时间"), china_time(written.written_at)])
    ws.append([_("收到意见"), written.comment_count])
    for label, n in ((_("支持"), written.support_count), (_("反对"), written.oppose_count),
                     (_("建议"), written.suggest_count), (_("其他"), written.other_count)):
        ws.append([label, n])
    ws.append([_("提议人的归纳"), written.body_source])


def workbook(compound, proposal, closed: bool) -> bytes:
    """表决结果统计表: a summary sheet (each figure against its threshold) and the ballots
    (unit, area and — after close only — the choice)."""
    wb = xlsx.new_workbook()
    _summary(wb.active, compound, proposal, pages.stored_result(proposal), closed)
    _ballot_sheets(wb, proposal, closed)
    _consultation_sheet(wb, proposal)
    for ws in wb.worksheets:
        ws.column_dimensions["A"].width = 36
        for col in "BCDEF":
            ws.column_dimensions[col].width = 18
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return xlsx.save(wb)
