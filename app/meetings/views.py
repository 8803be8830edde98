"""Meeting pages: the list with demands, convening, the meeting page with attendance and
quorum, follow-up tasks and the compound's meeting rules. Minutes pages are in
views_minutes, which adds its routes to the same blueprint."""
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.services import find_by_mobile
from app.compounds.access import has_role, is_staff, require_member
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_id, parse_id
from app.core.time import CHINA, utcnow
from app.meetings import changes, decisions, pages, rules, services, tasks
from app.meetings import minutes as minutes_services
from app.meetings import views_minutes as _minutes_routes  # noqa: F401  (routes on bp)
from app.meetings.forms import (
    AttendeeForm,
    CancelForm,
    ConveneForm,
    DecisionForm,
    DemandForm,
    EmptyForm,
    RescheduleForm,
    TaskForm,
)
from app.meetings.web import bp

__all__ = ["bp"]


@bp.get("/")
@login_required
def index(compound_id: int):
    compound = require_member(compound_id)
    upcoming, past = pages.meetings_of(compound)
    demands = pages.open_demands(compound)
    return render_template(
        "meetings/index.html", compound=compound, upcoming=upcoming, past=past,
        minutes_status=pages.minutes_status([m.id for m in upcoming + past]),
        demands=demands, signed=pages.signed_demand_ids(current_user, compound),
        overdue={d.id for d in demands if services.is_overdue(d)}, now=utcnow(),
        can_convene=bool(rules.convenable_bodies(current_user, compound)),
        can_demand=any(current_user.id in rules.member_ids(compound, b)
                       for b in rules.MEMBER_ROLE),
        demand_form=DemandForm(formdata=None), form=EmptyForm(),
        is_staff=has_role(current_user, compound, "staff"))


def _convene_form(compound):
    form = ConveneForm()
    form.body.choices = [(b, rules.BODY_LABELS[b])
                         for b in rules.convenable_bodies(current_user, compound)]
    recorders, invitees = pages.people_choices(compound)
    if current_user.id not in {i for i, _n in recorders}:
        recorders.insert(0, (current_user.id, current_user.display_name))
    form.recorder.choices = recorders
    form.invitees.choices = invitees
    form.issues.choices, form.proposals.choices = pages.agenda_choices(compound)
    return form


def _convene_page(compound, form, status=200):
    row = rules.rules_of(compound)  # read once for every body's period
    days = {b: rules.notice_days(compound, b, row) for b in rules.CONVENERS}
    return render_template("meetings/new.html", compound=compound, form=form,
                           notice_days=days), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(compound_id: int):
    compound = require_member(compound_id)
    form = _convene_form(compound)
    if not form.body.choices:
        abort(403)
    if request.method == "GET":
        form.recorder.data = current_user.id
        form.demand_id.data = arg_id("demand")
        if request.args.get("body") in dict(form.body.choices):
            form.body.data = request.args["body"]
        return _convene_page(compound, form)
    if not form.validate_on_submit():
        return _convene_page(compound, form, 400)
    data = services.ConveneInput(
        body=form.body.data, title=form.title.data, place=form.place.data,
        starts_at=form.starts_at.data.replace(tzinfo=CHINA), recorder_id=form.recorder.data,
        issue_ids=form.issues.data or [], proposal_ids=form.proposals.data or [],
        free_items=(form.free_items.data or "").splitlines(),
        invitee_ids=form.invitees.data or [], is_urgent=form.is_urgent.data,
        urgent_reason=form.urgent_reason.data or "",
        demand_id=form.demand_id.data)
    try:
        with unit_of_work():
            meeting = services.convene(current_user, compound, data)
    except ServiceError as exc:
        show_error(form, exc)
        return _convene_page(compound, form, exc.status)
    flash(_("会议通知已发布，已通知参会人员。"), "success")
    return redirect(url_for(".show", compound_id=compound.id, meeting_id=meeting.id))


