from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import unit_of_work
from app.notifications import services
from app.notifications.labels import kind_label

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_notifications():
    if current_user.is_authenticated:
        unread, important = services.unread_counts(current_user)
        return {"unread_notifications": unread, "important_notifications": important}
    return {"unread_notifications": 0, "important_notifications": 0}


@bp.get("/")
@login_required
def index():
    return render_template("notifications/index.html", items=services.recent(current_user),
                           kind_label=kind_label)


@bp.post("/read")
@login_required
def mark_read():
    with unit_of_work():
        services.mark_all_read(current_user)
    flash(_("已全部标为已读。"), "success")
    return redirect(url_for("notifications.index"))
