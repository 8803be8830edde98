"""An entry's page (vouchers, corrections, questions about it), its keeper's correction and
voucher forms, a voucher's file, and a published statement's page."""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.uploads import absolute_path
from app.funds import access, queries, questions, services, statements
from app.funds.forms import CorrectForm, QuestionForm, VoucherForm
from app.funds.labels import categories_for
from app.funds.money import parse_yuan
from app.funds.vouchers import prepare_vouchers, read_files
from app.funds.web import bp, load_fund

IMMUTABLE = "private, max-age=31536000, immutable"
MIME = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def _entry(fund, seq: int):
    entry = queries.entry_detail(fund, seq)
    if entry is None:
        abort(404)
    return entry


def _correct_form(fund, entry) -> CorrectForm:
    form = CorrectForm()
    form.category.choices = [("", _("不变"))] + list(
        categories_for(fund.source, entry.kind).items())
    return form


def render_entry(fund, entry, *, question_form=None, correct_form=None, voucher_form=None,
                 status: int = 200):
    is_keeper = access.is_keeper(current_user, fund)
    return render_template(
        "funds/entry.html", fund=fund, entry=entry, related=queries.related_entries(entry),
        questions=questions.questions_of(fund, entry), is_keeper=is_keeper,
        may_ask=access.may_ask(current_user, fund),
        question_form=question_form or QuestionForm(entry_seq=entry.seq),
        correct_form=correct_form or _correct_form(fund, entry),
        voucher_form=voucher_form or VoucherForm()), status


@bp.get("/funds/<int:fund_id>/entries/<int:seq>")
@login_required
def entry(fund_id: int, seq: int):
    fund = load_fund(fund_id)
    return render_entry(fund, _entry(fund, seq))


@bp.post("/funds/<int:fund_id>/entries/<int:seq>/correct")
@login_required
def correct(fund_id: int, seq: int):
    fund = load_fund(fund_id)
    entry = _entry(fund, seq)
    if not access.is_keeper(current_user, fund):
        abort(403)
    form = _correct_form(fund, entry)
    if not form.validate():
        return render_entry(fund, entry, correct_form=form, status=400)
    try:
        replacement = {}
        if form.amount.data:
            replacement["amount_fen"] = parse_yuan(form.amount.data)
        if form.category.data:
            replacement["category"] = form.category.data
        vouchers = prepare_vouchers(read_files(request.files.getlist(form.vouchers.name)))
        with unit_of_work():
            reversal, new = services.correct_entry(
                entry, current_user, reason=form.reason.data, entry_date=form.entry_date.data,
                replacement=replacement or None, vouchers=vouchers)
    except ServiceError as exc:
        show_error(form, exc)
        return render_entry(fund, entry, correct_form=form, status=exc.status)
    flash(_("已更正：第 %(seq)s 笔冲销原账目。", seq=reversal.seq), "success")
    return redirect(url_for(".entry", fund_id=fund.id, seq=(new or reversal).seq))


@bp.post("/funds/<int:fund_id>/entries/<int:seq>/vouchers")
@login_required
def add_vouchers(fund_id: int, seq: int):
    fund = load_fund(fund_id)
    entry = _entry(fund, seq)
    if not access.is_keeper(current_user, fund):
        abort(403)
    form = VoucherForm()
    try:
        if not form.validate():
            raise ServiceError(_("请选择要上传的凭证。"), field="vouchers")
        vouchers = prepare_vouchers(read_files(request.files.getlist(form.vouchers.name)))
        with unit_of_work():
            services.add_vouchers(entry, current_user, vouchers)
    except ServiceError as exc:
        show_error(form, exc)
        return render_entry(fund, entry, voucher_form=form, status=exc.status)
    flash(_("凭证已上传。"), "success")
    return redirect(url_for(".entry", fund_id=fund.id, seq=entry.seq))


@bp.get("/funds/<int:fund_id>/entries/<int:seq>/vouchers/<int:voucher_id>")
@bp.get("/funds/<int:fund_id>/entries/<int:seq>/vouchers/<int:voucher_id>/<any(thumb):size>")
@login_required
def voucher(fund_id: int, seq: int, voucher_id: int, size: str = ""):
    fund = load_fund(fund_id)
    found = queries.voucher_of(_entry(fund, seq), voucher_id)
    if found is None or (size and not found.thumb_path):
        abort(404)
    relative = found.thumb_path if size else found.path
    response = send_file(absolute_path(relative), mimetype=MIME[relative.rsplit(".", 1)[-1]],
                         conditional=True)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/funds/<int:fund_id>/statements/<int:year>/<int:month>")
@login_required
def statement(fund_id: int, year: int, month: int):
    fund = load_fund(fund_id)
    try:
        found = statements.get_statement(fund, year, month)
    except ServiceError:
        abort(404)
    return render_template("funds/statement.html", fund=fund, statement=found,
                           frozen=found.figures, notices=statements.notices_of(found))
