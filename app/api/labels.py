"""Labels of the API's audit actions and rows."""
from app.core.i18n import lazy_gettext as _l

AUDIT_ACTIONS = {
    "api_token.created": _l("创建数据接口令牌"),
    "api_token.revoked": _l("撤销数据接口令牌"),
}

AUDIT_OBJECTS = {
    "api_tokens": _l("数据接口令牌"),
    "api_token_uses": _l("数据接口令牌的使用时间"),
}

NOTIFICATION_KINDS = {
}
