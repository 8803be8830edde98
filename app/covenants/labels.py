"""Labels of the covenants domain's codes."""
from app.core.i18n import lazy_gettext as _l

# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
    "covenant.create": _l("新建公约"),
    "covenant.version_start": _l("开始修订公约"),
    "covenant.articles_save": _l("保存公约条文"),
    "covenant.comment": _l("对公约条文提意见"),
    "covenant.close_consultation": _l("结束征集民意"),
    "covenant.submit_review": _l("提交街道审核"),
    "covenant.approve_review": _l("审核通过公约草案"),
    "covenant.return": _l("退回公约草案"),
    "covenant.link_proposal": _l("公约提请表决"),
    "covenant.adopt": _l("公约表决通过"),
    "covenant.publish": _l("公约备案公布"),
    "covenant.sign": _l("签署承诺遵守"),
    "covenant.withdraw_signature": _l("撤回签署"),
    "covenant.commitment": _l("发表党员承诺"),
}

AUDIT_OBJECTS = {
    "covenants": _l("公约"),
    "covenant_versions": _l("公约版本"),
    "covenant_articles": _l("公约条文"),
    "covenant_comments": _l("公约意见"),
    "covenant_signatures": _l("公约签署"),
    "covenant_commitments": _l("党员承诺"),
}

NOTIFICATION_KINDS = {
}
