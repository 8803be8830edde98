"""The micro-projects blueprint, the words its templates share, and loading what a URL
names (404 for another compound's round, 403 for a compound the person may not read)."""
from flask import Blueprint, abort

from app.compounds.access import require_member
from app.funds.labels import SOURCE_LABELS
from app.funds.money import format_fen as yuan
from app.microprojects import labels, queries
from app.microprojects.lifecycle import PROJECT_LABELS, ROUND_LABELS

bp = Blueprint("microprojects", __name__, url_prefix="/c/<int:compound_id>/micro-projects")


@bp.context_processor
def _names():
    return {"round_labels": ROUND_LABELS, "project_labels": PROJECT_LABELS, "yuan": yuan,
            "round_steps": labels.ROUND_STEPS, "project_steps": labels.PROJECT_STEPS,
            "note_labels": labels.NOTE_LABELS, "reasons": labels.REASONS,
            "route_labels": labels.ROUTE_LABELS, "state_css": labels.STATE_CSS,
            "danger": labels.DANGER}


def fund_label(fund) -> str:
    name = fund.name if str(fund.year) in fund.name else f"{fund.year} {fund.name}"
    return f"{name}（{SOURCE_LABELS.get(fund.source, fund.source)}）"


def load_round(compound_id: int, round_id: int):
    compound = require_member(compound_id)
    project_round = queries.load_round(compound.id, round_id)
    if project_round is None:
        abort(404)
    return compound, project_round


def load_project(compound_id: int, round_id: int, project_id: int):
    compound, project_round = load_round(compound_id, round_id)
    project = queries.load_project(project_round, project_id)
    if project is None:
        abort(404)
    return compound, project_round, project
