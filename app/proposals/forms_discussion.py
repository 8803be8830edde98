"""Forms of a proposal's discussion and of its consultation summary."""
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.issues.forms import CommentForm
from app.proposals.labels_discussion import STANCE_LABELS


class ProposalCommentForm(CommentForm):
    option_id = SelectField(_l("针对"), coerce=int, default=0, validators=[Optional()])
    stance = RadioField(_l("您的态度（可不选）"), choices=list(STANCE_LABELS.items()),
                        validators=[Optional()])

    def set_options(self, proposal) -> None:
        self.option_id.choices = [(0, _l("议案整体"))] + [
            (o.id, o.label) for o in proposal.options]


class SummaryForm(Form):
    body = TextAreaField(_l("征求意见情况归纳"), validators=[
        DataRequired(_l("请写明征求意见的情况和您的归纳。")),
        Length(max=5000, message=_l("内容请不超过 5000 字。"))])
