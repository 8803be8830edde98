"""The annual account (年度账目): published by the committee after the year, its page, the
.xlsx and the A4 print with a QR code back to the page. Routes on the trustbooks blueprint."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import require_member
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.proposals.exports import qr_data_uri
from app.trustbooks import accounts, exports
from app.trustbooks.forms import ActionForm
from app.trustbooks.web import bp, load_fund


@bp.post("/<int:fund_id>/account")
@login_required
def publish_account(compound_id: int, fund_id: int):
    compound, fund = load_fund(compound_id, fund_id)
    if not ActionForm().validate():
        abort(400)
    try:
        with unit_of_work():
            account = accounts.publish(fund, current_user)
    except ServiceError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "error")
        return redirect(url_for(".year", compound_id=compound.id, fund_id=fund.id))
    flash(_("年度账目已发布，数字已固定。"), "success")
    return redirect(url_for(".account", compound_id=compound.id, account_id=account.id))


def _account(compound_id: int, account_id: int):
    compound = require_member(compound_id)
    return compound, accounts.get_account(compound.id, account_id)


@bp.get("/accounts/<int:account_id>")
@login_required
def account(compound_id: int, account_id: int):
    compound, shown = _account(compound_id, account_id)
    return render_template("trustbooks/account.html", compound=compound, account=shown,
                           figures=shown.figures, headline=accounts.headline(shown))


@bp.get("/accounts/<int:account_id>.xlsx")
@login_required
def account_xlsx(compound_id: int, account_id: int):
    compound, shown = _account(compound_id, account_id)
    return exports.account_response(compound, shown)


@bp.get("/accounts/<int:account_id>/print")
@login_required
def account_print(compound_id: int, account_id: int):
    compound, shown = _account(compound_id, account_id)
    url = url_for(".account", compound_id=compound.id, account_id=shown.id, _external=True)
    return render_template("trustbooks/account_print.html", compound=compound, account=shown,
                           figures=shown.figures, headline=accounts.headline(shown),
                           qr=qr_data_uri(url), url=url)
