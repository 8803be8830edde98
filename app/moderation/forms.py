"""Forms of the moderation pages. Each form has a prefix so that several can share a page
(field names like "hide-reason"); the services check every rule again."""
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.moderation.mutes import MUTE_DAYS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _reason(label, message):
    return TextAreaField(label, filters=[_strip], validators=[
        DataRequired(message), Length(max=500, message=_l("理由请不超过 500 个字。"))])


class ReportForm(Form):
    reason = _reason(_l("举报理由"), _l("请写明举报理由。"))


class HideForm(Form):
    reason = _reason(_l("隐藏理由（将公开显示在原位置）"),
                     _l("请写明隐藏理由，它会公开显示在原位置。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="hide", **kwargs)


class RestoreForm(Form):
    reason = _reason(_l("恢复理由"), _l("请写明恢复理由。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="restore", **kwargs)


class DismissForm(Form):
    note = TextAreaField(_l("说明（可不填，举报人会看到处理结果）"), filters=[_strip],
                         validators=[Optional(), Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="dismiss", **kwargs)


MUTE_CHOICES = [(str(d), lazy_ngettext("%(n)s 天", "%(n)s 天", d, n=d)) for d in MUTE_DAYS]


class MuteForm(Form):
    days = RadioField(_l("禁言时长"), choices=MUTE_CHOICES,
                      validators=[InputRequired(_l("请选择禁言时长。"))])
    reason = _reason(_l("禁言理由"), _l("请写明禁言理由。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="mute", **kwargs)


class LiftForm(Form):
    reason = _reason(_l("解除理由"), _l("请写明解除禁言的理由。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="lift", **kwargs)
