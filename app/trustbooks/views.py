"""Pages of the trust-model property books (物业账目公开): the compound's years, a year's books
(budget against actual, months, a month's lines with their disputes), the budget and its
versions, and the disputed lines. The annual account's pages are in views_account.

Who reads: everyone with a role in the compound, tenants included (app.funds.access: they live
with the money's effects); owners ask questions (app.funds); the committee and the property
manager enter the budget, the committee approves it, marks and clears disputes and publishes
the annual account. Another compound's people get 403."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.compounds.access import require_member
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_id
from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds.access import may_ask, may_publish
from app.funds.labels import KIND_LABELS, category_label
from app.funds.models import LedgerEntry
from app.funds.services import get_entry
from app.trustbooks import budgets, charts, disputes
from app.trustbooks import views_account as _account_routes  # noqa: F401  (routes on bp)
from app.trustbooks.forms import ApproveForm, BudgetForm, ReasonForm
from app.trustbooks.queries import books, many_books, month_lines, trust_funds
from app.trustbooks.web import bp, link, load_fund, names

__all__ = ["bp", "link", "names"]


@bp.get("/")
@login_required
def index(compound_id: int):
    compound = require_member(compound_id)
    years = many_books(trust_funds(compound.id))
    return render_template("trustbooks/index.html", compound=compound, years=years)


@bp.get("/<int:fund_id>/")
@login_required
def year(compound_id: int, fund_id: int):
    compound, fund = load_fund(compound_id, fund_id)
    month = arg_id("month")
    if month is not None and not 1 <= month <= 12:
        month = None
    shown = books(fund, month=month)
    lines = month_lines(fund, month) if month else []
    return render_template(
        "trustbooks/year.html", compound=compound, fund=fund, books=shown, lines=lines,
        disputed=shown.disputed_entries,
        chart=charts.year_chart(shown), may_mark=disputes.may_mark(current_user, fund),
        may_ask=may_ask(current_user, fund), may_publish=may_publish(current_user, fund),
        kind_labels=KIND_LABELS, year_over=china_date(utcnow()).year > fund.year,
        fund_url=link("funds.fund", fund_id=fund.id))


@bp.get("/<int:fund_id>/disputes")
@login_required
def dispute_list(compound_id: int, fund_id: int):
    compound, fund = load_fund(compound_id, fund_id)
    rows = db.session.execute(
        select(disputes.TrustDispute, LedgerEntry)
        .join(LedgerEntry, LedgerEntry.id == disputes.TrustDispute.entry_id)
        .where(disputes.TrustDispute.fund_id == fund.id)
        .order_by(disputes.TrustDispute.state.desc(), disputes.TrustDispute.id.desc())).all()
    return render_template("trustbooks/disputes.html", compound=compound, fund=fund,
                           rows=rows, may_mark=disputes.may_mark(current_user, fund),
                           clear_form=ReasonForm(formdata=None), kind_labels=KIND_LABELS)


def _back_to_month(compound, fund, entry):
    return redirect(url_for(".year", compound_id=compound.id, fund_id=fund.id,
                            month=entry.entry_date.month) + f"#line-{entry.seq}")


@bp.post("/<int:fund_id>/entries/<int:seq>/dispute")
@login_required
def mark(compound_id: int, fund_id: int, seq: int):
    compound, fund = load_fund(compound_id, fund_id)
    entry = get_entry(fund, seq)
    form = ReasonForm()
    if not form.validate():
        flash(_("请写明存疑的理由。"), "error")
        return _back_to_month(compound, fund, entry)
    try:
        with unit_of_work():
            disputes.mark(fund, entry, current_user, form.reason.data)
    except ServiceError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "error")
        return _back_to_month(compound, fund, entry)
    flash(_("已将第 %(seq)s 笔账目标记为存疑。", seq=entry.seq), "success")
    return _back_to_month(compound, fund, entry)


@bp.post("/<int:fund_id>/disputes/<int:dispute_id>/clear")
@login_required
def clear(compound_id: int, fund_id: int, dispute_id: int):
    compound, fund = load_fund(compound_id, fund_id)
    dispute = disputes.get_dispute(fund, dispute_id)
    form = ReasonForm()
    to = url_for(".dispute_list", compound_id=compound.id, fund_id=fund.id)
    if not form.validate():
        flash(_("请写明解除存疑的理由。"), "error")
        return redirect(to)
    try:
        with unit_of_work():
            disputes.clear(dispute, current_user, form.reason.data)
    except ServiceError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "error")
        return redirect(to)
    flash(_("已解除存疑。"), "success")
    return redirect(to)


def _budget_page(compound, fund, form, *, status=200):
    versions = budgets.versions(fund.id)
    draft = next((b for b in versions if b.state == "draft"), None)
    approve_form = ApproveForm(formdata=None)
    approve_form.proposal_id.choices = [(0, _("不引用"))] + budgets.approving_proposals(
        compound.id)
    return render_template(
        "trustbooks/budget.html", compound=compound, fund=fund, form=form, versions=versions,
        draft=draft, may_enter=budgets.may_enter(current_user, fund),
        may_approve=budgets.may_approve(current_user, fund), approve_form=approve_form,
        discard_form=ReasonForm(formdata=None), category_label=category_label,
        categories=budgets.categories()), status


@bp.route("/<int:fund_id>/budget", methods=["GET", "POST"])
@login_required
def budget(compound_id: int, fund_id: int):
    compound, fund = load_fund(compound_id, fund_id)
    form = BudgetForm()
    if not form.is_submitted():
        draft = next((b for b in budgets.versions(fund.id) if b.state in ("draft", "approved")),
                     None)
        if draft is not None:
            form.fill(draft)
        return _budget_page(compound, fund, form)
    if not budgets.may_enter(current_user, fund):
        abort(403)
    if not form.validate():
        return _budget_page(compound, fund, form, status=400)
    try:
        with unit_of_work():
            amounts = form.amounts()
            draft = db.session.scalar(select(budgets.TrustBudget).where(
                budgets.TrustBudget.fund_id == fund.id, budgets.TrustBudget.state == "draft")
                .options(selectinload(budgets.TrustBudget.lines)))
            if draft is None:
                budgets.draft(fund, current_user, amounts, reason=form.reason.data or "")
            else:
                budgets.edit(draft, current_user, amounts, reason=form.reason.data or "")
    except ServiceError as exc:
        show_error(form, exc)
        return _budget_page(compound, fund, form, status=exc.status)
    flash(_("预算草稿已保存，业委会登记业主批准后生效。"), "success")
    return redirect(url_for(".budget", compound_id=compound.id, fund_id=fund.id))


@bp.post("/<int:fund_id>/budget/<int:budget_id>/<any(approve, discard):action>")
@login_required
def budget_step(compound_id: int, fund_id: int, budget_id: int, action: str):
    compound, fund = load_fund(compound_id, fund_id)
    version = budgets.get_budget(fund, budget_id)
    to = url_for(".budget", compound_id=compound.id, fund_id=fund.id)
    approve_form, reason_form = ApproveForm(), ReasonForm()
    try:
        with unit_of_work():
            if action == "approve":
                budgets.approve(version, current_user,
                                proposal_id=approve_form.proposal_id.data or None,
                                note=approve_form.note.data or "")
            else:
                budgets.discard(version, current_user, reason_form.reason.data or "")
    except ServiceError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "error")
        return redirect(to)
    flash(_("已登记业主批准，预算第 %(v)s 版生效。", v=version.version) if action == "approve"
          else _("预算草稿已作废。"), "success")
    return redirect(to)
