"""Forms of the proposal pages. The services check every rule again."""
from types import SimpleNamespace

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.ids import IdField
from app.proposals.labels import COUNCIL_BODY_LABELS, KIND_LABELS, MATTER_LABELS, matter_label
from app.proposals.scopes import entries_text, split_entries
from app.proposals.tally import SPECIAL_MATTERS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]  # what browsers send


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_id(value):
    try:
        return int(value) if value not in (None, "") else 0
    except (TypeError, ValueError):
        return 0


def _matter_choices():
    choices = [(0, _l("请选择事项"))]
    for n in MATTER_LABELS:
        label = matter_label(n)
        if n in SPECIAL_MATTERS:
            label = _l("%(matter)s（须四分之三以上同意）", matter=label)
        choices.append((n, label))
    return choices


class ProposalForm(Form):
    title = StringField(_l("议案标题"), filters=[_strip], validators=[
        DataRequired(_l("请填写议案标题。")),
        Length(max=120, message=_l("标题不能超过 120 个字。"))])
    body = TextAreaField(_l("议案内容"), validators=[
        Optional(), Length(max=20000, message=_l("内容不能超过 20000 个字。"))])
    kind = RadioField(_l("表决类型"), choices=list(KIND_LABELS.items()), default="owners",
                      validators=[InputRequired(_l("请选择表决类型。"))])
    matter = SelectField(_l("业主共同决定的事项（《民法典》第二百七十八条）"), coerce=int,
                         choices=_matter_choices(), default=0)
    scope = StringField(_l("列支范围（仅第五至八项；不填则全体业主表决）"), filters=[_strip],
                        validators=[Optional(), Length(max=500, message=_l(
                            "列支范围不能超过 500 个字。"))])
    # Choices are the compound's closed surveys (views_attachments.render_form); the service
    # checks the one chosen.
    cites_survey_id = SelectField(_l("引用的物业服务满意度测评（仅选聘和解聘物业服务企业）"),
                                  coerce=_optional_id, choices=[], validate_choice=False,
                                  default=0)
    cites_account_id = SelectField(_l("引用的物业年度账目（仅选聘和解聘物业服务企业）"),
                                   coerce=_optional_id, choices=[], validate_choice=False,
                                   default=0)
    council_body = RadioField(_l("由谁表决（仅议事会决议）"), default="council",
                              choices=list(COUNCIL_BODY_LABELS.items()))
    ballot_type = RadioField(_l("选票形式"), default="simple", choices=[
        ("simple", _l("同意 / 反对 / 弃权")), ("options", _l("多个选项选一个")),
        ("election", _l("选举业委会委员（在候选人中选若干名）"))])
    seats = IntegerField(_l("应选名额"), validators=[Optional()])
    options = TextAreaField(_l("选项（每行一个）"), validators=[Optional(), Length(max=4000)])
    is_secret = BooleanField(_l("无记名投票（不公开谁投了什么）"))
    allows_changes = BooleanField(_l("截止前允许改票（以最后一次为准）"))
    shows_split_while_open = BooleanField(_l("投票期间公开各选项的票数"))
    ballot_text = TextAreaField(_l("选票上的表决事项"), filters=[_strip], validators=[
        Optional(), Length(max=2000)])
    voting_method = TextAreaField(_l("表决方式"), filters=[_strip], validators=[
        Optional(), Length(max=2000)])

    def service_fields(self) -> dict:
        """The keyword arguments of services.create / update_draft."""
        options = None
        if self.ballot_type.data == "options":
            options = [line for line in (self.options.data or "").splitlines() if line.strip()]
        return {
            "title": self.title.data, "body": self.body.data or "", "kind": self.kind.data,
            "matter": self.matter.data or None, "council_body": self.council_body.data,
            "is_secret": self.is_secret.data, "allows_changes": self.allows_changes.data,
            "shows_split_while_open": self.shows_split_while_open.data,
            "ballot_text": self.ballot_text.data or "",
            "voting_method": self.voting_method.data or "", "options": options or [],
            "seats": (self.seats.data or 0) if self.ballot_type.data == "election" else None,
            "scope": split_entries(self.scope.data),
            "cites_survey_id": self.cites_survey_id.data or None,
            "cites_account_id": self.cites_account_id.data or None,
        }


class AttachmentForm(Form):
    file = FileField(_l("选择文件（PDF、JPEG 或 PNG）"))


