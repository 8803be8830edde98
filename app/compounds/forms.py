"""Forms of the compounds domain. Services check again, so every rule holds whatever the caller."""
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.phones import normalize_mobile

# --- verification and roles -------------------------------------------------------------------

RELATION_CHOICES = [("owner", _l("业主本人")), ("family", _l("家庭成员")), ("tenant", _l("租户"))]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _mobile_if_given(form, field) -> None:
    if field.data and normalize_mobile(field.data) is None:
        raise ValidationError(_l("请输入正确的 11 位手机号，例如 13812345678。"))


def _relation_field():
    return RadioField(_l("您与房屋的关系"), choices=RELATION_CHOICES,
                      validators=[InputRequired(_l("请选择与房屋的关系。"))])


class ActionForm(Form):
    """A button-only POST (approve, confirm, declare): the CSRF token is the whole form."""


class ClaimCodeForm(Form):
    code = StringField(_l("认证码"), filters=[_strip], validators=[
        DataRequired(_l("请输入认证码。")), Length(max=32, message=_l("认证码不正确。"))])
    relation = _relation_field()


def _building_id(value):
    """The building select's value: its first option 请选择 is empty (None), so that nobody is
    filed under the first building by not touching the list."""
    return int(value) if value not in (None, "") else None


class UnitFieldsForm(Form):
    """楼栋-单元-房号 of a unit in a known compound; the view sets the buildings."""

    building = SelectField(_l("楼栋"), coerce=_building_id,
                           validators=[InputRequired(_l("请选择楼栋。"))])
    entrance = StringField(_l("单元"), filters=[_strip], validators=[
        DataRequired(_l("请填写单元号。")), Length(max=10)])
    room = StringField(_l("房号"), filters=[_strip], validators=[
        DataRequired(_l("请填写房号。")), Length(max=20)])

    def set_buildings(self, buildings) -> None:
        """请选择 first, then "1栋" ("Building 1") for each building of the compound."""
        self.building.choices = [("", _l("请选择"))] + [
            (b.id, _l("%(name)s栋", name=b.name)) for b in buildings]


class RequestClaimForm(UnitFieldsForm):
    compound_id = HiddenField()
    relation = _relation_field()
    note = TextAreaField(_l("补充说明（选填）"), filters=[_strip], validators=[
        Optional(), Length(max=500, message=_l("说明请不超过 500 个字。"))])


class ProxyRegisterForm(UnitFieldsForm):
    mobile = TelField(_l("居民手机号"), filters=[_strip], validators=[
        DataRequired(_l("请输入手机号。")), _mobile_if_given])
    display_name = StringField(_l("居民称呼"), filters=[_strip], validators=[
        DataRequired(_l("请填写称呼。")), Length(max=40, message=_l("称呼不能超过 40 个字。"))])
    password = PasswordField(_l("初始密码"), validators=[Optional()])
    relation = RadioField(_l("居民与房屋的关系"), choices=RELATION_CHOICES,
                          validators=[InputRequired(_l("请选择与房屋的关系。"))])
    consent = BooleanField(_l("居民本人已当面了解并同意隐私说明"),
                           validators=[DataRequired(_l("请先向居民说明隐私条款并取得同意。"))])


class ResetCodeForm(Form):
    mobile = TelField(_l("居民手机号"), filters=[_strip], validators=[
        DataRequired(_l("请输入手机号。")), _mobile_if_given])


def _reason_field(label):
    return TextAreaField(label, filters=[_strip], validators=[
        DataRequired(_l("请写明理由。")), Length(max=500, message=_l("理由请不超过 500 个字。"))])


class RejectClaimForm(Form):
    """Rejecting, declining and revoking always come with a written reason."""

    reason = _reason_field(_l("驳回理由"))


class DeclinePartyForm(Form):
    reason = _reason_field(_l("不予确认的理由"))


class RevokeRoleForm(Form):
    reason = _reason_field(_l("撤销理由"))


class GrantRoleForm(Form):
    member = SelectField(_l("选择本小区成员"), coerce=int, default=0, validators=[Optional()])
    mobile = TelField(_l("或输入手机号"), filters=[_strip], validators=[Optional(),
                                                                       _mobile_if_given])
    role = SelectField(_l("角色"), validators=[InputRequired(_l("请选择角色。"))])


# --- rosters and invite letters ---------------------------------------------------------------

class RosterUploadForm(Form):
    file = FileField(_l("名册文件（Excel .xlsx 或 CSV）"), validators=[
        FileRequired(_l("请选择要上传的名册文件。"))], render_kw={"accept": ".xlsx,.csv"})


class IssueCodesForm(Form):
    """Issue invite codes for one building; the view sets the building choices."""

    building = SelectField(_l("楼栋"), coerce=int, validators=[InputRequired(_l("请选择楼栋。"))])
    replace = BooleanField(_l("作废本楼所有未使用的旧邀请码，全部重新生成（旧邀请函将失效）"))


# --- the compound's rules of procedure (议事规则设置) -------------------------------------------

def _days(label):
    return IntegerField(label, validators=[InputRequired(_l("请填写天数。"))])


class CompoundRulesForm(Form):
    """Bounds are the service's (app.site.rules), which names the field it refuses."""

    min_consultation_days = _days(_l("征求意见期不少于（日）"))
    second_threshold = IntegerField(_l("议题进入议事会议程所需附议户数"),
                                    validators=[InputRequired(_l("请填写户数。"))])
    notice_days = _days(_l("业主共同决定表决公告期（日，不少于 15 日）"))
    allows_temporary_meeting = BooleanField(_l("本小区议事规则允许召开临时会议"))
    temporary_notice_days = _days(_l("临时会议表决公告期（日，不少于 7 日）"))
    objection_days = _days(_l("初步结果异议期（日）"))
    allows_silent_majority = BooleanField(_l("未投票的业主视为同意多数意见"))
    parking_counts_in_area = BooleanField(_l("车位面积计入专有部分面积"))
    council_two_thirds = BooleanField(_l("议事会、业委会决议须经全体成员三分之二以上同意"))
    candidate_nominators = IntegerField(_l("推荐一名业委会委员候选人所需业主人数"),
                                        validators=[InputRequired(_l("请填写人数。"))])
    council_notice_days = _days(_l("议事会会议提前通知天数"))
    committee_notice_days = _days(_l("业委会会议提前通知天数"))
    residents_notice_days = _days(_l("居民会议提前通知天数"))
    confirm_days = _days(_l("会议纪要确认期（日）"))
