"""Forms of the dispatch pages. The services check every rule again."""
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.dispatch.labels import ORG_KIND_LABELS, RATING_LABELS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StepForm(Form):
    """A step's button, with its written reason where it takes one."""

    reason = TextAreaField(_l("理由或说明"), validators=[
        Optional(), Length(max=1000, message=_l("说明请不超过 1000 字。"))])
    seen = HiddenField()  # the state the page showed: the step is meant for that state


class AssignForm(Form):
    organisation = SelectField(_l("承办单位"), coerce=int, validators=[
        DataRequired(_l("请选择承办单位。"))])
    category = SelectField(_l("工单类别（决定办理时限）"), coerce=int, validators=[
        DataRequired(_l("请选择工单类别。"))])
    seen = HiddenField()

    def set_choices(self, organisations, categories) -> None:
        self.organisation.choices = [(0, _l("请选择"))] + [(o.id, o.name) for o in organisations]
        self.category.choices = [(0, _l("请选择"))] + [
            (c.id, _l("%(name)s（%(days)s 个工作日）", name=c.name, days=c.working_days))
            for c in categories]


class FinishForm(Form):
    reason = TextAreaField(_l("办理结果"), validators=[
        DataRequired(_l("请填写办理结果。")),
        Length(max=1000, message=_l("说明请不超过 1000 字。"))])
    photos = MultipleFileField(_l("办结照片（最多 6 张）"), render_kw={"accept": "image/*"})
    seen = HiddenField()


class RateForm(Form):
    rating = RadioField(_l("您对办理结果的评价"), choices=list(RATING_LABELS.items()),
                        validators=[InputRequired(_l("请选择您对办理结果的评价。"))])
    seen = HiddenField()


class OrganisationForm(Form):
    name = StringField(_l("单位名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写单位名称。")), Length(max=60, message=_l("名称不能超过 60 个字。"))])
    kind = SelectField(_l("类别"), choices=list(ORG_KIND_LABELS.items()))


class HandlerForm(Form):
    mobile = TelField(_l("经办人手机号"), filters=[_strip], validators=[
        DataRequired(_l("请填写手机号。")), Length(max=20)])


class GridForm(Form):
    name = StringField(_l("网格名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写网格名称。")), Length(max=40, message=_l("名称不能超过 40 个字。"))])
    worker_mobile = TelField(_l("网格员手机号"), filters=[_strip],
                             validators=[Optional(), Length(max=20)])
    compounds = SelectMultipleField(_l("覆盖整个小区"), coerce=int)
    buildings = SelectMultipleField(_l("或覆盖这些楼栋"), coerce=int)

    def set_choices(self, compounds, buildings) -> None:
        self.compounds.choices = [(c.id, c.name) for c in compounds]
        self.buildings.choices = [(b.id, _l("%(compound)s %(name)s栋", compound=c.name,
                                            name=b.name)) for c, b in buildings]


class CategoryForm(Form):
    name = StringField(_l("类别名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写类别名称。")), Length(max=30, message=_l("名称不能超过 30 个字。"))])
    working_days = IntegerField(_l("办理时限（工作日）"), validators=[
        InputRequired(_l("办理时限请填 1 到 60 个工作日。")),
        NumberRange(1, 60, _l("办理时限请填 1 到 60 个工作日。"))])
    is_active = BooleanField(_l("启用"), default=True)


class PatrolForm(Form):
    area = SelectField(_l("地点"), validators=[DataRequired(_l("请选择地点。"))])
    title = StringField(_l("发现的问题"), filters=[_strip], validators=[
        DataRequired(_l("请填写标题。")), Length(max=120, message=_l("标题不能超过 120 个字。"))])
    body = TextAreaField(_l("详细情况"), validators=[
        Optional(), Length(max=4000, message=_l("内容请不超过 4000 字。"))])
    photos = MultipleFileField(_l("现场照片（最多 6 张）"), render_kw={"accept": "image/*"})

    def set_choices(self, areas) -> None:
        """`areas`: (compound, building or None) the grid covers."""
        self.area.choices = [("", _l("请选择"))] + [
            (f"{c.id}:{b.id if b else 0}",
             _l("%(compound)s %(name)s栋", compound=c.name, name=b.name) if b else c.name)
            for c, b in areas]
