"""Fund pages: the funds of a compound (/c/<id>/funds) and of a community
(/community/<id>/funds), a fund's page (/funds/<id>: figures, ledger, statements, questions),
an entry's page, and the keeper's forms. Everyone who may read the fund (app.funds.access)
sees everything on it; others get 403. Exports and printed pages: app.funds.views_exports."""
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import get_community_or_404, require_member
from app.compounds.models import Community
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_page
from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds import (  # noqa: F401  (routes on bp)
    access,
    queries,
    questions,
    services,
    statements,
    views_entries,
    views_exports,
)
from app.funds.balances import balances
from app.funds.forms import EntryForm, FundForm, QuestionForm, StatementForm
from app.funds.models import COMMUNITY_SOURCES, COMPOUND_SOURCES, Fund
from app.funds.money import parse_yuan
from app.funds.vouchers import prepare_vouchers, read_files
from app.funds.web import bp, fund_home, load_fund

# ---- lists ----------------------------------------------------------------------------------

@bp.get("/c/<int:compound_id>/funds")
@login_required
def compound_funds(compound_id: int):
    compound = require_member(compound_id)
    own, community = queries.funds_of_compound(compound)
    keeps = [s for s in COMPOUND_SOURCES
             if access.is_keeper(current_user, Fund(source=s, compound_id=compound.id))]
    form = FundForm(year=china_date(utcnow()).year)
    form.set_sources(keeps)
    return render_template("funds/list.html", compound=compound,
                           own=[(f, None) for f in own],
                           community_funds=[(f, None) for f in community],
                           form=form if keeps else None,
                           new_url=url_for(".create_compound_fund", compound_id=compound.id))


@bp.get("/community/<int:community_id>/funds")
@login_required
def community_funds(community_id: int):
    community = get_community_or_404(community_id)
    if not access.may_read_community(current_user, community.id):
        abort(403)
    own, theirs = queries.funds_of_community(community.id)
    form = None
    if access.is_community_staff(current_user, community.id):
        form = FundForm(year=china_date(utcnow()).year)
        form.set_sources(COMMUNITY_SOURCES)
    return render_template("funds/community.html", community=community,
                           own=[(f, None) for f in own],
                           theirs=theirs, form=form,
                           questions=questions.stale_questions_of_community(community.id,
                                                                            utcnow()),
                           new_url=url_for(".create_community_fund", community_id=community.id))


def _create(form_sources, back: str, **owner):
    form = FundForm()
    form.set_sources(form_sources)
    if form.validate():
        try:
            budget = parse_yuan(form.budget.data, "budget") if form.budget.data else None
            with unit_of_work():
                fund = services.create_fund(current_user, source=form.source.data,
                                            year=form.year.data, name=form.name.data,
                                            budget_fen=budget, **owner)
            flash(_("资金账户已设立。"), "success")
            return redirect(fund_home(fund))
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return redirect(back)
    for errors in form.errors.values():
        flash("；".join(str(e) for e in errors), "error")
    return redirect(back)


@bp.post("/c/<int:compound_id>/funds")
@login_required
def create_compound_fund(compound_id: int):
    compound = require_member(compound_id)
    return _create(COMPOUND_SOURCES, url_for(".compound_funds", compound_id=compound.id),
                   compound=compound)


@bp.post("/community/<int:community_id>/funds")
@login_required
def create_community_fund(community_id: int):
    community = get_community_or_404(community_id)
    if not access.is_community_staff(current_user, community.id):
        abort(403)
    return _create(COMMUNITY_SOURCES, url_for(".community_funds", community_id=community.id),
                   community=community)


# ---- a fund -----------------------------------------------------------------------------

def _render_fund(fund: Fund, *, question_form=None, status: int = 200):
    page = arg_page()
    entries, total = queries.ledger_page(fund, page)
    now = utcnow()
    publishable = statements.publishable_month(fund, now)
    return render_template(
        "funds/fund.html", fund=fund, figures=balances(fund), entries=entries, total=total,
        page=page, page_size=queries.PAGE_SIZE, corrected=queries.corrected_ids(fund),
        statements=statements.statements_of(fund), questions=questions.questions_of(fund),
        is_keeper=access.is_keeper(current_user, fund),
        may_publish=access.may_publish(current_user, fund), publishable=publishable,
        may_ask=access.may_ask(current_user, fund), question_form=question_form or
        QuestionForm(), statement_form=StatementForm(), owner=_owner(fund)), status


def _owner(fund: Fund):
    if fund.compound_id is not None:
        return require_member(fund.compound_id)
    return db.session.get(Community, fund.community_id)


