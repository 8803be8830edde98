from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user

from app.compounds.services import compounds_for

bp = Blueprint("main", __name__)


def _safe_next(default: str = "/") -> str:
    target = request.form.get("next") or request.args.get("next") or default
    # Only local paths: never bounce a user to another site.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


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
    return redirect(_safe_next())


@bp.post("/prefs/large-text")
def toggle_large_text():
    session["large_text"] = not session.get("large_text", False)
    session.permanent = True
    return redirect(_safe_next())


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")
