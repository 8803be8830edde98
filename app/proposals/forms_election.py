"""Forms of an election's candidate page. The services check every rule again."""
from wtforms import BooleanField, RadioField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NominateForm(Form):
    mobile = TelField(_l("被推荐业主的手机号（推荐自己请留空）"), filters=[_strip],
                      validators=[Optional(), Length(max=20)])
    statement = TextAreaField(_l("自我介绍和履职承诺（推荐自己时填写）"), filters=[_strip],
                              validators=[Optional(), Length(
                                  max=2000, message=_l("请不超过 2000 个字。"))])
    as_group = BooleanField(_l("以筹备组名义推荐"))


class StatementForm(Form):
    statement = TextAreaField(_l("自我介绍和履职承诺"), filters=[_strip], validators=[
        Optional(), Length(max=2000, message=_l("请不超过 2000 个字。"))])
    shows_party_membership = BooleanField(_l("在候选人名单上显示我的党员身份"))


class ReviewForm(Form):
    verdict = RadioField(_l("审议结论"), choices=[("approved", _l("同意作为候选人")),
                                               ("rejected", _l("不同意"))],
                         validators=[InputRequired(_l("请选择审议结论。"))])
    opinion = TextAreaField(_l("审议意见（必填，公开）"), filters=[_strip], validators=[
        DataRequired(_l("请填写审议意见。")),
        Length(max=2000, message=_l("请不超过 2000 个字。"))])


class ConfirmForm(Form):
    """A button that needs nothing but the CSRF token."""
