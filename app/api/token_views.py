"""/me/api-tokens: a person makes, names and revokes their API tokens (CSRF-protected forms,
each change audited). A new token is shown once, in the answer to the form that made it."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.api import tokens
from app.api.forms import RevokeForm, TokenForm
from app.api.models import MAX_LIVE_TOKENS
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error

bp = Blueprint("api_tokens", __name__)


def _render(form=None, new_token: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    return render_template("api/tokens.html", form=form or TokenForm(),
                           revoke_form=RevokeForm(), live=tokens.live_tokens(user),
                           max_tokens=MAX_LIVE_TOKENS, new_token=new_token), status


@bp.get("/me/api-tokens")
@login_required
def index():
    return _render()


@bp.post("/me/api-tokens")
@login_required
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _render(form, status=400)
    try:
        with unit_of_work():
            _token, plain = tokens.create_token(current_user, form.name.data)
    except ServiceError as exc:
        show_error(form, exc)
        return _render(form, status=exc.status)
    # Shown in this answer only (never flashed: the session cookie would carry it).
    return _render(TokenForm(formdata=None), new_token=plain)


@bp.post("/me/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
        return _render(status=400)
    with unit_of_work():
        token = tokens.revoke_token(current_user, token_id)
    flash(_("令牌“%(name)s”已撤销，使用它的请求会立即被拒绝。", name=token.name), "success")
    return redirect(url_for(".index"))
