from flask import Blueprint, render_template, request
from flask_login import login_required

from app.audit.queries import compound_trail
from app.audit.services import head_hash
from app.compounds.access import require_member
from app.compounds.roles import ROLE_LABELS
from app.core.i18n import lazy_gettext as _l

bp = Blueprint("audit", __name__)

# What each recorded action means, for people. Unknown codes are shown as they are.
ACTION_LABELS = {
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
    "compound.created": _l("创建小区"),
    "staff.assigned": _l("指派社区工作者"),
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
    "follow.add": _l("关注"),
    "follow.remove": _l("取消关注"),
    "proposal.create": _l("创建议案"),
    "proposal.edit": _l("修改议案"),
    "proposal.open_consultation": _l("开始征求意见"),
    "proposal.submit_review": _l("提交党组织审议"),
    "proposal.approve_review": _l("审议通过，交议事会商议"),
    "proposal.publish_notice": _l("发布表决公告"),
    "proposal.open_voting": _l("开始投票"),
    "proposal.close_voting": _l("投票截止"),
    "proposal.publish_result": _l("公布最终结果"),
    "proposal.start_implementation": _l("开始实施"),
    "proposal.publish_implementation": _l("公开实施结果"),
    "proposal.close": _l("结束议案"),
    "proposal.withdraw": _l("撤回议案"),
    "proposal.return": _l("退回议案"),
    "proposal.revise": _l("重新修改"),
    "proposal.objection": _l("提出异议"),
    "proposal.objection_answer": _l("答复异议"),
    "proxy.register": _l("登记委托"),
    "ballot.cast": _l("投票"),
    "meeting.convene": _l("召集会议"),
    "meeting.attendance": _l("登记出席情况"),
    "meeting.attendee_added": _l("添加出席人员"),
    "meeting.demand_open": _l("发起联名提议开会"),
    "meeting.demand_sign": _l("联名提议开会"),
    "meeting.rules": _l("修改会议规则"),
    "meeting.task_update": _l("更新决定落实进展"),
    "minutes.save": _l("保存会议纪要"),
    "minutes.submit": _l("提交纪要确认"),
    "minutes.confirm": _l("确认会议纪要"),
    "minutes.comment": _l("对会议纪要提意见"),
    "minutes.publish": _l("公开会议纪要"),
    "minutes.correct": _l("更正会议纪要"),
    "moderation.report": _l("举报内容"),
    "moderation.hide": _l("隐藏内容"),
    "moderation.restore": _l("恢复显示内容"),
    "moderation.dismiss": _l("举报不予隐藏"),
    "moderation.mute": _l("禁言成员"),
    "moderation.unmute": _l("解除禁言"),
}

OBJECT_LABELS = {
    "users": _l("账户"),
    "user_sessions": _l("登录会话"),
    "compounds": _l("小区"),
    "staff_assignments": _l("社区工作者任命"),
    "buildings": _l("楼栋"),
    "units": _l("房屋"),
    "holdings": _l("产权"),
    "roster_uploads": _l("名册文件"),
    "invite_codes": _l("邀请码"),
    "unit_claims": _l("认证申请"),
    "residencies": _l("住户认证"),
    "role_grants": _l("角色"),
    "role_requests": _l("角色申请"),
    "follows": _l("关注"),
    "proposals": _l("议案"),
    "objections": _l("异议"),
    "proxy_authorisations": _l("委托书"),
    "ballots": _l("选票"),
    "meetings": _l("会议"),
    "meeting_demands": _l("联名提议"),
    "meeting_rules": _l("会议规则"),
    "meeting_minutes": _l("会议纪要"),
    "meeting_minutes_revisions": _l("会议纪要修改稿"),
    "meeting_minutes_responses": _l("纪要确认"),
    "meeting_tasks": _l("决定落实任务"),
    "moderation_reports": _l("举报"),
    "moderation_mutes": _l("禁言"),
}


@bp.get("/c/<int:compound_id>/audit")
@login_required
def trail(compound_id: int):
    compound = require_member(compound_id)
    before = request.args.get("before", type=int)
    page = compound_trail(compound.id, before=before)
    return render_template("audit/trail.html", compound=compound, page=page, before=before,
                           head=head_hash(), action_labels=ACTION_LABELS,
                           role_labels=ROLE_LABELS, object_labels=OBJECT_LABELS)
