"""Forms of the issue pages. The services check every rule again."""
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.ids import IdField
from app.issues.labels import RATING_LABELS, category_label


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IssueForm(Form):
    title = StringField(_l("标题"), filters=[_strip], validators=[
        DataRequired(_l("请填写标题。")), Length(max=120, message=_l("标题不能超过 120 个字。"))])
    body = TextAreaField(_l("详细情况"), validators=[
        Optional(), Length(max=10000, message=_l("内容请不超过 10000 字。"))])
    category = SelectField(_l("分类"), validators=[DataRequired(_l("请选择分类。"))])
    building = SelectField(_l("涉及楼栋（可不选）"), coerce=int, default=0)
    show_as = RadioField(_l("发布时显示"), default="name", choices=[
        ("name", _l("我的名字")), ("anonymous", _l("匿名（显示为“某业主 (楼栋)”或“某居民”）"))])
    photos = MultipleFileField(_l("照片（最多 6 张）"), render_kw={"accept": "image/*"})
    on_behalf_mobile = TelField(_l("代哪位居民反映（居民手机号）"), filters=[_strip],
                                validators=[Optional(), Length(max=20)])

    def set_choices(self, categories, buildings) -> None:
        self.category.choices = [("", _l("请选择"))] + [(c, category_label(c))
                                                        for c in categories]
        self.building.choices = [(0, _l("不涉及具体楼栋"))] + [
            (b.id, _l("%(name)s栋", name=b.name)) for b in buildings]


class CommentForm(Form):
    body = TextAreaField(_l("评论"), validators=[
        DataRequired(_l("请填写评论内容。")),
        Length(max=5000, message=_l("评论请不超过 5000 字。"))])
    parent_id = IdField(widget=HiddenInput())
    anonymous = BooleanField(_l("匿名发表（显示为“某业主 (楼栋)”或“某居民”）"))
    official = BooleanField(_l("作为官方回复发布"))


class EditCommentForm(Form):
    body = TextAreaField(_l("评论"), validators=[
        DataRequired(_l("请填写评论内容。")),
        Length(max=5000, message=_l("评论请不超过 5000 字。"))])


class ActionForm(Form):
    note = TextAreaField(_l("说明"), validators=[
        Optional(), Length(max=2000, message=_l("内容请不超过 2000 字。"))])
    due_date = DateField(_l("办结期限"), validators=[Optional()])
    rating = RadioField(_l("您对处理结果的评价"), choices=list(RATING_LABELS.items()),
                        validators=[Optional()])
    seen = HiddenField()  # the status the page showed: the step is meant for that status


class EmptyForm(Form):
    """A button that only needs the CSRF token."""

    token = HiddenField()
