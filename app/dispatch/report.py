"""The monthly report for the 一月一调度 meeting, as .xlsx (through the one writer,
app.core.xlsx): sheet 1 the month's figures (app.dispatch.desk's definitions) and the counts by
compound as the report is made; sheet 2 the month's tickets: those reported in the month,
those archived in it, and those still open that were reported before its end.

Only staff download it (the desks' own viewers). Personal names (the reporter, the grid
worker) are masked (张**) except for the staff of the ticket's own community and admins."""
from datetime import datetime

from flask_babel import gettext as _
from openpyxl.styles import Font
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.compounds.models import Compound, StaffAssignment
from app.core import xlsx
from app.core.phones import mask_name
from app.core.time import china_time
from app.dispatch import desk
from app.dispatch.labels import LEVEL_LABELS, RATING_LABELS
from app.dispatch.lifecycle import STATE_LABELS
from app.dispatch.models import (
    OPEN_STATES,
    RUNNING,
    Grid,
    Organisation,
    Ticket,
    TicketCategory,
    TicketEvent,
)
from app.extensions import db

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WHEN = "%Y-%m-%d %H:%M"


def own_communities(user) -> set[int]:
    """The communities whose staff `user` is (one statement)."""
    return set(db.session.scalars(select(StaffAssignment.community_id).where(
        StaffAssignment.user_id == user.id, StaffAssignment.revoked_at.is_(None))))


def month_tickets(community_ids, key: str) -> list:
    """The month's tickets with what the sheet shows, in one statement."""
    start, end = desk.month_bounds(key)
    reporter = aliased(User)
    worker = aliased(User)
    archived_in = select(TicketEvent.id).where(
        TicketEvent.ticket_id == Ticket.id, TicketEvent.action == "rate",
        TicketEvent.to_state == "archived", TicketEvent.created_at >= start,
        TicketEvent.created_at < end).correlate(Ticket).exists()
    return db.session.execute(
        select(Ticket, Compound.name, TicketCategory.name, Grid.name, Organisation.name,
               reporter.display_name, worker.display_name)
        .join(Compound, Compound.id == Ticket.compound_id)
        .join(reporter, reporter.id == Ticket.reporter_id)
        .outerjoin(TicketCategory, TicketCategory.id == Ticket.category_id)
        .outerjoin(Grid, Grid.id == Ticket.grid_id)
        .outerjoin(worker, worker.id == Grid.worker_id)
        .outerjoin(Organisation, Organisation.id == Ticket.organisation_id)
        .where(desk._scope(community_ids), Ticket.created_at < end,
               or_(Ticket.created_at >= start, Ticket.state.in_(OPEN_STATES), archived_in))
        .order_by(Ticket.id)).all()


def _bold(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def workbook(*, place: str, key: str, community_ids, unmasked: set[int] | None,
             now: datetime) -> bytes:
    """The report's bytes. `unmasked`: the communities whose names are shown in full (None:
    all of them, for admins)."""
    month = desk.monthly(community_ids, [key])[0]
    counts = desk.counts(community_ids, now)
    rows = month_tickets(community_ids, key)
    book = xlsx.new_workbook()
    figures = book.active
    figures.title = _("指标")
    figures.append([_("项目"), _("数值"), _("说明")])
    figures.append([_("范围"), place, ""])
    figures.append([_("月份"), key, _("按北京时间的自然月")])
    figures.append([_("本月首次办结的工单"), month.finished, _("第一次办结反馈在本月")])
    figures.append([_("其中按时办结"), month.on_time, _("办结时间不晚于办理时限")])
    figures.append([_("按时办结率"), month.on_time_rate, ""])
    figures.append([_("本月最终评价"), month.rated, _("重办后以第二次评价为准")])
    figures.append([_("其中满意和基本满意"), month.satisfied, ""])
    figures.append([_("满意率"), month.satisfaction_rate, ""])
    figures.append([_("本月归档的工单"), month.archived, ""])
    figures.append([_("办结用时中位数（天）"), month.median_days, _("从上报到归档")])
    figures.append([_("导出时未办结"), counts.total.open, china_time(now, _WHEN)])
    figures.append([_("导出时已超期"), counts.total.overdue, _("已交办或办理中且超过办理时限")])
    figures.append([])
    figures.append([_("小区"), _("未办结"), _("已超期"), _("已归档"), _("不予受理"), _("已撤回")])
    for c in counts.by["compound"]:
        figures.append([c.name, c.open, c.overdue, c.closed, c.declined, c.withdrawn])
    _bold(figures)
    sheet = book.create_sheet(_("工单"))
    sheet.append([_("编号"), _("小区"), _("标题"), _("状态"), _("层级"), _("分类"), _("网格"),
                  _("网格员"), _("承办单位"), _("上报人"), _("上报时间"), _("办理时限"),
                  _("办结时间"), _("评价"), _("超期")])
    for ticket, compound, category, grid, org, reporter, worker in rows:
        full = unmasked is None or ticket.community_id in unmasked
        shown = (lambda name: name or "") if full else mask_name
        rating = ticket.rating_second or ticket.rating_first
        overdue = (ticket.state in RUNNING and ticket.due_at is not None
                   and ticket.due_at < now)
        sheet.append([ticket.id, compound, ticket.title, str(STATE_LABELS[ticket.state]),
                      str(LEVEL_LABELS[ticket.level]), category or "", grid or "",
                      shown(worker), org or "", shown(reporter),
                      china_time(ticket.created_at, _WHEN), china_time(ticket.due_at, _WHEN),
                      china_time(ticket.finished_at, _WHEN),
                      str(RATING_LABELS[rating]) if rating else "",
                      _("是") if overdue else ""])
    _bold(sheet)
    return xlsx.save(book)
