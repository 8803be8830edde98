"""The funds blueprint and what its route modules share (app.funds.views, views_entries,
views_exports): loading a fund for the person asking, amounts as ¥1,234.50 in templates."""
from flask import Blueprint, abort, url_for
from flask_login import current_user

from app.extensions import db
from app.funds import access, labels
from app.funds.models import Fund
from app.funds.money import format_fen

bp = Blueprint("funds", __name__)


@bp.app_template_filter("fen")
def _fen_filter(value):
    return format_fen(value)


@bp.context_processor
def _names():
    return {"source_labels": labels.SOURCE_LABELS, "kind_labels": labels.KIND_LABELS,
            "category_label": labels.category_label, "keeper_labels": access.KEEPER_LABELS,
            "keeper_role": access.keeper_role, "publisher_role": access.publisher_role}


def load_fund(fund_id: int) -> Fund:
    """The fund, for someone who may read it (404 if there is none, 403 otherwise)."""
    fund = db.session.get(Fund, fund_id)
    if fund is None:
        abort(404)
    if not access.may_read_fund(current_user, fund):
        abort(403)
    return fund


def fund_home(fund: Fund) -> str:
    return url_for("funds.fund", fund_id=fund.id)
