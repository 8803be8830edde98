"""The levels above a compound: the admin's pages (/admin/) to create and rename subdistricts,
communities and compounds and to assign staff to them, and the desks of subdistrict staff
(/subdistrict/<id>/) and community staff (/community/<id>/) listing their compounds. Registered
by create_app as the `levels` blueprint."""
import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds import levels
from app.compounds.level_forms import AssignForm, NameForm, RevokeAssignmentForm
from app.compounds.viewkit import status_of
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.dispatch import desk, report
from app.funds.questions import stale_questions_of_community

bp = Blueprint("levels", __name__)
NEW_SUBDISTRICT = _l("新街道的名称")
SUBDISTRICT_NAME = _l("街道名称")
NEW_COMMUNITY = _l("新社区的名称")
COMMUNITY_NAME = _l("社区名称")
NEW_COMPOUND = _l("新小区的名称")


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


def _submit(form, action, done_message: str, page):
    """Validate `form`, run `action()` in one transaction, then flash and go to `page()`'s
    address; on a refusal, show the page again with the form's errors."""
    exc = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                target = action()
            flash(done_message, "success")
            return redirect(target)
        except ServiceError as error:
            exc = error
            show_error(form, exc)
    return page(form, status_of(form, exc))


# --- /admin/: subdistricts ---------------------------------------------------------------------

def _admin_home(new_form=None, status: int = 200):
    return render_template(
        "levels/admin.html", subdistricts=levels.subdistricts_with_counts(),
        new_form=new_form or NameForm(prefix="new", formdata=None, label=NEW_SUBDISTRICT)), status


@bp.get("/admin/")
@login_required
def admin_home():
    _require_admin()
    return _admin_home()


@bp.post("/admin/subdistricts")
@login_required
def create_subdistrict():
    _require_admin()
    form = NameForm(prefix="new", label=NEW_SUBDISTRICT)

    def action():
        row = levels.create_subdistrict(current_user, form.name.data)
        return url_for("levels.admin_subdistrict", subdistrict_id=row.id)
    return _submit(form, action, _("已创建街道“%(name)s”。", name=form.name.data),
                   lambda f, status: _admin_home(f, status))


# --- /admin/subdistricts/<id>: its communities and staff -------------------------------------

def _subdistrict_page(subdistrict_id: int, failed: dict | None = None, status: int = 200):
    subdistrict = levels.get_subdistrict(subdistrict_id)
    staff = levels.active_subdistrict_staff(subdistrict)
    forms = {
        "rename": NameForm(prefix="rename", formdata=None, name=subdistrict.name,
                           label=SUBDISTRICT_NAME),
        "community": NameForm(prefix="community", formdata=None, label=NEW_COMMUNITY),
        "assign": AssignForm(prefix="assign", formdata=None),
        **{f"r{a.id}": RevokeAssignmentForm(prefix=f"r{a.id}", formdata=None) for a in staff},
    }
    forms.update(failed or {})
    return render_template(
        "levels/admin_subdistrict.html", subdistrict=subdistrict,
        communities=levels.communities_with_counts(subdistrict), staff=staff,
        forms=forms), status


def _back_to_subdistrict(subdistrict_id: int) -> str:
    return url_for("levels.admin_subdistrict", subdistrict_id=subdistrict_id)


@bp.get("/admin/subdistricts/<int:subdistrict_id>")
@login_required
def admin_subdistrict(subdistrict_id: int):
    _require_admin()
    return _subdistrict_page(subdistrict_id)


def _on_subdistrict(subdistrict_id: int, key: str, form, action, message):
    def page(f, status):
        return _subdistrict_page(subdistrict_id, {key: f}, status)
    return _submit(form, action, message, page)


@bp.post("/admin/subdistricts/<int:subdistrict_id>/rename")
@login_required
def rename_subdistrict(subdistrict_id: int):
    _require_admin()
    form = NameForm(prefix="rename", label=SUBDISTRICT_NAME)

    def action():
        levels.rename_subdistrict(current_user, levels.get_subdistrict(subdistrict_id),
                                  form.name.data)
        return _back_to_subdistrict(subdistrict_id)
    return _on_subdistrict(subdistrict_id, "rename", form, action, _("已改名。"))


@bp.post("/admin/subdistricts/<int:subdistrict_id>/communities")
@login_required
def create_community(subdistrict_id: int):
    _require_admin()
    form = NameForm(prefix="community", label=NEW_COMMUNITY)

    def action():
        row = levels.create_community(current_user, levels.get_subdistrict(subdistrict_id),
                                      form.name.data)
        return url_for("levels.admin_community", community_id=row.id)
    return _on_subdistrict(subdistrict_id, "community", form, action,
                           _("已创建社区“%(name)s”。", name=form.name.data))


