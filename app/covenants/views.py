"""Covenant pages: the list, drafting a new covenant, the covenant in force (with the diff
to the previous version, signatures and 党员承诺), a version's page and the print view.
Actions on versions live in views_actions, which adds its routes to the same blueprint."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role, require_member
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.covenants import household, queries, services
from app.covenants import views_actions as _action_routes  # noqa: F401  (routes on bp)
from app.covenants.forms import CovenantForm
from app.covenants.lifecycle import DRAFTERS, KIND_LABELS, STATE_CSS, STATE_LABELS
from app.covenants.pages import render_covenant, render_version
from app.covenants.web import bp
from app.proposals.exports import qr_data_uri

__all__ = ["bp"]


@bp.context_processor
def _names():
    return {"kind_labels": KIND_LABELS, "state_labels": STATE_LABELS, "state_css": STATE_CSS}


@bp.get("/")
@login_required
def index(compound_id: int):
    compound = require_member(compound_id)
    rows = []
    for covenant in queries.covenants_of(compound):
        versions = queries.versions_of(covenant)
        rows.append((covenant, queries.in_force(versions), queries.open_version(versions)))
    return render_template("covenants/index.html", compound=compound, rows=rows,
                           can_draft=has_role(current_user, compound, *DRAFTERS))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(compound_id: int):
    compound = require_member(compound_id)
    if not has_role(current_user, compound, *DRAFTERS):
        abort(403)
    form = CovenantForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                version = services.create_covenant(
                    current_user, compound, kind=form.kind.data, title=form.title.data,
                    articles=form.articles.data)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("公约草案已发布，居民可以逐条提意见了。"), "success")
            return redirect(url_for(".version", compound_id=compound.id,
                                    covenant_id=version.covenant_id, version_id=version.id))
    status = 400 if form.is_submitted() else 200
    return render_template("covenants/new.html", compound=compound, form=form), status


@bp.get("/<int:covenant_id>")
@login_required
def show(compound_id: int, covenant_id: int):
    compound = require_member(compound_id)
    return render_covenant(compound, services.get_covenant(compound, covenant_id))


@bp.get("/<int:covenant_id>/versions/<int:version_id>")
@login_required
def version(compound_id: int, covenant_id: int, version_id: int):
    compound = require_member(compound_id)
    covenant = services.get_covenant(compound, covenant_id)
    return render_version(compound, covenant, services.get_version(covenant, version_id))


@bp.get("/<int:covenant_id>/print")
@login_required
def print_view(compound_id: int, covenant_id: int):
    """A4, large type, for the bulletin board; a QR code leads back to the online page."""
    compound = require_member(compound_id)
    covenant = services.get_covenant(compound, covenant_id)
    current = household.in_force(covenant, with_articles=True)
    if current is None:
        abort(404)
    url = url_for(".show", compound_id=compound.id, covenant_id=covenant.id, _external=True)
    commitments, badges = queries.commitments(compound, covenant)
    signed, households = household.signing_counts(current, compound)
    return render_template("covenants/print.html", compound=compound, covenant=covenant,
                           current=current, qr=qr_data_uri(url), url=url,
                           signed=signed, households=households,
                           commitments=commitments, badges=badges)
