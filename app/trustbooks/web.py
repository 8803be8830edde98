"""The trust-model books blueprint, shared by the page modules that add routes to it, the
loader of a fund from its URL, and the words and formatters its templates use."""
from flask import Blueprint, current_app, g, url_for
from werkzeug.routing import BuildError

from app.compounds.access import require_member
from app.funds.labels import category_label
from app.funds.money import format_fen
from app.funds.services import get_fund
from app.trustbooks import disputes
from app.trustbooks.budgets import SOURCE, require_trust_fund
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
    return link("funds.entry", fund_id=fund_id, seq=seq)


def disputed_ids(fund) -> dict:
    """entry id → open dispute of a 物业费 fund (nothing for other funds), read once per
    request: the funds pages flag each disputed line with it."""
    if fund is None or fund.source != SOURCE or fund.compound_id is None:
        return {}
    cache = g.setdefault("_trust_disputed", {})
    if fund.id not in cache:
        cache[fund.id] = disputes.open_by_entry(fund.id)
    return cache[fund.id]


@bp.app_context_processor
def on_funds_pages() -> dict:
    """What the funds pages (app.funds) show of the trust books: the flag of a disputed line,
    its disputes and the way to this fund's books."""
    return {"trust_disputed": disputed_ids, "trust_entry_disputes": disputes.of_entry,
            "trust_may_mark": disputes.may_mark}


@bp.context_processor
def names() -> dict:
    return {"yuan": format_fen, "percent": percent, "budget_states": BUDGET_STATE_LABELS,
            "directions": DIRECTION_LABELS, "dispute_states": DISPUTE_STATE_LABELS,
            "fee_category": lambda code: category_label("property_fee", code),
            "link_entry": link_entry, "share": share_text}
