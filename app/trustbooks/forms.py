"""Forms of the trust-model books. The services check every rule again."""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.funds.money import parse_yuan, plain_yuan
from app.trustbooks import budgets


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_id(value):
    try:
        return int(value) if value not in (None, "", "0") else 0
    except (TypeError, ValueError):
        return 0


def field_name(direction: str, category: str) -> str:
    return f"{direction}_{category}"


class BudgetForm(Form):
    """One amount in yuan per category of the 物业费 list (fields added below), and the reason
    for a new version."""

    reason = TextAreaField(_l("修改理由（修改已批准的预算时必填）"), filters=[_strip], validators=[
        Optional(), Length(max=1000, message=_l("理由请不超过 1000 字。"))])

    def amount_fields(self, direction: str) -> list:
        return [getattr(self, field_name(direction, code))
                for code in budgets.categories()[direction]]

    def amounts(self) -> dict:
        """{(direction, category): 分}; a blank field is no budget for that category. A bad
        amount raises ServiceError next to its field."""
        out = {}
        for direction, codes in budgets.categories().items():
            for code in codes:
                name = field_name(direction, code)
                typed = (getattr(self, name).data or "").strip()
                if typed in ("", "0", "0.0", "0.00"):
                    continue
                out[(direction, code)] = parse_yuan(typed, field=name)
        return out

    def fill(self, budget) -> None:
        for line in budget.lines:
            getattr(self, field_name(line.direction, line.category)).data = \
                plain_yuan(line.amount_fen)


for _direction, _codes in budgets.categories().items():
    for _code, _label in _codes.items():
        setattr(BudgetForm, field_name(_direction, _code), StringField(
            _label, filters=[_strip], validators=[Optional(), Length(max=20)]))


class ApproveForm(Form):
    proposal_id = SelectField(_l("批准预算的业主共同决定"), coerce=_optional_id, choices=[],
                              validate_choice=False, default=0)
    note = TextAreaField(_l("或写明业主以何种方式批准（如业主大会书面表决）"), filters=[_strip],
                         validators=[Optional(), Length(max=500, message=_l(
                             "说明请不超过 500 字。"))])


class ReasonForm(Form):
    reason = TextAreaField(_l("理由"), filters=[_strip], validators=[
        DataRequired(_l("请写明理由。")), Length(max=1000, message=_l("理由请不超过 1000 字。"))])


class ActionForm(Form):
    """A button that takes nothing but the CSRF token."""

