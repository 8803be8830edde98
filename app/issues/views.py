"""Issue pages: the list with filters, raising an issue (photos included), the issue page, and
the photos. Seconding, discussion and status changes live in views_discussion, which adds its
routes to the same blueprint."""
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.compounds.access import has_role, require_member, roles_in
from app.compounds.viewkit import user_key
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.ids import arg_id, arg_page
from app.core.uploads import absolute_path
from app.extensions import db, limiter
from app.issues import photos as photo_store
from app.issues import queries, services
from app.issues import views_discussion as _discussion_routes  # noqa: F401  (routes on bp)
from app.issues import views_search as _search_routes  # noqa: F401  (routes on bp)
from app.issues.forms import IssueForm
from app.issues.labels import ACTION_LABELS, RATING_LABELS, STATUS_CSS, role_label
from app.issues.lifecycle import STATUS_LABELS
from app.issues.models import STATUSES, Issue, IssuePhoto
from app.issues.pages import render_show
from app.issues.web import bp

__all__ = ["bp"]

IMMUTABLE = "private, max-age=31536000, immutable"


@bp.context_processor
def _names():
    return {"status_labels": STATUS_LABELS, "status_css": STATUS_CSS,
            "action_labels": ACTION_LABELS, "rating_labels": RATING_LABELS,
            "role_label": role_label, "author_name": queries.author_name,
            "hides_author": queries.hides_author,
            "event_actor": queries.event_actor}


@bp.get("/")
@login_required
def index(compound_id: int):
    compound = require_member(compound_id)
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    category = request.args.get("category", "")[:16]
    building_id = arg_id("building") or 0
    page = arg_page()
    issues, total = queries.list_issues(compound, status=status, category=category,
                                        building_id=building_id, page=page)
    return render_template(
        "issues/index.html", compound=compound, issues=issues, total=total, page=page,
        page_size=queries.PAGE_SIZE, status=status, category=category, building_id=building_id,
        categories=services.categories_for(compound), buildings=services.buildings_of(compound),
        sees=queries.sees_who(current_user, compound),
        can_post=bool(roles_in(current_user, compound) & {"resident", "grid", "admin"}))


def _attached(form: IssueForm) -> list:
    return [f for f in request.files.getlist(form.photos.name) if f and f.filename]


def _photo_error(form: IssueForm, message, filename: str = "") -> None:
    text = f"{filename[:60]}：{message}" if filename else str(message)
    form.photos.errors = [*form.photos.errors, text]


def _photos_from_request(form: IssueForm) -> list:
    """Every attached photo checked from its header first (count, size, pixels each and
    together), then decoded in memory; none is stored here. Refusals go on the field."""
    files = _attached(form)
    if len(files) > photo_store.MAX_PHOTOS:
        _photo_error(form, _("最多上传 6 张照片。"))
        return []
    checked = []
    for storage in files:
        try:
            checked.append((storage.filename, photo_store.check(
                photo_store.read_upload(storage))))
        except ServiceError as exc:
            _photo_error(form, exc.message, storage.filename)
    if form.photos.errors:
        return []
    try:
        photo_store.check_total([upload for _name, upload in checked])
    except ServiceError as exc:
        _photo_error(form, exc.message)
        return []
    prepared = []
    for name, upload in checked:
        try:
            prepared.append(photo_store.prepare(upload))
        except ServiceError as exc:
            _photo_error(form, exc.message, name)
    return prepared


def _refused(compound, form, grid, status):
    """The form again, as typed. Files can't travel back into a file field, and nothing of a
    refused submit is stored: say so when photos were attached."""
    if _attached(form) and not form.photos.errors:
        _photo_error(form, _("照片还没有保存，请改正后重新选择照片。"))
    return _form_page(compound, form, grid, status)


def _form_page(compound, form, grid, status=200):
    return render_template("issues/new.html", compound=compound, form=form, grid=grid), status


def _post_limit() -> str:
    return current_app.config["ISSUE_POST_LIMIT"]


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit(_post_limit, key_func=user_key, methods=["POST"])
def new(compound_id: int):
    compound = require_member(compound_id)
    grid = has_role(current_user, compound, "grid")
    if not (grid or "resident" in roles_in(current_user, compound)):
        abort(403)
    form = IssueForm()
    form.set_choices(services.categories_for(compound), services.buildings_of(compound))
    if not form.is_submitted():
        return _form_page(compound, form, grid)
    if not form.validate():  # the text first: a refused form never costs a decoded photo
        return _refused(compound, form, grid, 400)
    photos = _photos_from_request(form)
    if form.photos.errors:
        return _refused(compound, form, grid, 400)
    try:
        with unit_of_work():
            behalf = (services.resident_by_mobile(compound, form.on_behalf_mobile.data)
                      if grid and form.on_behalf_mobile.data else None)
            issue = services.post_issue(
                current_user, compound, title=form.title.data, body=form.body.data or "",
                category=form.category.data, building_id=form.building.data or None,
                show_as=form.show_as.data, photos=photos, on_behalf_of=behalf)
    except ServiceError as exc:
        show_error(form, exc)
        return _refused(compound, form, grid, exc.status)
    flash(_("议题已发布。邻居们可以附议和讨论了。"), "success")
    return redirect(url_for(".show", compound_id=compound.id, issue_id=issue.id))


@bp.get("/<int:issue_id>")
@login_required
def show(compound_id: int, issue_id: int):
    compound = require_member(compound_id)
    issue = queries.load_issue(compound, issue_id)
    if issue is None:
        abort(404)
    return render_show(compound, issue)


def _send(relative: str):
    mimetype = "image/png" if relative.endswith(".png") else "image/jpeg"
    response = send_file(absolute_path(relative), mimetype=mimetype, conditional=True)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/<int:issue_id>/photos/<int:photo_id>")
@bp.get("/<int:issue_id>/photos/<int:photo_id>/<any(thumb):size>")
@login_required
def photo(compound_id: int, issue_id: int, photo_id: int, size: str = ""):
    compound = require_member(compound_id)
    row = db.session.get(IssuePhoto, photo_id)
    issue = row and db.session.get(Issue, row.issue_id)
    if row is None or row.issue_id != issue_id or issue.compound_id != compound.id:
        abort(404)
    return _send(row.thumb_path if size else row.path)