def proposal_form_data(proposal) -> SimpleNamespace:
    """A saved proposal as the edit form's initial values."""
    return SimpleNamespace(
        title=proposal.title, body=proposal.body_source, kind=proposal.kind,
        matter=proposal.matter or 0, council_body=proposal.council_body or "council",
        ballot_type="election" if proposal.seats is not None
        else "options" if proposal.options else "simple", seats=proposal.seats,
        options="\n".join(o.label for o in proposal.options), is_secret=proposal.is_secret,
        allows_changes=proposal.allows_changes,
        shows_split_while_open=proposal.shows_split_while_open,
        ballot_text=proposal.ballot_text, voting_method=proposal.voting_method,
        scope=entries_text(proposal) if proposal.scope_label else "",
        cites_survey_id=proposal.cites_survey_id or 0,
        cites_account_id=proposal.cites_account_id or 0)


class ActionForm(Form):
    """A lifecycle button; withdrawing and returning need the written reason."""

    reason = TextAreaField(_l("理由"), filters=[_strip], validators=[
        Optional(), Length(max=2000, message=_l("理由不能超过 2000 个字。"))])
    seen = HiddenField()  # the stage the page showed: the step is meant for that stage


class NoticeForm(Form):
    opens_at = DateTimeLocalField(_l("投票开始时间（北京时间）"), format=DATETIME_FORMATS,
                                  validators=[InputRequired(_l("请填写投票开始时间。"))])
    closes_at = DateTimeLocalField(_l("投票截止时间（北京时间）"), format=DATETIME_FORMATS,
                                   validators=[InputRequired(_l("请填写投票截止时间。"))])
    temporary = BooleanField(_l("临时会议（按本小区议事规则缩短公告期）"))
    opinion = TextAreaField(_l("议事会商议意见（必填）"), filters=[_strip], validators=[
        InputRequired(_l("请填写议事会商议意见。")),
        Length(max=5000, message=_l("意见不能超过 5000 个字。"))])
    seen = HiddenField()


class VoteForm(Form):
    member_id = IdField(validators=[InputRequired()])
    as_proxy = HiddenField(default="")
    # The casting service checks the choice against the proposal's ballot inside its one
    # statement (app.proposals.ballots.open_vote), so the form needs no look-up of its own.
    choice = RadioField(_l("您的选择"), choices=[], validate_choice=False,
                        validators=[InputRequired(_l("请选择一项后再提交。"))])


class ObjectionForm(Form):
    body = TextAreaField(_l("异议内容"), filters=[_strip], validators=[
        DataRequired(_l("请写明异议内容。")), Length(max=5000, message=_l("请不超过 5000 个字。"))])


class AnswerForm(Form):
    answer = TextAreaField(_l("答复"), filters=[_strip], validators=[
        DataRequired(_l("请填写答复内容。")), Length(max=5000, message=_l("请不超过 5000 个字。"))])


def _member_field():
    return StringField(_l("房号（楼栋-单元-房号，如 3-2-1201）或手机号"), filters=[_strip],
                       validators=[DataRequired(_l("请填写房号或手机号。")), Length(max=40)])


class PaperBallotForm(Form):
    member = _member_field()
    paper_ref = StringField(_l("纸质票编号"), filters=[_strip], validators=[
        DataRequired(_l("请填写纸质票上的编号。")),
        Length(max=40, message=_l("编号不能超过 40 个字符。"))])
    choice = RadioField(_l("票面选择"), choices=[],
                        validators=[InputRequired(_l("请选择票面上勾选的一项。"))])
    scan = FileField(_l("纸质票扫描件或照片（PDF、JPEG 或 PNG）"))


class ProxyForm(Form):
    member = _member_field()
    proxy_mobile = TelField(_l("受托人手机号（须已注册）"), filters=[_strip], validators=[
        DataRequired(_l("请填写受托人的手机号。")), Length(max=20)])
    document = FileField(_l("书面委托书（PDF、JPEG 或 PNG）"))
    is_guardian = BooleanField(_l("受托人是业主的监护人（业主无民事行为能力）"))


class ProxyRevokeForm(Form):
    reason = StringField(_l("撤销理由"), filters=[_strip], validators=[
        DataRequired(_l("请写明撤销委托的理由。")),
        Length(max=200, message=_l("理由不能超过 200 个字。"))])
