"""Forms of the notice pages. The services check every rule again."""
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.time import CHINA
from app.notices.labels import KIND_LABELS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]  # what browsers send


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _title():
    return StringField(_l("标题"), filters=[_strip], validators=[
        DataRequired(_l("请填写标题。")), Length(max=120, message=_l("标题不能超过 120 个字。"))])


def _body():
    return TextAreaField(_l("公告内容"), validators=[
        DataRequired(_l("请填写公告内容。")),
        Length(max=20000, message=_l("内容请不超过 20000 字。"))])


def _reason(label):
    return TextAreaField(label, filters=[_strip], validators=[
        DataRequired(_l("请写明理由。")), Length(max=1000, message=_l("理由请不超过 1000 字。"))])


class NoticeForm(Form):
    kind = RadioField(_l("公告类型"), choices=list(KIND_LABELS.items()), default="general",
                      validators=[InputRequired(_l("请选择公告类型。"))])
    title = _title()
    body = _body()
    proposal = SelectField(_l("关联议案的表决结果（可不选）"), coerce=int, default=0)
    starts_at = DateTimeLocalField(_l("公示开始时间（北京时间，可不填）"),
                                   format=DATETIME_FORMATS, validators=[Optional()])
    ends_at = DateTimeLocalField(_l("公示结束时间（北京时间，可不填）"), format=DATETIME_FORMATS,
                                 validators=[Optional()])

    def set_proposals(self, proposals) -> None:
        self.proposal.choices = [(0, _l("不关联议案"))] + [(p.id, p.title) for p in proposals]

    def service_fields(self) -> dict:
        """The keyword arguments of services.create_draft / update_draft; times typed in China
        Standard Time."""
        def aware(value):
            return value.replace(tzinfo=CHINA) if value else None

        return {"kind": self.kind.data, "title": self.title.data, "body": self.body.data,
                "proposal_id": self.proposal.data or None,
                "starts_at": aware(self.starts_at.data), "ends_at": aware(self.ends_at.data)}

    def fill_from(self, notice) -> None:
        self.kind.data, self.title.data, self.body.data = (notice.kind, notice.title,
                                                            notice.body_source)
        self.proposal.data = notice.proposal_id or 0
        for field, value in ((self.starts_at, notice.starts_at), (self.ends_at, notice.ends_at)):
            field.data = value.astimezone(CHINA).replace(tzinfo=None) if value else None


class CorrectionForm(Form):
    title = _title()
    body = _body()
    reason = _reason(_l("更正理由（将与更正前的内容一起公开）"))


class WithdrawForm(Form):
    reason = _reason(_l("撤回理由（将公开显示）"))


class EmptyForm(Form):
    """A button that only needs the CSRF token."""

    token = HiddenField()