def render_meeting(compound, meeting, *, attendee_form=None, cancel_form=None,
                   reschedule_form=None, decision_form=None, decision_item=None, status=200):
    attendance = services.attendance_of(meeting)
    minutes = minutes_services.minutes_of(meeting)
    taken = decisions.decisions_of(meeting)
    people = pages.users_by_id([a.user_id for a in attendance]
                               + [meeting.convener_id, meeting.recorder_id])
    now = utcnow()
    cancelled = meeting.status == "cancelled"
    published = minutes is not None and minutes.status == "published"
    recorded = bool(minutes or taken or any(a.status != "unrecorded" for a in attendance))
    return render_template(
        "meetings/show.html", compound=compound, meeting=meeting, attendance=attendance,
        people=people, quorum=services.quorum(meeting, attendance), minutes=minutes,
        decisions=taken, changes=changes.changes_of(meeting),
        notice_note=rules.notice_note(meeting),
        started=now >= meeting.starts_at, records_open=now >= meeting.starts_at
        and not cancelled,
        may_record=services.may_record(current_user, meeting, compound),
        may_decide=services.may_record(current_user, meeting, compound) and not published,
        may_draft=minutes_services.may_draft(current_user, meeting),
        may_change=changes.may_change(current_user, meeting, compound) and not cancelled
        and not recorded,
        publish_by=meeting.starts_at + timedelta(days=rules.PUBLISH_DAYS),
        rule_days=rules.notice_days(compound, meeting.body),
        decision_form=decision_form, decision_item=decision_item,
        cancel_form=cancel_form or CancelForm(formdata=None),
        reschedule_form=reschedule_form or RescheduleForm(formdata=None),
        attendee_form=attendee_form or AttendeeForm(formdata=None), form=EmptyForm()), status


@bp.get("/<int:meeting_id>")
@login_required
def show(compound_id: int, meeting_id: int):
    compound = require_member(compound_id)
    return render_meeting(compound, pages.get_meeting(compound, meeting_id))


@bp.post("/<int:meeting_id>/attendance")
@login_required
def attendance(compound_id: int, meeting_id: int):
    compound = require_member(compound_id)
    meeting = pages.get_meeting(compound, meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    statuses = {}
    for key, value in request.form.items():
        if key.startswith("a-"):
            statuses[parse_id(key[2:]) or 0] = value  # 0: no such row, the service refuses
    try:
        with unit_of_work():
            services.record_attendance(current_user, compound, meeting, statuses)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".show", compound_id=compound.id, meeting_id=meeting.id,
                                _anchor="attendance"))
    flash(_("出席情况已保存。"), "success")
    return redirect(url_for(".show", compound_id=compound.id, meeting_id=meeting.id,
                            _anchor="attendance"))


@bp.post("/<int:meeting_id>/attendees")
@login_required
def add_attendee(compound_id: int, meeting_id: int):
    compound = require_member(compound_id)
    meeting = pages.get_meeting(compound, meeting_id)
    form = AttendeeForm()
    if not form.validate_on_submit():
        return render_meeting(compound, meeting, attendee_form=form, status=400)
    try:
        with unit_of_work():
            user = find_by_mobile(form.mobile.data)
            if user is None:
                raise ServiceError(_("这个手机号还没有注册账户。"), field="mobile")
            services.add_attendee(current_user, compound, meeting, user)
    except ServiceError as exc:
        show_error(form, exc)
        return render_meeting(compound, meeting, attendee_form=form, status=exc.status)
    flash(_("已加入出席名单。"), "success")
    return redirect(url_for(".show", compound_id=compound.id, meeting_id=meeting.id,
                            _anchor="attendance"))


def _to_meeting(meeting, anchor=None):
    return redirect(url_for(".show", compound_id=meeting.compound_id, meeting_id=meeting.id,
                            _anchor=anchor))


