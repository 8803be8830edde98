"""Forms of a consultation's questionnaire: its questions, the moderation of free-text
answers, and the satisfaction survey template. The answers themselves are read by the view
(one field per question, q<id>); the services check every rule again."""
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l

KIND_LABELS = {"single": _l("单选题"), "multiple": _l("多选题"), "rating": _l("1–5 分评分"),
               "text": _l("文字意见")}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class QuestionForm(Form):
    kind = RadioField(_l("题型"), choices=list(KIND_LABELS.items()), default="single",
                      validators=[InputRequired(_l("请选择题型。"))])
    prompt = StringField(_l("题目"), filters=[_strip], validators=[
        DataRequired(_l("请填写题目。")), Length(max=300, message=_l("题目不能超过 300 个字。"))])
    options = TextAreaField(_l("选项（每行一个，仅单选题和多选题）"), validators=[
        Optional(), Length(max=2000)])
    required = BooleanField(_l("必答"), default=True)

    def option_lines(self) -> list[str]:
        return [line for line in (self.options.data or "").splitlines() if line.strip()]


class AnswerSheetForm(Form):
    """Only the CSRF token: the answers are fields named after the questions."""


class ModerationForm(Form):
    text_id = HiddenField(validators=[InputRequired()])
    decision = RadioField(_l("处理"), choices=[("publish", _l("公开")), ("hide", _l("隐藏"))],
                          validators=[InputRequired(_l("请选择公开或隐藏。"))])
    reason = StringField(_l("隐藏理由"), filters=[_strip], validators=[
        Optional(), Length(max=200, message=_l("理由不能超过 200 个字。"))])

    def text_number(self) -> int | None:
        value = (self.text_id.data or "").strip()
        # Text ids are random 62-bit numbers: anything past a BIGINT is no id.
        if not (value.isascii() and value.isdigit() and len(value) <= 19):
            return None
        return int(value) if int(value) < 2**63 else None


class SatisfactionForm(Form):
    year = IntegerField(_l("测评年度"), validators=[
        InputRequired(_l("请填写年度。")),
        NumberRange(min=2000, max=2100, message=_l("请填写 2000 到 2100 之间的年度。"))])
