"""Staff pages for the unit roster (view, import with preview, export) and invite letters.
Registered on the compounds blueprint by app.compounds.views. Staff of this compound's
community (and admins) only: everyone else gets 403 before anything is read."""
from urllib.parse import quote

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.compounds import letters as letter_services
from app.compounds import roster as roster_services
from app.compounds.access import is_staff, require_role
from app.compounds.forms import ActionForm, IssueCodesForm, RosterUploadForm
from app.compounds.viewkit import RouteTable
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.ids import arg_id
from app.extensions import db

routes = RouteTable()
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF = ("staff",)  # require_role lets admins through as well


@routes.route("/<int:compound_id>/roster", methods=["GET"])
@login_required
def roster(compound_id: int):
    compound = require_role(compound_id, *STAFF)
    totals = roster_services.building_totals(compound)
    selected = arg_id("building") or (totals[0].building.id if totals else None)
    building = roster_services.get_building(compound, selected) if selected else None
    return render_template(
        "compounds/roster.html", compound=compound, totals=totals, building=building,
        units=roster_services.units_of(compound, building) if building else [],
        show_full=is_staff(current_user, compound))


@routes.route("/<int:compound_id>/roster/import", methods=["GET", "POST"])
@login_required
def roster_import(compound_id: int):
    compound = require_role(compound_id, *STAFF)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return render_template("compounds/roster_import.html", compound=compound, form=form,
                               problems=[]), 400 if form.errors else 200
    upload = form.file.data
    result = roster_services.stage_upload(current_user, compound, upload.filename or "",
                                          upload.read())
    if result.upload is None:
        db.session.rollback()
        return render_template("compounds/roster_import.html", compound=compound, form=form,
                               problems=result.parsed.problems,
                               filename=upload.filename), 400
    db.session.commit()
    return redirect(url_for("compounds.roster_preview", compound_id=compound.id,
                            upload_id=result.upload.id))


@routes.route("/<int:compound_id>/roster/import/<int:upload_id>", methods=["GET"])
@login_required
def roster_preview(compound_id: int, upload_id: int):
    compound = require_role(compound_id, *STAFF)
    upload = roster_services.get_upload(compound, upload_id)
    plan = roster_services.plan_import(compound, upload.rows)
    return render_template("compounds/roster_preview.html", compound=compound, upload=upload,
                           plan=plan, form=ActionForm())


@routes.route("/<int:compound_id>/roster/import/<int:upload_id>/apply", methods=["POST"])
@login_required
def roster_apply(compound_id: int, upload_id: int):
    compound = require_role(compound_id, *STAFF)
    back = url_for("compounds.roster_preview", compound_id=compound.id, upload_id=upload_id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    try:
        with unit_of_work():
            plan = roster_services.apply_upload(current_user, compound, upload_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(back)
    if plan.has_changes:
        flash(_("名册已导入：新增 %(new)s 户，更新 %(changed)s 户，未变 %(same)s 户。",
                new=len(plan.new), changed=len(plan.changed), same=plan.unchanged), "success")
    else:
        flash(_("名册没有变化：文件与现有名册完全一致，没有修改任何房屋。"), "success")
    return redirect(url_for("compounds.roster", compound_id=compound.id))


@routes.route("/<int:compound_id>/roster/template.xlsx", methods=["GET"])
@login_required
def roster_template(compound_id: int):
    """An empty roster in the import's format, for staff who start from nothing."""
    require_role(compound_id, *STAFF)
    return Response(roster_services.template_xlsx(), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": "attachment; filename=roster-template.xlsx; "
                             f"filename*=UTF-8''{quote('名册模板.xlsx')}"})


@routes.route("/<int:compound_id>/roster/export.xlsx", methods=["GET"])
@login_required
def roster_export(compound_id: int):
    compound = require_role(compound_id, *STAFF)
    content = roster_services.export_xlsx(compound)
    named = quote(f"{compound.name}名册.xlsx")
    return Response(content, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f"attachment; filename=roster-"
                             f"{compound.id}.xlsx; filename*=UTF-8''{named}",
                             "Cache-Control": "no-store"})


@routes.route("/<int:compound_id>/letters", methods=["GET"])
@login_required
def letters(compound_id: int):
    compound = require_role(compound_id, *STAFF)
    totals = roster_services.building_totals(compound)
    form = IssueCodesForm()
    form.building.choices = [(t.building.id, t.building.name) for t in totals]
    return render_template("compounds/letters.html", compound=compound, totals=totals,
                           counts=letter_services.code_counts(compound), form=form)


@routes.route("/<int:compound_id>/letters/issue", methods=["POST"])
@login_required
def letters_issue(compound_id: int):
    compound = require_role(compound_id, *STAFF)
    form = IssueCodesForm()
    form.building.choices = [(t.building.id, t.building.name)
                             for t in roster_services.building_totals(compound)]
    if not form.validate_on_submit():
        flash(_("请选择楼栋。"), "error")
        return redirect(url_for("compounds.letters", compound_id=compound.id))
    try:
        with unit_of_work():
            building = roster_services.get_building(compound, form.building.data)
            issued = letter_services.issue_codes(current_user, compound, building,
                                                 replace=form.replace.data)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("compounds.letters", compound_id=compound.id))
    flash(ngettext("已为 %(b)s 栋生成 %(n)s 个邀请码。", "已为 %(b)s 栋生成 %(n)s 个邀请码。",
                   len(issued), b=building.name, n=len(issued)), "success")
    return redirect(url_for("compounds.letters_print", compound_id=compound.id,
                            building_id=building.id))


@routes.route("/<int:compound_id>/letters/<int:building_id>", methods=["GET"])
@login_required
def letters_print(compound_id: int, building_id: int):
    compound = require_role(compound_id, *STAFF)
    building = roster_services.get_building(compound, building_id)
    pages = letter_services.letters_for(
        compound, building,
        lambda code: url_for("compounds.claim_by_code", code=code, _external=True))
    return render_template("compounds/letters_print.html", compound=compound,
                           building=building, letters=pages,
                           display_code=letter_services.display_code,
                           form=IssueCodesForm(formdata=None, building=building.id))
