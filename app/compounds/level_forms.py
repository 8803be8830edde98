"""Forms of the levels' admin pages (app.compounds.level_views)."""
from wtforms import StringField, TelField
from wtforms.validators import DataRequired, Length

from app.compounds.forms import RevokeRoleForm, _mobile_if_given, _strip
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


class NameForm(Form):
    name = StringField(_l("名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写名称。")), Length(max=80, message=_l("名称请不超过 80 个字。"))])

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:  # several name forms share a page: each says what it names
            self.name.label.text = label


class AssignForm(Form):
    mobile = TelField(_l("工作人员的注册手机号"), filters=[_strip], validators=[
        DataRequired(_l("请输入手机号。")), _mobile_if_given])


class RevokeAssignmentForm(RevokeRoleForm):
    """Revoking an assignment comes with a written reason, kept in the audit log."""
