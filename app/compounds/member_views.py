"""Pages for residents: the member list, claiming a unit, their claims and roles.
Registered on the compounds blueprint by app.compounds.views."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.recovery import is_proven
from app.compounds import claims as claim_services
from app.compounds import roles as role_services
from app.compounds.access import is_staff, require_member, require_participant, roles_in
from app.compounds.forms import RELATION_CHOICES, ActionForm, ClaimCodeForm, RequestClaimForm
from app.compounds.models import Compound
from app.compounds.services import (
    buildings_of,
    count_members,
    find_unit,
    members_of,
    residencies_of,
    roles_by_member,
    search_compounds,
)
from app.compounds.viewkit import RouteTable, status_of, user_key
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.i18n import lazy_gettext as _l
from app.core.ids import arg_page, parse_id
from app.extensions import db, limiter

routes = RouteTable()

CLAIM_STATUS_LABELS = {
    "pending": _l("等待审核"), "approved": _l("已通过"), "rejected": _l("未通过")}
CLAIM_METHOD_LABELS = {"code": _l("认证码"), "request": _l("人工审核"), "proxy": _l("社区代办")}
# Available in every template, macros included (registered by app.compounds.views).
TEMPLATE_GLOBALS = {
    "badges_for": role_services.badges_for,
    "badges_from_roles": role_services.badges_from_roles,
    "open_claims_of": claim_services.open_claims_of,
    "role_labels": role_services.ROLE_LABELS,
    "relation_labels": dict(RELATION_CHOICES),
    "claim_status_labels": CLAIM_STATUS_LABELS,
    "claim_method_labels": CLAIM_METHOD_LABELS,
}

@routes.route("/<int:compound_id>/members", methods=["GET"])
@login_required
def members(compound_id: int):
    """The compound's members, with their badges (phones masked except for staff); not for
    subdistrict staff, who read the compound's business, not its people."""
    compound = require_participant(compound_id)
    page = arg_page()
    people = members_of(compound, page)
    return render_template(
        "compounds/members.html", compound=compound, members=people,
        member_roles=roles_by_member(compound, [m.id for m in people]),
        total=count_members(compound), page=page, staff=is_staff(current_user, compound))


def _claim_limit() -> str:
    return current_app.config["CLAIM_LIMIT_PER_USER"]


@routes.route("/claim", methods=["GET", "POST"])
@login_required
@limiter.limit(_claim_limit, key_func=user_key, methods=["POST"])
def claim_by_code():
    """The invite letter's QR code opens this page with ?code= filled in."""
    form = ClaimCodeForm()
    if not form.is_submitted() and request.args.get("code"):
        form.code.data = request.args["code"][:32]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                claim = claim_services.claim_by_code(current_user, form.code.data,
                                                     form.relation.data)
        except ServiceError as exc:
            show_error(form, exc)
            return _claim_page(form, status_of(form, exc))
        if claim.status == "approved":
            flash(_("认证成功，欢迎参与小区议事。"), "success")
            return redirect(url_for("compounds.overview", compound_id=claim.compound_id))
        if claim_services.claim_on_roster(current_user, claim):
            flash(_("认证码有效。您的手机号在业主名册中，但还没有通过短信验证：为防止有人冒用业主的"
                    "手机号注册，没有验证的号码不能直接认证为业主，需要社区工作人员核实。"
                    "核实结果会显示在“我的认证申请”中。"), "info")
        else:
            flash(_("认证码有效，但您的手机号不在该房屋的业主名册中，业主身份需要社区工作人员核实。"
                    "核实结果会显示在“我的认证申请”中。"), "info")
        return redirect(url_for("compounds.my_claims"))
    return _claim_page(form, status_of(form))


def _claim_page(form, status: int):
    return render_template("compounds/claim_code.html", form=form,
                           phone_proven=is_proven(current_user)), status


@routes.route("/claim/request", methods=["GET", "POST"])
@login_required
def request_claim():
    """Step 1: find the compound by name (?q=); step 2: the unit and relation."""
    compound_id = parse_id(request.values.get("compound_id"))
    compound = db.session.get(Compound, compound_id) if compound_id else None
    if compound is None:
        q = request.args.get("q", "").strip()[:40]
        return render_template("compounds/claim_request.html", form=None, q=q,
                               results=search_compounds(q) if q else [])
    form = RequestClaimForm(compound_id=compound.id)
    form.set_buildings(buildings_of(compound))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                unit = find_unit(compound, form.building.data, form.entrance.data, form.room.data)
                claim_services.request_claim(current_user, unit, form.relation.data,
                                             form.note.data)
        except ServiceError as exc:
            show_error(form, exc)
            return render_template("compounds/claim_request.html", form=form,
                                   compound=compound), status_of(form, exc)
        flash(_("申请已提交，社区工作人员审核后会在这里告诉您结果。"), "success")
        return redirect(url_for("compounds.my_claims"))
    return render_template("compounds/claim_request.html", form=form,
                           compound=compound), status_of(form)


@routes.route("/my-claims", methods=["GET"])
@login_required
def my_claims():
    return render_template("compounds/my_claims.html",
                           claims=claim_services.claims_of(current_user))


@routes.route("/<int:compound_id>/me", methods=["GET"])
@login_required
def my_roles(compound_id: int):
    compound = require_member(compound_id)
    return render_template(
        "compounds/my_roles.html", compound=compound, held=roles_in(current_user, compound),
        residencies=residencies_of(current_user, compound), form=ActionForm(),
        party_request=role_services.party_request_of(current_user, compound),
        badges=role_services.badges_for(current_user, compound))


@routes.route("/<int:compound_id>/party/declare", methods=["POST"])
@login_required
def declare_party(compound_id: int):
    compound = require_member(compound_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work():
                role_services.declare_party(current_user, compound)
            flash(_("已提交，党支部确认后您的党员身份才会生效。"), "success")
        except ServiceError as exc:
            flash(exc.message, "error")
    return redirect(url_for("compounds.my_roles", compound_id=compound.id))
