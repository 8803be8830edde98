"""The login-free page behind a printed paper's QR code."""
from flask import Blueprint, abort, render_template

from app.board import papers
from app.core.paper_links import KINDS, token_matches
from app.proposals.labels import choice_items, choice_label
from app.proposals.presenters import explain

bp = Blueprint("board", __name__)


@bp.context_processor
def _names():
    return {"choice_label": choice_label}


@bp.get("/v/<kind>/<int:item_id>/<int:version>/<token>")
def paper(kind: str, item_id: int, version: int, token: str):
    # A wrong token and a missing item look the same, so that links can't be probed.
    if kind not in KINDS or not token_matches(kind, item_id, version, token):
        abort(404)
    found = papers.LOADERS[kind](item_id, version)
    if found is None:
        abort(404)
    view = None
    if kind == "result":
        proposal = found.context["proposal"]
        view = explain(found.context["stored"].result, choice_items(proposal))
    response = render_template("board/paper.html", paper=found, view=view)
    # The page states whether the paper is still current: never serve it from a cache.
    return response, 200, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