@bp.post("/admin/subdistricts/<int:subdistrict_id>/staff")
@login_required
def assign_subdistrict_staff(subdistrict_id: int):
    _require_admin()
    form = AssignForm(prefix="assign")

    def action():
        levels.assign_subdistrict_staff(current_user, levels.get_subdistrict(subdistrict_id),
                                        levels.account_by_mobile(form.mobile.data))
        return _back_to_subdistrict(subdistrict_id)
    return _on_subdistrict(subdistrict_id, "assign", form, action, _("已指派街道工作人员。"))


@bp.post("/admin/subdistricts/<int:subdistrict_id>/staff/<int:assignment_id>/revoke")
@login_required
def revoke_subdistrict_staff(subdistrict_id: int, assignment_id: int):
    _require_admin()
    key = f"r{assignment_id}"
    form = RevokeAssignmentForm(prefix=key)

    def action():
        subdistrict = levels.get_subdistrict(subdistrict_id)
        row = levels.get_subdistrict_assignment(subdistrict, assignment_id)
        levels.revoke_subdistrict_staff(current_user, row, form.reason.data)
        return _back_to_subdistrict(subdistrict_id)
    return _on_subdistrict(subdistrict_id, key, form, action, _("已撤销这项任命。"))


# --- /admin/communities/<id>: its compounds and staff ------------------------------------------

def _community_page(community_id: int, failed: dict | None = None, status: int = 200):
    community = levels.get_community(community_id)
    compounds = levels.compounds_of(community)
    staff = levels.active_staff(community)
    forms = {
        "rename": NameForm(prefix="rename", formdata=None, name=community.name,
                           label=COMMUNITY_NAME),
        "compound": NameForm(prefix="compound", formdata=None, label=NEW_COMPOUND),
        "assign": AssignForm(prefix="assign", formdata=None),
        **{f"c{c.id}": NameForm(prefix=f"c{c.id}", formdata=None, name=c.name,
                                label=_l("“%(name)s”的新名称", name=c.name))
           for c in compounds},
        **{f"r{a.id}": RevokeAssignmentForm(prefix=f"r{a.id}", formdata=None) for a in staff},
    }
    forms.update(failed or {})
    return render_template(
        "levels/admin_community.html", community=community, compounds=compounds, staff=staff,
        forms=forms), status


def _back_to_community(community_id: int) -> str:
    return url_for("levels.admin_community", community_id=community_id)


def _on_community(community_id: int, key: str, form, action, message):
    def page(f, status):
        return _community_page(community_id, {key: f}, status)
    return _submit(form, action, message, page)


@bp.get("/admin/communities/<int:community_id>")
@login_required
def admin_community(community_id: int):
    _require_admin()
    return _community_page(community_id)


@bp.post("/admin/communities/<int:community_id>/rename")
@login_required
def rename_community(community_id: int):
    _require_admin()
    form = NameForm(prefix="rename", label=COMMUNITY_NAME)

    def action():
        levels.rename_community(current_user, levels.get_community(community_id),
                                form.name.data)
        return _back_to_community(community_id)
    return _on_community(community_id, "rename", form, action, _("已改名。"))


@bp.post("/admin/communities/<int:community_id>/compounds")
@login_required
def create_compound(community_id: int):
    _require_admin()
    form = NameForm(prefix="compound", label=NEW_COMPOUND)

    def action():
        levels.create_compound(current_user, levels.get_community(community_id), form.name.data)
        return _back_to_community(community_id)
    return _on_community(community_id, "compound", form, action,
                         _("已创建小区“%(name)s”。", name=form.name.data))


@bp.post("/admin/communities/<int:community_id>/compounds/<int:compound_id>/rename")
@login_required
def rename_compound(community_id: int, compound_id: int):
    _require_admin()
    key = f"c{compound_id}"
    form = NameForm(prefix=key, label=_l("新名称"))

    def action():
        community = levels.get_community(community_id)
        levels.rename_compound(current_user, levels.get_compound(community, compound_id),
                               form.name.data)
        return _back_to_community(community_id)
    return _on_community(community_id, key, form, action, _("已改名。"))


