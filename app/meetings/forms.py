"""Forms of the meeting pages. The services check every rule again."""
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.ids import IdField

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):  # the service checks every id against the compound
        pass


class ConveneForm(Form):
    body = RadioField(_l("会议类型"), validators=[InputRequired(_l("请选择会议类型。"))])
    title = StringField(_l("会议名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写会议名称。")), Length(max=120)])
    starts_at = DateTimeLocalField(_l("会议时间（北京时间）"), format=DATETIME_FORMATS,
                                   validators=[InputRequired(_l("请填写会议时间。"))])
    place = StringField(_l("会议地点"), filters=[_strip], validators=[
        DataRequired(_l("请填写会议地点。")), Length(max=120)])
    recorder = SelectField(_l("会议记录人"), coerce=int)
    issues = CheckboxList(_l("列入议程的议题"), coerce=int)
    proposals = CheckboxList(_l("列入议程的议案"), coerce=int)
    free_items = TextAreaField(_l("其他议程（每行一项）"),
                               validators=[Optional(), Length(max=4000)])
    invitees = CheckboxList(_l("列席人员（物业、社区工作者等）"), coerce=int)
    is_urgent = BooleanField(_l("紧急会议（不足通知期）"))
    urgent_reason = TextAreaField(_l("紧急召开的理由"), filters=[_strip],
                                  validators=[Optional(), Length(max=500)])
    demand_id = IdField(widget=HiddenInput())


class AttendeeForm(Form):
    mobile = TelField(_l("手机号"), filters=[_strip], validators=[
        DataRequired(_l("请输入手机号。")), Length(max=20)])


class ItemForm(Form):
    class Meta:
        csrf = False

    position = HiddenField()
    discussion = TextAreaField(_l("讨论情况"), validators=[Optional(), Length(max=10000)])
    decision = TextAreaField(_l("决定事项"), validators=[Optional(), Length(max=10000)])
    responsible = StringField(_l("负责人（单位或个人）"), filters=[_strip],
                              validators=[Optional(), Length(max=80)])
    due = DateField(_l("完成期限"), validators=[Optional()])


class MinutesForm(Form):
    items = FieldList(FormField(ItemForm))
    reason = TextAreaField(_l("更正理由（必填）"), filters=[_strip],
                           validators=[Optional(), Length(max=500)])


class CommentForm(Form):
    comment = TextAreaField(_l("意见"), validators=[
        DataRequired(_l("请填写意见。")), Length(max=2000)])


class DemandForm(Form):
    body = RadioField(_l("提议召开"), choices=[("council", _l("议事会会议")),
                                           ("committee", _l("业委会会议"))],
                      validators=[InputRequired(_l("请选择会议类型。"))])
    subject = StringField(_l("要商议的事项"), filters=[_strip], validators=[
        DataRequired(_l("请写明要商议的事项。")), Length(max=200)])


class TaskForm(Form):
    status = SelectField(_l("状态"))
    note = StringField(_l("进展说明"), filters=[_strip], validators=[Optional(), Length(max=500)])


class EmptyForm(Form):
    """A button that only needs the CSRF token."""


class CancelForm(Form):
    reason = TextAreaField(_l("取消的理由（必填，会通知所有参会人员）"), filters=[_strip],
                           validators=[DataRequired(_l("请写明理由。")), Length(max=500)])


class RescheduleForm(Form):
    starts_at = DateTimeLocalField(_l("新的会议时间（北京时间）"), format=DATETIME_FORMATS,
                                   validators=[InputRequired(_l("请填写会议时间。"))])
    place = StringField(_l("会议地点（不变可不填）"), filters=[_strip],
                        validators=[Optional(), Length(max=120)])
    reason = TextAreaField(_l("改期的理由（必填，会通知所有参会人员）"), filters=[_strip],
                           validators=[DataRequired(_l("请写明理由。")), Length(max=500)])
    is_urgent = BooleanField(_l("紧急会议（不足通知期）"))
    urgent_reason = TextAreaField(_l("紧急召开的理由"), filters=[_strip],
                                  validators=[Optional(), Length(max=500)])


class DecisionForm(Form):
    outcome = RadioField(_l("会议决定"), choices=[("to_vote", _l("提交表决")),
                                               ("deferred", _l("暂缓")),
                                               ("revise", _l("退回修改"))],
                         validators=[Optional()])
    note = TextAreaField(_l("说明"), filters=[_strip], validators=[Optional(), Length(max=500)])