@bp.post("/<int:meeting_id>/cancel")
@login_required
def cancel(compound_id: int, meeting_id: int):
    compound = require_member(compound_id)
    meeting = pages.get_meeting(compound, meeting_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_meeting(compound, meeting, cancel_form=form, status=400)
    try:
        with unit_of_work():
            changes.cancel(current_user, compound, meeting, form.reason.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_meeting(compound, meeting, cancel_form=form, status=exc.status)
    flash(_("会议已取消，已通知参会人员。"), "success")
    return _to_meeting(meeting)


@bp.post("/<int:meeting_id>/reschedule")
@login_required
def reschedule(compound_id: int, meeting_id: int):
    compound = require_member(compound_id)
    meeting = pages.get_meeting(compound, meeting_id)
    form = RescheduleForm()
    if not form.validate_on_submit():
        return render_meeting(compound, meeting, reschedule_form=form, status=400)
    try:
        with unit_of_work():
            changes.reschedule(current_user, compound, meeting,
                               form.starts_at.data.replace(tzinfo=CHINA), form.reason.data,
                               place=form.place.data, is_urgent=form.is_urgent.data,
                               urgent_reason=form.urgent_reason.data or "")
    except ServiceError as exc:
        show_error(form, exc)
        return render_meeting(compound, meeting, reschedule_form=form, status=exc.status)
    flash(_("会议已改期，已通知参会人员。"), "success")
    return _to_meeting(meeting)


@bp.post("/<int:meeting_id>/decisions/<int:item_id>")
@login_required
def decide(compound_id: int, meeting_id: int, item_id: int):
    compound = require_member(compound_id)
    meeting = pages.get_meeting(compound, meeting_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_meeting(compound, meeting, decision_form=form, decision_item=item_id,
                              status=400)
    try:
        with unit_of_work():
            decisions.record_decision(current_user, compound, meeting, item_id,
                                      form.outcome.data or "", form.note.data or "")
    except ServiceError as exc:
        show_error(form, exc)
        return render_meeting(compound, meeting, decision_form=form, decision_item=item_id,
                              status=exc.status)
    flash(_("会议决定已记录。"), "success")
    return _to_meeting(meeting, f"item-{item_id}")


@bp.post("/demands")
@login_required
def demand_open(compound_id: int):
    compound = require_member(compound_id)
    form = DemandForm()
    if not form.validate_on_submit():
        flash(_("请选择会议类型并写明要商议的事项。"), "error")
        return redirect(url_for(".index", compound_id=compound.id, _anchor="demands"))
    try:
        with unit_of_work():
            services.open_demand(current_user, compound, form.body.data, form.subject.data)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index", compound_id=compound.id, _anchor="demands"))
    flash(_("联名提议已发起，其他成员可以在这里联名。"), "success")
    return redirect(url_for(".index", compound_id=compound.id, _anchor="demands"))


@bp.post("/demands/<int:demand_id>/sign")
@login_required
def demand_sign(compound_id: int, demand_id: int):
    compound = require_member(compound_id)
    demand = pages.get_demand(compound, demand_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            services.sign_demand(current_user, compound, demand)
        flash(_("已联名。"), "success")
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for(".index", compound_id=compound.id, _anchor="demands"))


@bp.get("/tasks")
@login_required
def task_list(compound_id: int):
    compound = require_member(compound_id)
    form = TaskForm(formdata=None)
    form.status.choices = list(tasks.TASK_STATUS_LABELS.items())
    return render_template("meetings/tasks.html", compound=compound,
                           tasks=tasks.all_tasks(compound), form=form, today=utcnow().date(),
                           may_update=tasks.may_update(current_user, compound),
                           may_dispatch=is_staff(current_user, compound))


@bp.post("/tasks/<int:task_id>")
@login_required
def task_update(compound_id: int, task_id: int):
    compound = require_member(compound_id)
    task = tasks.get_task(compound, task_id)
    form = TaskForm()
    form.status.choices = list(tasks.TASK_STATUS_LABELS.items())
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            tasks.update_task(current_user, compound, task, form.status.data,
                              form.note.data or "")
        flash(_("任务进展已更新。"), "success")
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for(".task_list", compound_id=compound.id, _anchor=f"t{task.id}"))


@bp.get("/rules")
@login_required
def rules_page(compound_id: int):
    """The meeting rules are part of the compound's rules page now."""
    require_member(compound_id)
    return redirect(url_for("compounds.rules", compound_id=compound_id, _anchor="meetings"),
                    301)