@bp.post("/admin/communities/<int:community_id>/staff")
@login_required
def assign_community_staff(community_id: int):
    _require_admin()
    form = AssignForm(prefix="assign")

    def action():
        levels.assign_community_staff(current_user, levels.get_community(community_id),
                                      levels.account_by_mobile(form.mobile.data))
        return _back_to_community(community_id)
    return _on_community(community_id, "assign", form, action, _("已指派社区工作者。"))


@bp.post("/admin/communities/<int:community_id>/staff/<int:assignment_id>/revoke")
@login_required
def revoke_community_staff(community_id: int, assignment_id: int):
    _require_admin()
    key = f"r{assignment_id}"
    form = RevokeAssignmentForm(prefix=key)

    def action():
        community = levels.get_community(community_id)
        row = levels.get_staff_assignment(community, assignment_id)
        levels.revoke_community_staff(current_user, row, form.reason.data)
        return _back_to_community(community_id)
    return _on_community(community_id, key, form, action, _("已撤销这项任命。"))


# --- the desks ---------------------------------------------------------------------------------

def _desk_names() -> dict:
    from app.dispatch.lifecycle import STATE_LABELS
    return {"month_label": desk.month_label, "month_key": desk.month_key,
            "state_labels": STATE_LABELS}


@bp.get("/subdistrict/<int:subdistrict_id>/")
@login_required
def subdistrict_desk(subdistrict_id: int):
    """The subdistrict's figures over its communities, its escalated tickets, and its
    communities and their compounds, for its staff (and admins)."""
    subdistrict = levels.get_subdistrict(subdistrict_id)
    if not levels.may_see_subdistrict(current_user, subdistrict.id):
        abort(403)
    communities = levels.compounds_by_community(subdistrict)
    now = utcnow()
    board = desk.board([c.id for c, _cs in communities],
                       [x.id for _c, cs in communities for x in cs], current_user, now)
    return render_template("levels/subdistrict.html", subdistrict=subdistrict,
                           communities=communities, board=board, now=now,
                           escalated=desk.escalated(subdistrict.id), **_desk_names())


@bp.get("/community/<int:community_id>/")
@login_required
def community_desk(community_id: int):
    """The community's figures and its compounds, for its staff, its subdistrict's staff and
    admins."""
    community = levels.get_community(community_id)
    if not levels.may_see_community(current_user, community):
        abort(403)
    compounds = levels.compounds_of(community)
    now = utcnow()
    # Only the community's own staff (and admins) open its ticket list.
    lists = current_user.is_admin or community.id in report.own_communities(current_user)
    return render_template("levels/community.html", community=community, compounds=compounds,
                           board=desk.board([community.id], [c.id for c in compounds],
                                            current_user, now), now=now, lists=lists,
                           questions=stale_questions_of_community(community.id, now),
                           **_desk_names())


def _report_month() -> str | None:
    key = request.args.get("month") or desk.last_months(utcnow(), 2)[0]  # last month
    return key if desk.parse_month(key) else None


def _send_report(place: str, key: str, community_ids, unmasked):
    data = report.workbook(place=place, key=key, community_ids=community_ids,
                           unmasked=unmasked, now=utcnow())
    return send_file(io.BytesIO(data), mimetype=report.XLSX_MIME, as_attachment=True,
                     download_name=f"{place}-{key}.xlsx")


@bp.get("/community/<int:community_id>/report.xlsx")
@login_required
def community_report(community_id: int):
    """The community's monthly report (?month=2026-11), for the desk's viewers; names are
    shown in full to the community's own staff and admins only."""
    community = levels.get_community(community_id)
    if not levels.may_see_community(current_user, community):
        abort(403)
    key = _report_month()
    if key is None:
        flash(_("月份的写法是“2026-11”。"), "error")
        return redirect(url_for("levels.community_desk", community_id=community.id))
    unmasked = None if current_user.is_admin else report.own_communities(current_user)
    return _send_report(community.name, key, [community.id], unmasked)


@bp.get("/subdistrict/<int:subdistrict_id>/report.xlsx")
@login_required
def subdistrict_report(subdistrict_id: int):
    """The subdistrict's monthly report over its communities."""
    subdistrict = levels.get_subdistrict(subdistrict_id)
    if not levels.may_see_subdistrict(current_user, subdistrict.id):
        abort(403)
    key = _report_month()
    if key is None:
        flash(_("月份的写法是“2026-11”。"), "error")
        return redirect(url_for("levels.subdistrict_desk", subdistrict_id=subdistrict.id))
    unmasked = None if current_user.is_admin else report.own_communities(current_user)
    return _send_report(subdistrict.name, key, desk.community_ids_of(subdistrict.id),
                        unmasked)
