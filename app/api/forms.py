"""The forms of /me/api-tokens."""
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


class TokenForm(Form):
    name = StringField(_l("令牌名称"), validators=[
        DataRequired(_l("请给令牌起个名字。")),
        Length(max=40, message=_l("名称最多 40 个字。"))])


class RevokeForm(Form):
    """A button-only POST: the CSRF token is the whole form."""
