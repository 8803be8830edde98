"""Register, log in and out, profile, password, personal data."""
import json

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import recovery, services, throttle
from app.accounts import views_recovery as _recovery_routes  # noqa: F401  (routes on bp)
from app.accounts.forms import (
    BadgeForm,
    ChangePasswordForm,
    DeleteAccountForm,
    DisplayNameForm,
    LoginForm,
    PlainForm,
    RegisterForm,
)
from app.accounts.personal_data import delete_account, export_user_data
from app.accounts.session import current_session_row, end_session, start_session
from app.accounts.web import bp
from app.core.db import unit_of_work
from app.core.errors import Conflict, ServiceError
from app.core.redirects import safe_next
from app.extensions import limiter

__all__ = ["bp"]




_FAILED = "yishi.login_failed"  # marked on the request itself, so it can never outlive it


def _login_failed(response) -> bool:
    return request.environ.get(_FAILED, False)


def _field_error(form, exc: ServiceError) -> None:
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = [*target.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _begin(user, via: str) -> None:
    """Log in on a brand-new session; a session this browser held before is ended."""
    previous = current_session_row()
    row = start_session(user)
    login_user(user)
    services.record_login(user, row, via=via, replaced=previous)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"],
               key_func=get_remote_address)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.register_user(form.mobile.data, form.display_name.data,
                                              form.password.data, consented=form.consent.data)
                _begin(user, via="register")
                texted = recovery.sms_enabled()
                if texted:
                    recovery.send_verification(user)
        except ServiceError as exc:
            _field_error(form, exc)
            status = 409 if isinstance(exc, Conflict) else 400
        else:
            if not texted:
                flash(_("注册成功。下一步：认证您的房屋。"), "success")
                return redirect(url_for("main.home"))
            flash(_("注册成功。我们已向 %(mobile)s 发送了 6 位验证码，请输入验证码证明这是您的"
                    "手机号。", mobile=user.masked_mobile), "success")
            return redirect(url_for("accounts.verify_phone"))
    return render_template("accounts/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"],
               key_func=get_remote_address, deduct_when=_login_failed, scope="login-ip")
def login():
    """Failed passwords slow down this account from this address, and the account as a whole
    (app.accounts.throttle); they never lock the owner out."""
    form = LoginForm(next=request.args.get("next"))
    if current_user.is_authenticated and not form.is_submitted():
        return redirect(safe_next(form.next.data))
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), 400 if form.errors else 200
    account, address = throttle.account_key(form.mobile.data), get_remote_address()
    wait = throttle.wait_seconds(account, address)
    if wait:
        form.form_errors.append(throttle.wait_message(wait))
        return render_template("accounts/login.html", form=form, throttled=True), 429
    user = services.authenticate(form.mobile.data, form.password.data)
    with unit_of_work():
        if user is None:
            services.record_login_failure(form.mobile.data)
        else:
            _begin(user, via="password")
    if user is None:
        request.environ[_FAILED] = True
        throttle.record_failure(account, address)
        form.form_errors.append(_("手机号或密码错误。"))
        return render_template("accounts/login.html", form=form), 400
    # Without a `next`, the site's landing page: a person's only compound, or the home page.
    return redirect(safe_next(form.next.data, default=url_for("main.start")))


@bp.post("/logout")
def logout():
    form = PlainForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        user = current_user._get_current_object()
        with unit_of_work():
            services.record_logout(user, end_session())
        logout_user()
        flash(_("您已退出登录。"), "info")
    return redirect(url_for("main.home"))


def _render_profile(status: int = 200, **forms):
    user = current_user._get_current_object()
    forms.setdefault("name_form", DisplayNameForm(display_name=user.display_name))
    forms.setdefault("badge_form", BadgeForm(shows_party_badge=user.shows_party_badge))
    current = current_session_row()
    return render_template("accounts/profile.html", user=user, plain_form=PlainForm(),
                           phone_proven=recovery.is_proven(user),
                           sessions=services.active_sessions(user),
                           current_id=current.id if current else None, **forms), status


@bp.get("/me")
@login_required
def profile():
    return _render_profile()


@bp.post("/me/name")
@login_required
def change_name():
    form = DisplayNameForm()
    if not form.validate_on_submit():
        return _render_profile(400, name_form=form)
    with unit_of_work():
        services.change_display_name(current_user, form.display_name.data)
    flash(_("称呼已更新。"), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/me/badge")
@login_required
def set_badge():
    form = BadgeForm()
    if not form.validate_on_submit():
        return _render_profile(400, badge_form=form)
    with unit_of_work():
        services.set_party_badge_choice(current_user, form.shows_party_badge.data)
    flash(_("设置已保存。"), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/me/sessions/others")
@login_required
def end_other_sessions():
    if not PlainForm().validate_on_submit():
        return _render_profile(400)
    with unit_of_work():
        count = services.log_out_other_sessions(current_user, current_session_row())
    flash(ngettext("已退出其他 %(n)s 处登录。", "已退出其他 %(n)s 处登录。", count, n=count),
          "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.change_password(current_user, form.old_password.data,
                                         form.password.data, keep=current_session_row())
        except ServiceError as exc:
            _field_error(form, exc)
        else:
            flash(_("密码已修改，其他设备上的登录已全部退出。"), "success")
            return redirect(url_for("accounts.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/password.html", form=form), status


@bp.get("/me/data.json")
@login_required
def download_data():
    body = json.dumps(export_user_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="yishi-my-data.json"',
        "Cache-Control": "no-store"})


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            with unit_of_work():
                delete_account(user, form.password.data)
        except ServiceError as exc:
            _field_error(form, exc)
        else:
            end_session()
            logout_user()
            flash(_("您的账户已注销，个人信息已删除。感谢您参与小区议事。"), "success")
            return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/delete.html", form=form), status
