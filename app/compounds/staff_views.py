"""Pages for community staff and the party cell: the verification queue, 代办 registration,
roles, and confirming party declarations. Registered on the compounds blueprint by
app.compounds.views. Every route checks the role in *this* compound before anything else."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.recovery import proven_ids
from app.compounds import claims as claim_services
from app.compounds import reset_codes
from app.compounds import roles as role_services
from app.compounds.access import require_role
from app.compounds.forms import (
    ActionForm,
    DeclinePartyForm,
    GrantRoleForm,
    ProxyRegisterForm,
    RejectClaimForm,
    ResetCodeForm,
    RevokeRoleForm,
)
from app.compounds.models import Compound
from app.compounds.services import (
    buildings_of,
    count_members,
    find_unit,
    members_of,
    roles_by_member,
)
from app.compounds.viewkit import RouteTable, status_of
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_page
from app.extensions import db

routes = RouteTable()
STAFF = ("staff",)  # require_role lets admins through as well
PARTY_CONFIRMERS = ("party_cell", "staff")
MEMBER_CHOICES_MAX = 2000


# --- verification queue ---------------------------------------------------------------------

def _queue(compound: Compound, failed: dict | None = None, status: int = 200):
    pending = claim_services.pending_claims(compound)
    forms = {c.id: RejectClaimForm(prefix=f"r{c.id}", formdata=None) for c in pending}
    forms.update(failed or {})
    return render_template("compounds/claims_queue.html", compound=compound, claims=pending,
                           reject_forms=forms, action_form=ActionForm(),
                           proven=proven_ids([c.user for c in pending])), status


@routes.route("/<int:compound_id>/claims", methods=["GET"])
@login_required
def claims_queue(compound_id: int):
    return _queue(require_role(compound_id, *STAFF))


@routes.route("/<int:compound_id>/claims/<int:claim_id>/approve", methods=["POST"])
@login_required
def approve_claim(compound_id: int, claim_id: int):
    compound = require_role(compound_id, *STAFF)
    if not ActionForm().validate_on_submit():
        return _queue(compound, status=400)
    try:
        with unit_of_work():
            claim = claim_services.get_claim(compound, claim_id)
            claim_services.approve_claim(current_user, claim)
            number = claim_services.unit_number(claim)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _queue(compound, status=exc.status)
    flash(_("已通过 %(unit)s 的认证。", unit=number), "success")
    return redirect(url_for("compounds.claims_queue", compound_id=compound.id))


@routes.route("/<int:compound_id>/claims/<int:claim_id>/reject", methods=["POST"])
@login_required
def reject_claim(compound_id: int, claim_id: int):
    compound = require_role(compound_id, *STAFF)
    form = RejectClaimForm(prefix=f"r{claim_id}")
    exc = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                claim = claim_services.get_claim(compound, claim_id)
                claim_services.reject_claim(current_user, claim, form.reason.data)
            flash(_("已驳回，申请人会看到您写的理由。"), "success")
            return redirect(url_for("compounds.claims_queue", compound_id=compound.id))
        except ServiceError as error:
            exc = error
            show_error(form, exc)
    return _queue(compound, {claim_id: form}, status_of(form, exc))


@routes.route("/<int:compound_id>/proxy-register", methods=["GET", "POST"])
@login_required
def proxy_register(compound_id: int):
    """代办: register an elderly resident in person and verify them for their unit."""
    compound = require_role(compound_id, *STAFF)
    form = ProxyRegisterForm()
    form.set_buildings(buildings_of(compound))
    exc = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                unit = find_unit(compound, form.building.data, form.entrance.data, form.room.data)
                residency = claim_services.proxy_register(
                    current_user, compound, unit, mobile=form.mobile.data,
                    display_name=form.display_name.data, password=form.password.data,
                    relation=form.relation.data)
                # Read before the commit expires them.
                name = db.session.get(User, residency.user_id).display_name
                number = unit.number
            flash(_("已为 %(name)s 办理 %(unit)s 的认证。", name=name, unit=number), "success")
            return redirect(url_for("compounds.proxy_register", compound_id=compound.id))
        except ServiceError as error:
            exc = error
            show_error(form, exc)
    return render_template("compounds/proxy_register.html", compound=compound,
                           form=form), status_of(form, exc)


@routes.route("/<int:compound_id>/reset-code", methods=["GET", "POST"])
@login_required
def reset_code(compound_id: int):
    """A one-time password reset code for a resident without a phone, shown once."""
    compound = require_role(compound_id, *STAFF)
    form = ResetCodeForm()
    exc = issued = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                person, code = reset_codes.issue_reset_code(current_user, compound,
                                                            form.mobile.data)
            issued = {"name": person.display_name, "mobile": person.mobile, "code": code}
            form = ResetCodeForm(formdata=None)
        except ServiceError as error:
            exc = error
            show_error(form, exc)
    return render_template("compounds/reset_code.html", compound=compound, form=form,
                           issued=issued), status_of(form, exc)


# --- roles ------------------------------------------------------------------------------------

def _roles_page(compound: Compound, grant_form=None, failed=None, status: int = 200):
    page = arg_page()
    members = members_of(compound, page)
    grants = role_services.active_grants(compound)
    revoke_forms = {g.id: RevokeRoleForm(prefix=f"g{g.id}", formdata=None) for g in grants}
    revoke_forms.update(failed or {})
    return render_template(
        "compounds/roles.html", compound=compound, grants=grants, revoke_forms=revoke_forms,
        grant_form=grant_form or _grant_form(compound, formdata=None), members=members,
        member_roles=roles_by_member(compound, [m.id for m in members]),
        total=count_members(compound), page=page), status


def _grant_form(compound: Compound, **kw) -> GrantRoleForm:
    form = GrantRoleForm(**kw)
    form.member.choices = [(0, _("— 请选择 —"))] + [
        (m.id, f"{m.display_name}（{m.mobile}）")
        for m in members_of(compound, 1, MEMBER_CHOICES_MAX)]
    form.role.choices = [("", _("— 请选择 —"))] + [
        (r, role_services.ROLE_LABELS[r]) for r in role_services.GRANTABLE_ROLES]
    return form


@routes.route("/<int:compound_id>/roles", methods=["GET"])
@login_required
def roles(compound_id: int):
    return _roles_page(require_role(compound_id, *STAFF))


@routes.route("/<int:compound_id>/roles/grant", methods=["POST"])
@login_required
def grant_role(compound_id: int):
    compound = require_role(compound_id, *STAFF)
    form = _grant_form(compound)
    exc = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = role_services.resolve_grantee(compound, form.member.data,
                                                     form.mobile.data)
                role_services.grant_role(current_user, compound, user, form.role.data)
            flash(_("已授予 %(name)s “%(role)s”。", name=user.display_name,
                    role=role_services.ROLE_LABELS[form.role.data]), "success")
            return redirect(url_for("compounds.roles", compound_id=compound.id))
        except ServiceError as error:
            exc = error
            show_error(form, exc)
    return _roles_page(compound, grant_form=form, status=status_of(form, exc))


@routes.route("/<int:compound_id>/roles/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke_role(compound_id: int, grant_id: int):
    compound = require_role(compound_id, *STAFF)
    form = RevokeRoleForm(prefix=f"g{grant_id}")
    exc = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                grant = role_services.get_grant(compound, grant_id)
                role_services.revoke_role(current_user, compound, grant, form.reason.data)
            flash(_("已撤销该角色。"), "success")
            return redirect(url_for("compounds.roles", compound_id=compound.id))
        except ServiceError as error:
            exc = error
            show_error(form, exc)
    return _roles_page(compound, failed={grant_id: form}, status=status_of(form, exc))


# --- 党员亮身份: confirmation by the party cell ------------------------------------------------

def _party_queue(compound: Compound, failed=None, status: int = 200):
    pending = role_services.pending_party_requests(compound)
    forms = {r.id: DeclinePartyForm(prefix=f"d{r.id}", formdata=None) for r in pending}
    forms.update(failed or {})
    return render_template("compounds/party_queue.html", compound=compound, requests=pending,
                           decline_forms=forms, action_form=ActionForm()), status


@routes.route("/<int:compound_id>/party", methods=["GET"])
@login_required
def party_queue(compound_id: int):
    return _party_queue(require_role(compound_id, *PARTY_CONFIRMERS))


@routes.route("/<int:compound_id>/party/<int:request_id>/confirm", methods=["POST"])
@login_required
def confirm_party(compound_id: int, request_id: int):
    compound = require_role(compound_id, *PARTY_CONFIRMERS)
    if not ActionForm().validate_on_submit():
        return _party_queue(compound, status=400)
    try:
        with unit_of_work():
            req = role_services.get_role_request(compound, request_id)
            role_services.confirm_party(current_user, compound, req)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _party_queue(compound, status=exc.status)
    flash(_("已确认党员身份。"), "success")
    return redirect(url_for("compounds.party_queue", compound_id=compound.id))


@routes.route("/<int:compound_id>/party/<int:request_id>/decline", methods=["POST"])
@login_required
def decline_party(compound_id: int, request_id: int):
    compound = require_role(compound_id, *PARTY_CONFIRMERS)
    form = DeclinePartyForm(prefix=f"d{request_id}")
    exc = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                req = role_services.get_role_request(compound, request_id)
                role_services.decline_party(current_user, compound, req, form.reason.data)
            flash(_("已答复，申报人会看到您写的理由。"), "success")
            return redirect(url_for("compounds.party_queue", compound_id=compound.id))
        except ServiceError as error:
            exc = error
            show_error(form, exc)
    return _party_queue(compound, {request_id: form}, status_of(form, exc))
