"""Forms of the accounts domain. Field checks here give every message at once; the services
check again, so a call from elsewhere (CLI, staff 代办) gets the same rules."""
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TelField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Regexp,
    ValidationError,
)

from app.accounts.passwords import MAX_LENGTH, password_problem
from app.accounts.phone_codes import normalize_code
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.phones import normalize_mobile


def _valid_mobile(form, field) -> None:
    if normalize_mobile(field.data) is None:
        raise ValidationError(_l("请输入正确的 11 位手机号，例如 13812345678。"))


def _strong_password(form, field) -> None:
    mobile = normalize_mobile(form.mobile.data) if hasattr(form, "mobile") else None
    problem = password_problem(field.data or "", mobile)
    if problem is not None:
        raise ValidationError(problem)


def _not_too_long():
    # Hashing a megabyte-long "password" is a cheap way to tie up a worker; refuse it first.
    return Length(max=MAX_LENGTH, message=_l("密码不能超过 %(n)s 位。", n=MAX_LENGTH))


def _name_field():
    return StringField(
        _l("称呼"),
        validators=[DataRequired(_l("请填写称呼。")),
                    Length(max=40, message=_l("称呼不能超过 40 个字。"))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v])


class RegisterForm(Form):
    mobile = TelField(_l("手机号"), validators=[DataRequired(_l("请输入手机号。")), _valid_mobile])
    display_name = _name_field()
    password = PasswordField(_l("密码"), validators=[InputRequired(_l("请设置密码。")),
                                                     _strong_password])
    confirm = PasswordField(_l("再次输入密码"), validators=[
        InputRequired(_l("请再次输入密码。")),
        EqualTo("password", message=_l("两次输入的密码不一致。"))])
    consent = BooleanField(_l("我已阅读并同意隐私说明"),
                           validators=[DataRequired(_l("请阅读并同意隐私说明。"))])


class LoginForm(Form):
    mobile = TelField(_l("手机号"), validators=[DataRequired(_l("请输入手机号。"))])
    password = PasswordField(_l("密码"), validators=[InputRequired(_l("请输入密码。")),
                                                     _not_too_long()])
    next = HiddenField()


class DisplayNameForm(Form):
    display_name = _name_field()


class BadgeForm(Form):
    shows_party_badge = BooleanField(_l("在我的名字旁显示党员标识"))


class PlainForm(Form):
    """A button-only POST (log out other sessions): the CSRF token is the whole form."""


class ChangePasswordForm(Form):
    old_password = PasswordField(_l("当前密码"), validators=[
        InputRequired(_l("请输入当前密码。")), _not_too_long()])
    password = PasswordField(_l("新密码"), validators=[
        InputRequired(_l("请设置新密码。")), _not_too_long()])
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        InputRequired(_l("请再次输入新密码。")),
        EqualTo("password", message=_l("两次输入的密码不一致。"))])


class DeleteAccountForm(Form):
    password = PasswordField(_l("当前密码"), validators=[
        InputRequired(_l("请输入当前密码。")), _not_too_long()])
    understood = BooleanField(
        _l("我了解：注销后无法恢复，我在各小区的认证和身份将被撤销"),
        validators=[DataRequired(_l("请确认您了解注销的后果。"))])


SMS_CODE = r"^\d{6}$"


def _code_field(label, pattern: str, message):
    """A one-time code: digits only; spaces and dashes people type between them are dropped."""
    return StringField(label, filters=[lambda v: normalize_code(v) if isinstance(v, str) else v],
                       validators=[DataRequired(_l("请输入验证码。")),
                                   Regexp(pattern, message=message)])


class MobileForm(Form):
    """Step one of recovery and unlocking: the number to text a code to."""

    mobile = TelField(_l("手机号"), validators=[DataRequired(_l("请输入手机号。")), _valid_mobile])


class PhoneCodeForm(Form):
    code = _code_field(_l("短信验证码"), SMS_CODE, _l("验证码是 6 位数字。"))


class UnlockForm(MobileForm):
    code = _code_field(_l("短信验证码"), SMS_CODE, _l("验证码是 6 位数字。"))


class ResetPasswordForm(MobileForm):
    code = _code_field(_l("验证码或重置码"), r"^(\d{6}|\d{8})$",
                       _l("请输入短信里的 6 位验证码，或社区工作人员给您的 8 位重置码。"))
    password = PasswordField(_l("新密码"), validators=[
        InputRequired(_l("请设置新密码。")), _strong_password])
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        InputRequired(_l("请再次输入新密码。")),
        EqualTo("password", message=_l("两次输入的密码不一致。"))])
