"""Labels of the compounds domain's codes."""
from app.core.i18n import lazy_gettext as _l

# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
    "compound.created": _l("创建小区"),
    "compound.renamed": _l("小区改名"),
    "subdistrict.created": _l("创建街道"),
    "subdistrict.renamed": _l("街道改名"),
    "community.created": _l("创建社区"),
    "community.renamed": _l("社区改名"),
    "staff.assigned": _l("指派社区工作者"),
    "staff.revoked": _l("撤销社区工作者任命"),
    "subdistrict_staff.assigned": _l("指派街道工作人员"),
    "subdistrict_staff.revoked": _l("撤销街道工作人员任命"),
    "roster.uploaded": _l("上传房屋名册"),
    "roster.imported": _l("导入房屋名册"),
    "roster.units_created": _l("新增房屋"),
    "roster.unit_updated": _l("修改房屋信息"),
    "roster.holding_updated": _l("修改产权信息"),
    "invite.codes_issued": _l("生成邀请码"),
    "claim.submitted": _l("提交房屋认证申请"),
    "claim.code_used": _l("用认证码认证房屋"),
    "claim.proxy_verified": _l("代办房屋认证"),
    "claim.approved": _l("通过房屋认证"),
    "claim.rejected": _l("驳回房屋认证"),
    "role.granted": _l("授予角色"),
    "role.revoked": _l("撤销角色"),
    "party.declared": _l("党员亮身份申请"),
    "party.confirmed": _l("确认党员身份"),
    "party.declined": _l("不予确认党员身份"),
    "compound.rules": _l("修改议事规则设置"),
}

AUDIT_OBJECTS = {
    "compounds": _l("小区"),
    "staff_assignments": _l("社区工作者任命"),
    "subdistrict_assignments": _l("街道工作人员任命"),
    "buildings": _l("楼栋"),
    "units": _l("房屋"),
    "holdings": _l("产权"),
    "roster_uploads": _l("名册文件"),
    "invite_codes": _l("邀请码"),
    "unit_claims": _l("认证申请"),
    "residencies": _l("住户认证"),
    "role_grants": _l("角色"),
    "role_requests": _l("角色申请"),
    "subdistricts": _l("街道"),
    "communities": _l("社区"),
    "holding_owners": _l("产权人"),
}

NOTIFICATION_KINDS = {
    "claim.approved": _l("房屋认证通过"),
    "claim.rejected": _l("房屋认证未通过"),
}