@bp.get("/funds/<int:fund_id>")
@login_required
def fund(fund_id: int):
    return _render_fund(load_fund(fund_id))


def _render_post(fund: Fund, form, status: int = 200):
    return render_template("funds/post.html", fund=fund, form=form), status


def _entry_form(fund: Fund) -> EntryForm:
    form = EntryForm()
    form.set_choices(fund.source, queries.open_commitments(fund),
                     services.transfer_targets(fund))
    return form


@bp.get("/funds/<int:fund_id>/post")
@login_required
def post_form(fund_id: int):
    fund = load_fund(fund_id)
    if not access.is_keeper(current_user, fund):
        abort(403)
    form = _entry_form(fund)
    form.entry_date.data = form.entry_date.data or china_date(utcnow())
    return _render_post(fund, form)


@bp.post("/funds/<int:fund_id>/post")
@login_required
def post(fund_id: int):
    fund = load_fund(fund_id)
    if not access.is_keeper(current_user, fund):
        abort(403)
    form = _entry_form(fund)
    if not form.validate():
        return _render_post(fund, form, 400)
    try:
        amount = parse_yuan(form.amount.data)
        vouchers = prepare_vouchers(read_files(request.files.getlist(form.vouchers.name)))
        common = {"amount_fen": amount, "entry_date": form.entry_date.data,
                  "counterparty": form.counterparty.data or "",
                  "description": form.description.data or "",
                  "proposal_id": form.proposal_id.data, "vouchers": vouchers}
        with unit_of_work():
            if form.kind.data == "transfer_out":
                entry, _in = services.post_transfer(
                    fund, current_user, to_fund=db.session.get(Fund, form.to_fund.data or 0),
                    **common)
            else:
                entry = services.post_entry(fund, current_user, kind=form.kind.data,
                                            category=form.category.data,
                                            commitment_id=form.commitment.data or None,
                                            **common)
    except ServiceError as exc:
        show_error(form, exc)
        return _render_post(fund, form, exc.status)
    flash(_("已记账：第 %(seq)s 笔。", seq=entry.seq), "success")
    return redirect(url_for(".entry", fund_id=fund.id, seq=entry.seq))


# ---- questions and statements -----------------------------------------------------------

@bp.post("/funds/<int:fund_id>/questions")
@login_required
def ask(fund_id: int):
    fund = load_fund(fund_id)
    form = QuestionForm()
    entry = None
    if form.entry_seq.data:
        entry = queries.entry_detail(fund, form.entry_seq.data)
        if entry is None:
            abort(404)
    if not form.validate():
        return _back_with_errors(fund, entry, form)
    try:
        with unit_of_work():
            questions.ask(fund, current_user, form.body.data, entry)
    except ServiceError as exc:
        if exc.status == 403:
            abort(403)
        show_error(form, exc)
        return _back_with_errors(fund, entry, form)
    flash(_("问题已公开提交，管理方会公开答复。"), "success")
    target = (url_for(".entry", fund_id=fund.id, seq=entry.seq) if entry else fund_home(fund))
    return redirect(target + "#questions")


def _back_with_errors(fund, entry, form):
    if entry is not None:
        return views_entries.render_entry(fund, entry, question_form=form, status=400)
    return _render_fund(fund, question_form=form, status=400)


@bp.post("/funds/<int:fund_id>/questions/<int:question_id>/answer")
@login_required
def answer(fund_id: int, question_id: int):
    fund = load_fund(fund_id)
    question = questions.get_question(fund, question_id)
    text = (request.form.get("answer") or "").strip()
    try:
        with unit_of_work():
            questions.answer(question, current_user, text)
    except ServiceError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "error")
        return redirect(fund_home(fund) + "#questions")
    flash(_("答复已公开。"), "success")
    return redirect(fund_home(fund) + "#questions")


@bp.post("/funds/<int:fund_id>/statements")
@login_required
def publish(fund_id: int):
    fund = load_fund(fund_id)
    if not access.may_publish(current_user, fund):
        abort(403)
    form = StatementForm()
    typed = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", (form.month.data or "").strip())
    try:
        if not form.validate() or typed is None:
            raise ServiceError(_("请选择月份。"), field="month")
        y, m = int(typed[1]), int(typed[2])
        if not 1 <= m <= 12 or not 2000 <= y <= 2100:
            raise ServiceError(_("请选择月份。"), field="month")
        page = url_for(".statement", fund_id=fund.id, year=y, month=m)
        with unit_of_work():
            statements.publish_statement(fund, current_user, y, m, page_url=page)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(fund_home(fund) + "#statements")
    flash(_("%(y)s年%(m)s月的财务公开已发布，并已在公告栏公示。", y=y, m=m), "success")
    return redirect(page)
