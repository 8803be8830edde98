from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.compounds.access import require_member, roles_by_compound, roles_in
from app.compounds.levels import levels_of
from app.compounds.models import Community, Compound
from app.core.redirects import safe_next
from app.core.time import utcnow
from app.dispatch import queries as dispatch_queries
from app.extensions import db
from app.funds import todo as funds_todo
from app.meetings import todo as meetings_todo
from app.meetings.tasks import open_tasks
from app.notices.queries import running_notices
from app.site.links import compound_links
from app.site.rules_views import attach as attach_rules
from app.site.todo import todo_for

# The site's own pages keep the endpoint names they had ("main.home", "compounds.overview").
bp = Blueprint("main", __name__)


def _back() -> str:
    """The page the preference was changed on (its own path, sent by the form)."""
    return safe_next(request.form.get("next") or request.args.get("next"))


# The home pages' compounds, built once (they run on every request).
_COMPOUNDS = (select(Compound).where(Compound.id.in_(bindparam("ids", expanding=True)))
              .options(joinedload(Compound.community)).execution_options(populate_existing=True)
              .order_by(Compound.name))
_COMPOUND_HEADING = (select(Compound).where(Compound.id == bindparam("id"))
                     .options(joinedload(Compound.community).joinedload(Community.subdistrict))
                     .execution_options(populate_existing=True))


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("site/home.html", compounds=[], todo=[])
    roles = roles_by_compound(current_user)
    compounds = list(db.session.scalars(_COMPOUNDS, {"ids": list(roles)})) if roles else []
    return render_template("site/home.html", compounds=compounds,
                           compound_names={c.id: c.name for c in compounds},
                           todo=todo_for(current_user, roles).items,
                           desk=dispatch_queries.desk_links(current_user),
                           desks=levels_of(current_user))


@bp.get("/start")
@login_required
def start():
    """Where a login without a `next` lands: the compound's home for a person with a single
    compound, the home page (all their compounds, or how to verify a home) otherwise."""
    roles = roles_by_compound(current_user)
    if len(roles) == 1:
        return redirect(url_for("compounds.overview", compound_id=next(iter(roles))))
    return redirect(url_for("main.home"))


@login_required
def compound_home(compound_id: int):
    """/c/<id>/: the to-do list of this compound, running notices, the places, meetings and
    decisions being carried out."""
    # Loaded with its community and subdistrict for the heading; require_member() then finds
    # it in the session (held here: the identity map keeps only referenced rows).
    loaded = db.session.scalar(_COMPOUND_HEADING, {"id": compound_id})  # noqa: F841
    compound = require_member(compound_id)
    held = roles_in(current_user, compound)
    now = utcnow()
    # The meetings card's upcoming meetings come in the to-do list's statement.
    gathered = todo_for(current_user, {compound.id: held}, compound_id=compound.id, now=now,
                        also=[meetings_todo.UPCOMING, funds_todo.STALE_ON_HOME])
    upcoming = meetings_todo.upcoming_from(gathered.rows)
    return render_template(
        "site/compound_home.html", compound=compound, held=held,
        links=compound_links(compound, held), todo=gathered.items,
        running_notices=running_notices(compound, current_user, now=now),
        meetings_upcoming=upcoming, meetings_open_tasks=open_tasks(compound),
        stale_fund_questions=funds_todo.stale_from(gathered.rows),
        today=now.date())


def attach(app) -> None:
    """The compound's home lives at /c/<id>/ under the name it has always had, and its rules
    page beside it (app.site.rules_views)."""
    app.add_url_rule("/c/<int:compound_id>/", "compounds.overview", compound_home,
                     methods=["GET"])
    attach_rules(app)


@bp.post("/prefs/language")
def set_language():
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        session.permanent = True
    return redirect(_back())


@bp.post("/prefs/large-text")
def toggle_large_text():
    session["large_text"] = not session.get("large_text", False)
    session.permanent = True
    return redirect(_back())


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links to; answer it from static."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)
