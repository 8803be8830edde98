"""The trust-model books blueprint, shared by the page modules that add routes to it, the
loader of a fund from its URL, and the words and formatters its templates use."""
from flask import Blueprint, current_app, url_for
from werkzeug.routing import BuildError

from app.compounds.access import require_member
from app.funds.labels import category_label
from app.funds.money import format_fen
from app.funds.services import get_fund
from app.trustbooks.budgets import require_trust_fund
from app.trustbooks.compare import percent, share_text
from app.trustbooks.labels import BUDGET_STATE_LABELS, DIRECTION_LABELS, DISPUTE_STATE_LABELS

bp = Blueprint("trustbooks", __name__, url_prefix="/c/<int:compound_id>/trust")


def load_fund(compound_id: int, fund_id: int):
    """The compound (403 to whoever may not read it) and its 物业费 fund (404 otherwise)."""
    compound = require_member(compound_id)
    fund = get_fund(fund_id, compound_id=compound.id)
    require_trust_fund(fund)
    return compound, fund


def link(endpoint: str, **values) -> str | None:
    """The URL of a page of another domain (app.funds), or None while it is not built."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def link_entry(compound_id: int, fund_id: int, seq: int) -> str | None:
    """A ledger line's own page (vouchers, questions), kept by app.funds."""
    return link("funds.entry", compound_id=compound_id, fund_id=fund_id, seq=seq)


@bp.context_processor
def names() -> dict:
    return {"yuan": format_fen, "percent": percent, "budget_states": BUDGET_STATE_LABELS,
            "directions": DIRECTION_LABELS, "dispute_states": DISPUTE_STATE_LABELS,
            "fee_category": lambda code: category_label("property_fee", code),
            "link_entry": link_entry, "share": share_text}
