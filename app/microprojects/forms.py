"""Forms of the micro-project pages. The services check every rule again."""
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RoundForm(Form):
    fund = SelectField(_l("资金账户"), coerce=int, validators=[
        DataRequired(_l("请选择资金账户。"))])
    title = StringField(_l("本轮名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写本轮名称。")),
        Length(max=120, message=_l("名称不能超过 120 个字。"))])
    body = TextAreaField(_l("说明（征集范围、要求）"), validators=[
        Optional(), Length(max=5000, message=_l("内容请不超过 5000 字。"))])
    budget_cap = StringField(_l("预算上限（元）"), filters=[_strip], validators=[
        DataRequired(_l("请填写预算上限。")), Length(max=20)])
    collect_until = DateField(_l("征集截止日期（当日 24 时截止）"), validators=[
        InputRequired(_l("请选择征集截止日期。"))])
    candidate_days = IntegerField(_l("候选公示天数"), default=7, validators=[
        InputRequired(_l("请填写天数。")), NumberRange(1, 60, _l("天数须在 1 到 60 天之间。"))])
    voting_days = IntegerField(_l("投票天数"), default=7, validators=[
        InputRequired(_l("请填写天数。")), NumberRange(1, 60, _l("天数须在 1 到 60 天之间。"))])

    def set_choices(self, funds, label) -> None:
        self.fund.choices = [(0, _l("请选择"))] + [(f.id, label(f)) for f in funds]


class ProposeForm(Form):
    title = StringField(_l("项目名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写项目名称。")),
        Length(max=120, message=_l("名称不能超过 120 个字。"))])
    location = StringField(_l("地点"), filters=[_strip], validators=[
        DataRequired(_l("请填写项目地点。")),
        Length(max=120, message=_l("地点不能超过 120 个字。"))])
    estimate = StringField(_l("估算金额（元）"), filters=[_strip], validators=[
        DataRequired(_l("请填写估算金额。")), Length(max=20)])
    body = TextAreaField(_l("想做什么，为什么"), validators=[
        Optional(), Length(max=5000, message=_l("内容请不超过 5000 字。"))])
    photos = MultipleFileField(_l("现场照片（最多 6 张）"), render_kw={"accept": "image/*"})


class NoteForm(Form):
    """A step's button, with its written reason or opinion where it takes one."""

    note = TextAreaField(_l("理由或意见"), validators=[
        Optional(), Length(max=2000, message=_l("内容请不超过 2000 字。"))])
    seen = HiddenField()


class VoteForm(Form):
    projects = SelectMultipleField(_l("我家支持的项目"), coerce=int,
                                   option_widget=CheckboxInput(), widget=ListWidget())
    unit = SelectField(_l("代表哪一户投票"), coerce=int, validators=[Optional()])


class MilestoneForm(Form):
    note = TextAreaField(_l("这一步做了什么"), validators=[
        DataRequired(_l("请写明这一步做了什么。")),
        Length(max=2000, message=_l("内容请不超过 2000 字。"))])
    progress = IntegerField(_l("完成进度（%）"), validators=[
        InputRequired(_l("请填写进度。")),
        NumberRange(1, 100, _l("进度请填写 1 到 100 之间的整数。"))])
    photos = MultipleFileField(_l("照片（最多 6 张）"), render_kw={"accept": "image/*"})


class RateForm(Form):
    stars = RadioField(_l("您的评价"), coerce=int, choices=[
        (5, _l("5 星（很好）")), (4, _l("4 星")), (3, _l("3 星")), (2, _l("2 星")),
        (1, _l("1 星（很差）"))], validators=[InputRequired(_l("请选择 1 到 5 星。"))])
