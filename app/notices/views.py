"""Notice pages: the list (running ones pinned on top), writing and editing a draft, the
notice page (which counts the household's read) and the print view for the bulletin board.
Publishing, corrections, withdrawal and acknowledgement live in views_actions, which adds its
routes to the same blueprint."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import require_member
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_id, arg_page
from app.core.paper_links import paper_url
from app.notices import queries, reads, services
from app.notices import views_actions as _action_routes  # noqa: F401  (routes on bp)
from app.notices.forms import NoticeForm
from app.notices.labels import KIND_LABELS, PHASE_CSS, PHASE_LABELS
from app.notices.pages import count_visit, load, render_show
from app.notices.web import bp
from app.proposals.exports import qr_data_uri

__all__ = ["bp"]


@bp.context_processor
def _names():
    return {"kind_labels": KIND_LABELS, "phase_labels": PHASE_LABELS, "phase_css": PHASE_CSS,
            "phase_of": queries.phase}


@bp.get("/")
@login_required
def index(compound_id: int):
    compound = require_member(compound_id)
    publisher = services.may_publish(current_user, compound)
    page = arg_page()
    listing = queries.list_notices(compound, drafts=publisher, page=page)
    shown = [n.id for n in listing.current + listing.past if n.status != "draft"]
    return render_template(
        "notices/index.html", compound=compound, listing=listing, page=page,
        page_size=queries.PAGE_SIZE, publisher=publisher,
        counts=reads.counts(shown) if publisher else {},
        households=reads.households(compound) if publisher else None)


def _form_page(compound, form, notice=None, status=200):
    return render_template("notices/form.html", compound=compound, form=form, notice=notice,
                           default_days=services.DEFAULT_DAYS), status


def _publish_requested() -> bool:
    return request.form.get("action") == "publish"


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(compound_id: int):
    compound = require_member(compound_id)
    if not services.may_publish(current_user, compound):
        abort(403)
    form = NoticeForm()
    form.set_proposals(services.linkable_proposals(compound))
    if not form.is_submitted():
        form.proposal.data = arg_id("proposal_id") or 0
        if form.proposal.data:
            form.kind.data = "vote_result"
        return _form_page(compound, form)
    if not form.validate():
        return _form_page(compound, form, status=400)
    try:
        with unit_of_work():
            notice = services.create_draft(current_user, compound, **form.service_fields())
            if _publish_requested():
                services.publish(current_user, notice)
    except ServiceError as exc:
        show_error(form, exc)
        return _form_page(compound, form, status=exc.status)
    flash(_("公告已发布。") if _publish_requested() else _("草稿已保存，发布前只有发布人可见。"),
          "success")
    return redirect(url_for(".show", compound_id=compound.id, notice_id=notice.id))


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@login_required
def edit(compound_id: int, notice_id: int):
    compound, notice = load(compound_id, notice_id, publisher=True)
    if notice.status != "draft":
        flash(_("公告发布后不能直接修改，请用“更正”并写明理由。"), "info")
        return redirect(url_for(".correct", compound_id=compound.id, notice_id=notice.id))
    form = NoticeForm()
    form.set_proposals(services.linkable_proposals(compound))
    if not form.is_submitted():
        form.fill_from(notice)
        return _form_page(compound, form, notice)
    if not form.validate():
        return _form_page(compound, form, notice, status=400)
    try:
        with unit_of_work():
            services.update_draft(current_user, notice, **form.service_fields())
            if _publish_requested():
                services.publish(current_user, notice)
    except ServiceError as exc:
        show_error(form, exc)
        return _form_page(compound, form, notice, status=exc.status)
    flash(_("公告已发布。") if _publish_requested() else _("草稿已保存。"), "success")
    return redirect(url_for(".show", compound_id=compound.id, notice_id=notice.id))


@bp.get("/<int:notice_id>")
@login_required
def show(compound_id: int, notice_id: int):
    compound, notice = load(compound_id, notice_id)
    household = count_visit(notice, reads.household_of(current_user, notice))
    return render_show(compound, notice, household=household)


@bp.get("/<int:notice_id>/print")
@login_required
def print_view(compound_id: int, notice_id: int):
    """A4, large type, with a QR code back to the notice page, for the 公示栏."""
    compound, notice = load(compound_id, notice_id)
    printed = queries.printed_revision(notice)
    # A published paper links to its login-free check page; a draft to the notice itself.
    url = (paper_url("notice", notice.id, printed.number) if printed else
           url_for(".show", compound_id=compound.id, notice_id=notice.id, _external=True))
    return render_template("notices/print.html", compound=compound, notice=notice,
                           phase=queries.phase(notice), qr=qr_data_uri(url), url=url,
                           digest=queries.revision_digest(printed) if printed else None)
