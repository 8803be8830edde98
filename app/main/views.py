from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
)
from flask_login import current_user

from app.compounds.services import compounds_for
from app.core.redirects import safe_next

bp = Blueprint("main", __name__)


def _back() -> str:
    """The page the preference was changed on (its own path, sent by the form)."""
    return safe_next(request.form.get("next") or request.args.get("next"))


@bp.get("/")
def home():
    compounds = compounds_for(current_user) if current_user.is_authenticated else []
    return render_template("main/home.html", compounds=compounds)


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
