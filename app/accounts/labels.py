"""Labels of the accounts domain's codes."""
from app.core.i18n import lazy_gettext as _l

# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
    "account.registered": _l("注册账户"),
    "account.registered_by_staff": _l("代办注册账户"),
    "account.admin_created": _l("创建管理员账户"),
    "account.login": _l("登录"),
    "account.login_failed": _l("登录失败"),
    "account.logout": _l("退出登录"),
    "account.password_changed": _l("修改密码"),
    "account.display_name_changed": _l("修改称呼"),
    "account.party_badge_choice": _l("设置是否显示党员标识"),
    "account.sessions_revoked": _l("退出其他设备上的登录"),
    "account.left_compound": _l("离开小区"),
    "account.deleted": _l("注销账户"),
    "account.phone_verified": _l("验证手机号"),
    "account.password_reset": _l("重设密码"),
    "account.login_unlocked": _l("解除登录锁定"),
    "phone_code.issued": _l("发送手机验证码"),
    "phone_code.used": _l("使用手机验证码"),
    "phone_code.failed": _l("手机验证码有误"),
}

AUDIT_OBJECTS = {
    "users": _l("账户"),
    "user_sessions": _l("登录会话"),
    "phone_codes": _l("手机验证码"),
    "phone_verifications": _l("手机号验证"),
}

NOTIFICATION_KINDS = {
}
