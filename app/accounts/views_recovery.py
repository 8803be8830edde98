"""One-time code pages: proving one's mobile number, a forgotten password, lifting the login
slowdown, and (in development only) the codes the development SMS sender "sent".
Routes are added to the accounts blueprint."""
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app.accounts import recovery, throttle
from app.accounts.forms import (
    MobileForm,
    PhoneCodeForm,
    PlainForm,
    ResetPasswordForm,
    UnlockForm,
)
from app.accounts.web import bp
from app.core.db import unit_of_work
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.phones import mask_mobile, normalize_mobile
from app.core.senders import recent_sms
from app.extensions import limiter

RECOVERY_MOBILE = "recovery_mobile"  # the number step one texted, to fill in step two
# Where to go once the number is proven: named pages only, never a URL from the request.
AFTER_PROOF = {"claim": "compounds.claim_by_code"}


def _sms_number_key() -> str:
    typed = normalize_mobile(request.form.get("mobile"))
    if typed:
        return "sms:" + typed
    return "sms:" + (current_user.mobile if current_user.is_authenticated else "-")


# Every page that texts a code shares these, so switching pages gains nothing.
sms_per_number = limiter.shared_limit(lambda: current_app.config["SMS_LIMIT_PER_NUMBER"],
                                      scope="sms-number", key_func=_sms_number_key,
                                      methods=["POST"])
sms_per_ip = limiter.shared_limit(lambda: current_app.config["SMS_LIMIT_PER_IP"],
                                  scope="sms-ip", key_func=get_remote_address, methods=["POST"])
code_checks_per_ip = limiter.shared_limit(lambda: current_app.config["CODE_CHECK_LIMIT_PER_IP"],
                                          scope="code-check", key_func=get_remote_address,
                                          methods=["POST"])


def _status(form) -> int:
    return 400 if form.errors else 200


def _then() -> dict:
    """Where to go after the proof, as query arguments to carry along: {} means home. From
    the claim page the letter's code comes along, so nobody has to type it again."""
    if request.args.get("then") not in AFTER_PROOF:
        return {}
    code = request.args.get("code", "")[:32]
    return {"then": request.args["then"], **({"code": code} if code else {})}


def _after_proof_url() -> str:
    args = _then()
    if not args:
        return url_for("main.home")
    endpoint = AFTER_PROOF[args.pop("then")]
    return url_for(endpoint, **args)


def _request_page(kind: str, form, status: int):
    return render_template("accounts/code_request.html", form=form, kind=kind,
                           sms_on=recovery.sms_enabled()), status


# --- proving one's number --------------------------------------------------------------------

def _phone_page(form, status: int = 200):
    return render_template(
        "accounts/verify_phone.html", form=form, then=_then(),
        proven=recovery.is_proven(current_user), sms_on=recovery.sms_enabled(),
        dev_page=current_app.config.get("SMS_DEV_PAGE")), status


@bp.route("/me/phone", methods=["GET", "POST"])
@login_required
@code_checks_per_ip
def verify_phone():
    form = PhoneCodeForm()
    if not form.validate_on_submit():
        return _phone_page(form, _status(form))
    with unit_of_work():  # a wrong code is committed too: the try counts
        problem = recovery.verify_phone(current_user, form.code.data)
    if problem is not None:
        form.code.errors = [problem]
        return _phone_page(form, 400)
    flash(_("手机号已验证。"), "success")
    return redirect(_after_proof_url())


@bp.post("/me/phone/send")
@login_required
@sms_per_number
@sms_per_ip
def send_phone_code():
    if not PlainForm().validate_on_submit():
        return _phone_page(PhoneCodeForm(formdata=None), 400)
    try:
        with unit_of_work():
            recovery.send_verification(current_user)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(_("验证码已发送到 %(mobile)s，10 分钟内有效。", mobile=current_user.masked_mobile),
              "success")
    return redirect(url_for("accounts.verify_phone", **_then()))


# --- forgotten password ----------------------------------------------------------------------

def _text_a_code(kind: str, send, next_endpoint: str):
    """Step one of recovery or unlocking: text a code to the number typed, then on to step
    two with the number filled in. The answer is the same whether or not it has an account."""
    form = MobileForm()
    if not form.validate_on_submit():
        return _request_page(kind, form, _status(form))
    number = normalize_mobile(form.mobile.data)
    try:
        with unit_of_work():
            send(number)
    except ServiceError as exc:
        show_error(form, exc)
        return _request_page(kind, form, exc.status)
    session[RECOVERY_MOBILE] = number
    flash(_("如果 %(mobile)s 已经注册，验证码已发到这个手机上，10 分钟内有效。",
            mobile=mask_mobile(number)), "info")
    return redirect(url_for(next_endpoint))


@bp.route("/password/forgot", methods=["GET", "POST"])
@sms_per_number
@sms_per_ip
def forgot_password():
    return _text_a_code("reset", recovery.request_reset, "accounts.reset_password")


@bp.route("/password/reset", methods=["GET", "POST"])
@code_checks_per_ip
def reset_password():
    form = ResetPasswordForm()
    if not form.is_submitted():
        form.mobile.data = session.get(RECOVERY_MOBILE)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                problem = recovery.reset_password(form.mobile.data, form.code.data,
                                                  form.password.data)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            if problem is None:
                session.pop(RECOVERY_MOBILE, None)
                flash(_("密码已重置，请用新密码登录。"), "success")
                return redirect(url_for("accounts.login"))
            form.code.errors = [problem]
    return render_template("accounts/reset.html", form=form), _status(form)


# --- lifting the login slowdown --------------------------------------------------------------

@bp.route("/login/unlock", methods=["GET", "POST"])
@sms_per_number
@sms_per_ip
def request_unlock():
    return _text_a_code("unlock", recovery.request_unlock, "accounts.unlock")


@bp.route("/login/unlock/code", methods=["GET", "POST"])
@code_checks_per_ip
def unlock():
    form = UnlockForm()
    if not form.is_submitted():
        form.mobile.data = session.get(RECOVERY_MOBILE)
    if form.validate_on_submit():
        with unit_of_work():
            user, problem = recovery.unlock(form.mobile.data, form.code.data)
        if problem is None:
            session.pop(RECOVERY_MOBILE, None)
            throttle.mark_unlocked(user.mobile)
            flash(_("已解除限制：15 分钟内在这台设备上登录不用等待。请输入密码登录。"), "success")
            return redirect(url_for("accounts.login"))
        form.code.errors = [problem]
    return render_template("accounts/unlock.html", form=form), _status(form)


# --- development only ------------------------------------------------------------------------

@bp.get("/dev/sms")
def dev_sms():
    """What the development SMS sender would have sent. Never in production or tests."""
    if not current_app.config.get("SMS_DEV_PAGE"):
        abort(404)
    return render_template("accounts/dev_sms.html", messages=recent_sms())
