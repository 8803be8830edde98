from flask import Blueprint, render_template
from flask_login import login_required

from app.compounds.access import require_member

bp = Blueprint("compounds", __name__, url_prefix="/c")


@bp.get("/<int:compound_id>/")
@login_required
def overview(compound_id: int):
    compound = require_member(compound_id)
    return render_template("compounds/overview.html", compound=compound)


@bp.route("/claim", methods=["GET", "POST"])
@login_required
def claim_by_code():
    return render_template("compounds/claim_code.html")


@bp.route("/claim/request", methods=["GET", "POST"])
@login_required
def request_claim():
    return render_template("compounds/claim_request.html")
