from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.ids import MAX_ID, IdField

ARTICLES_HELP = _l("每条一段，条与条之间空一行；条号自动编排。")


class CovenantForm(Form):
    kind = RadioField(_l("类型"), choices=[("residents", _l("居民公约")),
                                          ("management", _l("管理规约"))],
                      default="residents", validators=[DataRequired()])
    title = StringField(_l("标题"), validators=[DataRequired(), Length(max=80)])
    articles = TextAreaField(_l("条文"), description=ARTICLES_HELP, render_kw={"rows": 12},
                             validators=[DataRequired(), Length(max=130000)])


class ArticlesForm(Form):
    articles = TextAreaField(_l("条文"), description=ARTICLES_HELP, render_kw={"rows": 12},
                             validators=[DataRequired(), Length(max=130000)])


class CommentForm(Form):
    article = IntegerField(_l("条文"), validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    body = TextAreaField(_l("意见"), validators=[DataRequired(), Length(max=2000)])


class ReasonForm(Form):
    reason = TextAreaField(_l("理由"), validators=[DataRequired(), Length(max=500)])


class LinkForm(Form):
    proposal = IdField(_l("议案编号"), validators=[DataRequired()])


class NewProposalForm(Form):
    kind = HiddenField(validators=[DataRequired()])


class PublishForm(Form):
    filing_ref = StringField(_l("备案编号（可选）"), validators=[Optional(), Length(max=80)])


class CommitmentForm(Form):
    body = TextAreaField(_l("我的承诺"), validators=[DataRequired(), Length(max=300)])


class EmptyForm(Form):
    """A button: nothing to fill in but the CSRF token."""
