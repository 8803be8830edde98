"""Forms of the fund pages. Amounts are typed in yuan as text and parsed by
app.funds.money.parse_yuan (never a float); the services check every rule again."""
from flask_wtf.file import MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.funds.labels import CATEGORIES, KIND_LABELS, POSTABLE_KINDS, SOURCE_LABELS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class FundForm(Form):
    source = SelectField(_l("资金来源"), validators=[DataRequired(_l("请选择资金来源。"))])
    year = IntegerField(_l("年度"), validators=[InputRequired(_l("请填写正确的年度。")),
                                                NumberRange(2000, 2100, _l("请填写正确的年度。"))])
    name = StringField(_l("名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写资金账户名称。")),
        Length(max=60, message=_l("名称请不超过 60 个字。"))])
    budget = StringField(_l("年度预算（元，可不填）"), filters=[_strip], validators=[Optional()])

    def set_sources(self, sources) -> None:
        self.source.choices = [(s, str(SOURCE_LABELS[s])) for s in sources]


class EntryForm(Form):
    kind = SelectField(_l("类型"), choices=[(k, KIND_LABELS[k]) for k in POSTABLE_KINDS],
                       validators=[DataRequired(_l("请选择收支类型。"))])
    amount = StringField(_l("金额（元）"), filters=[_strip],
                         validators=[DataRequired(_l("请填写金额（元）。"))])
    entry_date = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期。"))])
    category = SelectField(_l("类别"), validators=[DataRequired(_l("请选择类别。"))])
    counterparty = StringField(_l("收付款方"), filters=[_strip], validators=[
        Optional(), Length(max=80, message=_l("收付款方请不超过 80 个字。"))])
    description = TextAreaField(_l("说明"), filters=[_strip], validators=[
        Optional(), Length(max=2000, message=_l("说明请不超过 2000 字。"))])
    commitment = SelectField(_l("对应的承诺（支出时可选）"), coerce=int, default=0)
    to_fund = SelectField(_l("转入账户（资金划转时必选）"), coerce=int, default=0)
    proposal_id = IntegerField(_l("授权议案编号（可不填）"), validators=[Optional()])
    vouchers = MultipleFileField(_l("凭证（发票、合同扫描件或照片，最多 6 份）"))

    def set_choices(self, source: str, commitments, targets) -> None:
        lists = CATEGORIES[source]
        seen, choices = set(), [("", _l("请选择"))]
        for direction in ("income", "expense"):
            for code, label in lists[direction].items():
                if code not in seen:
                    seen.add(code)
                    choices.append((code, label))
        choices.append(("transfer", _l("资金划转")))
        self.category.choices = choices
        self.commitment.choices = [(0, _l("无"))] + [
            (c.id, f"#{c.seq} {c.counterparty or ''}") for c in commitments]
        self.to_fund.choices = [(0, _l("无"))] + [(f.id, f.name) for f in targets]


class CorrectForm(Form):
    reason = TextAreaField(_l("更正理由（公开）"), filters=[_strip], validators=[
        DataRequired(_l("请写明更正的理由。")),
        Length(max=1000, message=_l("理由请不超过 1000 字。"))])
    amount = StringField(_l("正确的金额（元；只冲销不重记则留空）"), filters=[_strip],
                         validators=[Optional()])
    category = SelectField(_l("正确的类别"), validators=[Optional()])
    entry_date = DateField(_l("更正日期"), validators=[Optional()])
    vouchers = MultipleFileField(_l("新凭证（可不传）"))


class VoucherForm(Form):
    vouchers = MultipleFileField(_l("补充凭证（最多 6 份）"))


class QuestionForm(Form):
    body = TextAreaField(_l("你的问题（公开）"), filters=[_strip], validators=[
        DataRequired(_l("请写下你的问题。")),
        Length(max=1000, message=_l("问题请不超过 1000 字。"))])
    entry_seq = IntegerField(validators=[Optional()])


class AnswerForm(Form):
    answer = TextAreaField(_l("答复（公开）"), filters=[_strip], validators=[
        DataRequired(_l("请写下答复。")), Length(max=1000, message=_l("答复请不超过 1000 字。"))])


class StatementForm(Form):
    month = StringField(validators=[DataRequired()])
