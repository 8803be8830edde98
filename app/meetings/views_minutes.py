"""Minutes pages on the meetings blueprint: reading, drafting, confirming, publishing,
correcting, the revision history with a diff of any two, and the print view."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import require_member
from app.core.db import get_scoped, unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.i18n import lazy_gettext as _l
from app.core.ids import arg_id, parse_id
from app.core.paper_links import paper_url
from app.core.time import utcnow
from app.meetings import decisions, pages, rules, services
from app.meetings import minutes as svc
from app.meetings.diff import diff_lines, has_changes
from app.meetings.forms import CommentForm, EmptyForm, MinutesForm
from app.meetings.models import MinutesRevision
from app.meetings.web import bp
from app.proposals.exports import qr_data_uri


def _load(compound_id: int, meeting_id: int, *, need_published: bool = False):
    """The meeting and its minutes, if this person may read them now (403 otherwise)."""
    compound = require_member(compound_id)
    meeting = pages.get_meeting(compound, meeting_id)
    minutes = svc.minutes_of(meeting)
    published = minutes is not None and minutes.status == "published"
    if need_published and not published:
        abort(404)
    if not published and not pages.may_see_draft(current_user, compound, meeting,
                                                 services.attendance_of(meeting)):
        abort(403)
    return compound, meeting, minutes


def _back(meeting, anchor=None):
    return redirect(url_for(".minutes", compound_id=meeting.compound_id, meeting_id=meeting.id,
                            _anchor=anchor))


def render_minutes(compound, meeting, minutes, *, comment_form=None, status=200):
    revisions = svc.revisions_of(minutes) if minutes else []
    current = svc.current_revision(minutes)
    present = svc.present_attendees(meeting)
    responses = svc.responses(minutes) if minutes else []
    return render_template(
        "meetings/minutes.html", compound=compound, meeting=meeting, minutes=minutes,
        revisions=revisions, current=current,
        current_items=svc.readable_items(current) if current else [],
        responses=responses,
        people=pages.users_by_id([a.user_id for a in present] + [r.author_id for r in revisions]),
        pending=svc.pending_among(present, responses, minutes) if minutes else [],
        corrections=[r for r in revisions if r.kind == "correction"],
        may_draft=svc.may_draft(current_user, meeting),
        may_publish=svc.may_publish(current_user, meeting, compound),
        is_present=current_user.id in {a.user_id for a in present}, now=utcnow(),
        decisions=decisions.decisions_of(meeting),
        comment_form=comment_form or CommentForm(formdata=None), form=EmptyForm()), status


@bp.get("/<int:meeting_id>/minutes")
@login_required
def minutes(compound_id: int, meeting_id: int):
    compound, meeting, row = _load(compound_id, meeting_id)
    return render_minutes(compound, meeting, row)


def _items_from(form: MinutesForm, meeting) -> list[svc.ItemText]:
    titles = {a.position: a.title for a in meeting.agenda}
    items = []
    for entry in form.items.entries:
        position = parse_id(entry.position.data) or 0
        items.append(svc.ItemText(position, titles.get(position, ""), entry.discussion.data,
                                  entry.decision.data, entry.responsible.data, entry.due.data))
    return items


def _editor(meeting, minutes_row):
    form = MinutesForm()
    if request.method == "GET":
        form = MinutesForm(formdata=None, data={"items": [
            {"position": i.position, "discussion": i.discussion, "decision": i.decision,
             "responsible": i.responsible, "due": i.due}
            for i in svc.items_for_form(meeting, minutes_row)]})
    titles = {a.position: a.title for a in meeting.agenda}
    return form, titles


def _edit_page(compound, meeting, form, titles, correcting, status=200):
    return render_template("meetings/edit.html", compound=compound, meeting=meeting, form=form,
                           titles=titles, correcting=correcting), status


@bp.route("/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit(compound_id: int, meeting_id: int):
    compound, meeting, row = _load(compound_id, meeting_id)
    if not svc.may_draft(current_user, meeting):
        abort(403)
    if row is not None and row.status == "published":
        return redirect(url_for(".correct", compound_id=compound.id, meeting_id=meeting.id))
    refusal = services.records_refusal(meeting, utcnow(), "minutes")
    if refusal is not None:  # not offered before the meeting starts, nor once cancelled
        flash(refusal, "error")
        return redirect(url_for(".show", compound_id=compound.id, meeting_id=meeting.id))
    form, titles = _editor(meeting, row)
    if request.method == "GET":
        return _edit_page(compound, meeting, form, titles, False)
    if not form.validate_on_submit():
        return _edit_page(compound, meeting, form, titles, False, 400)
    try:
        with unit_of_work():
            revision = svc.save_draft(current_user, compound, meeting, _items_from(form, meeting))
    except ServiceError as exc:
        show_error(form, exc)
        return _edit_page(compound, meeting, form, titles, False, exc.status)
    flash(_("纪要已保存（第 %(n)s 稿）。", n=revision.number), "success")
    return _back(meeting)


@bp.route("/<int:meeting_id>/minutes/correct", methods=["GET", "POST"])
@login_required
def correct(compound_id: int, meeting_id: int):
    compound, meeting, row = _load(compound_id, meeting_id, need_published=True)
    if not (svc.may_draft(current_user, meeting)
            or svc.may_publish(current_user, meeting, compound)):
        abort(403)
    form, titles = _editor(meeting, row)
    if request.method == "GET":
        return _edit_page(compound, meeting, form, titles, True)
    if not form.validate_on_submit():
        return _edit_page(compound, meeting, form, titles, True, 400)
    try:
        with unit_of_work():
            revision = svc.correct(current_user, compound, meeting, _items_from(form, meeting),
                                   form.reason.data or "")
    except ServiceError as exc:
        show_error(form, exc)
        return _edit_page(compound, meeting, form, titles, True, exc.status)
    flash(_("更正已发布（第 %(n)s 稿）。", n=revision.number), "success")
    return _back(meeting)


DONE = {"submit": _l("已提交出席人确认。"), "confirm": _l("您已确认这份纪要。"),
        "publish": _l("纪要已公开。")}


@bp.post("/<int:meeting_id>/minutes/<any(submit, confirm, publish):action>")
@login_required
def act(compound_id: int, meeting_id: int, action: str):
    """A step of the minutes' transition table (app.meetings.minutes.TRANSITIONS), or an
    attendee's confirmation (a response to the draft, not a move of the minutes)."""
    compound, meeting, _row = _load(compound_id, meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            if action in svc.TRANSITIONS:
                svc.advance(current_user, compound, meeting, action)
            else:
                svc.confirm(current_user, compound, meeting)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(meeting, "actions")
    flash(DONE[action], "success")
    return _back(meeting)


@bp.post("/<int:meeting_id>/minutes/comment")
@login_required
def comment(compound_id: int, meeting_id: int):
    compound, meeting, row = _load(compound_id, meeting_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_minutes(compound, meeting, row, comment_form=form, status=400)
    try:
        with unit_of_work():
            svc.comment(current_user, compound, meeting, form.comment.data)
    except ServiceError as exc:
        show_error(form, exc)
        return render_minutes(compound, meeting, row, comment_form=form, status=exc.status)
    flash(_("意见已提交，记录人会看到。"), "success")
    return _back(meeting, "responses")


def _revision(minutes_row, revision_id: int) -> MinutesRevision:
    return get_scoped(MinutesRevision, revision_id, _l("找不到这一稿。"),
                      minutes_id=minutes_row.id)


@bp.get("/<int:meeting_id>/minutes/revisions/<int:revision_id>")
@login_required
def revision(compound_id: int, meeting_id: int, revision_id: int):
    compound, meeting, row = _load(compound_id, meeting_id)
    if row is None:
        abort(404)
    rev = _revision(row, revision_id)
    return render_template("meetings/revision.html", compound=compound, meeting=meeting,
                           minutes=row, rev=rev, items=svc.readable_items(rev),
                           author=pages.users_by_id([rev.author_id]))


@bp.get("/<int:meeting_id>/minutes/diff")
@login_required
def diff(compound_id: int, meeting_id: int):
    compound, meeting, row = _load(compound_id, meeting_id)
    if row is None:
        abort(404)
    revisions = svc.revisions_of(row)
    if len(revisions) < 2:
        abort(404)
    by_id = {r.id: r for r in revisions}
    old = by_id.get(arg_id("a")) or revisions[-2]
    new = by_id.get(arg_id("b")) or revisions[-1]
    lines = diff_lines(svc.readable_text(old), svc.readable_text(new))
    return render_template("meetings/diff.html", compound=compound, meeting=meeting,
                           minutes=row, revisions=revisions, old=old, new=new, lines=lines,
                           changed=has_changes(lines))


@bp.get("/<int:meeting_id>/minutes/print")
@login_required
def print_minutes(compound_id: int, meeting_id: int):
    compound, meeting, row = _load(compound_id, meeting_id, need_published=True)
    current = svc.current_revision(row)
    url = paper_url("minutes", meeting.id, current.number)
    attendance = services.attendance_of(meeting)
    return render_template(
        "meetings/print.html", compound=compound, meeting=meeting, minutes=row,
        current=current, items=svc.readable_items(current), revisions=svc.revisions_of(row),
        attendance=attendance, quorum=services.quorum(meeting, attendance),
        decisions=decisions.decisions_of(meeting), notice_note=rules.notice_note(meeting),
        people=pages.users_by_id([a.user_id for a in attendance]
                                 + [meeting.convener_id, meeting.recorder_id]),
        qr=qr_data_uri(url), url=url)
