"""The compound's rules of procedure page (议事规则设置): read by every member, edited by
community staff or the owners' committee. It gathers the settings of several domains (the
compound's, the meetings'), so it lives in the site layer; its endpoint keeps the name
"compounds.rules"."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import require_member
from app.compounds.forms import CompoundRulesForm
from app.compounds.viewkit import status_of
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.site import rules as settings


@login_required
def rules(compound_id: int):
    compound = require_member(compound_id)
    values = settings.current(compound)
    editable = settings.may_edit(current_user, compound)
    if request.method == "POST" and not editable:
        abort(403)
    form = CompoundRulesForm(data=values if request.method == "GET" else None) \
        if editable else None
    error = None
    if form is not None and form.validate_on_submit():
        try:
            with unit_of_work():
                changes = settings.update(current_user, compound,
                                          {s.name: getattr(form, s.name).data
                                           for s in settings.SETTINGS})
        except ServiceError as exc:
            show_error(form, exc)
            error = exc
        else:
            flash(_("议事规则设置已保存。") if changes else _("没有修改任何设置。"), "success")
            return redirect(url_for("compounds.rules", compound_id=compound.id))
    return render_template("site/rules.html", compound=compound, values=values,
                           form=form), status_of(form, error)


def attach(app) -> None:
    app.add_url_rule("/c/<int:compound_id>/rules", "compounds.rules", rules,
                     methods=["GET", "POST"])
