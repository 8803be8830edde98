"""Display names of the proposal domain's codes, in one place for pages and exports."""
from flask_babel import gettext

from app.core.i18n import lazy_gettext as _l
from app.core.ids import parse_id
from app.proposals.labels_survey import SURVEY_ACTIONS, SURVEY_OBJECTS

KIND_LABELS = {
    "owners": _l("业主共同决定"),
    "council": _l("议事会决议"),
    "consultation": _l("居民意见征集"),
}
COUNCIL_BODY_LABELS = {"council": _l("议事会"), "committee": _l("业主委员会")}

# 民法典 第二百七十八条 第一款 (一)–(九); items 6–8 need the special majority.
MATTER_LABELS = {
    1: _l("制定和修改业主大会议事规则"),
    2: _l("制定和修改管理规约"),
    3: _l("选举业主委员会或者更换业主委员会成员"),
    4: _l("选聘和解聘物业服务企业或者其他管理人"),
    5: _l("使用建筑物及其附属设施的维修资金"),
    6: _l("筹集建筑物及其附属设施的维修资金"),
    7: _l("改建、重建建筑物及其附属设施"),
    8: _l("改变共有部分的用途或者利用共有部分从事经营活动"),
    9: _l("有关共有和共同管理权利的其他重大事项"),
}
MATTER_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八",
                   9: "九"}

CHOICE_LABELS = {"yes": _l("同意"), "no": _l("反对"), "abstain": _l("弃权")}
CHANNEL_LABELS = {"web": _l("网上投票"), "paper": _l("纸质票"), "proxy": _l("委托投票")}

ACTION_LABELS = {
    "open_consultation": _l("开始征求意见"),
    "submit_review": _l("提交党组织审议"),
    "approve_review": _l("审议通过，交议事会商议"),
    "publish_notice": _l("发布表决公告"),
    "open_voting": _l("开始投票"),
    "close_voting": _l("投票截止"),
    "publish_result": _l("公布最终结果"),
    "start_implementation": _l("开始实施"),
    "publish_implementation": _l("公开实施结果"),
    "close": _l("结束议案"),
    "withdraw": _l("撤回议案"),
    "return": _l("退回议案"),
    "revise": _l("重新修改"),
}
CREATED_LABEL = _l("创建议案")

# Badge colour per state: in preparation, in progress, voting, decided, stopped.
STATE_CSS = {
    "draft": "badge", "consultation": "badge badge-warn", "review": "badge badge-warn",
    "deliberation": "badge badge-warn", "notice": "badge badge-warn",
    "voting": "badge badge-live", "objection": "badge badge-ok", "published": "badge badge-ok",
    "implementation": "badge badge-ok", "implementation_published": "badge badge-ok",
    "closed": "badge", "withdrawn": "badge badge-stop", "returned": "badge badge-stop",
}


def matter_label(matter: int | None) -> str:
    if not matter:
        return ""
    return f"（{MATTER_NUMERALS[matter]}）{MATTER_LABELS[matter]}"


def choice_label(proposal, choice: str) -> str:
    """同意/反对/弃权, the text of option optN, or the candidates an election ballot marks."""
    if getattr(proposal, "seats", None) is not None:
        return election_choice_label(choice)
    position = parse_id(choice[3:]) if choice.startswith("opt") else None
    if position is not None:
        for option in proposal.options:
            if option.position == position:
                return option.label
    return str(CHOICE_LABELS.get(choice, choice))


def choice_items(proposal) -> list[tuple[str, str]]:
    """(value, label) of every choice on the ballot, in order."""
    from app.proposals.ballots import choices_of
    return [(c, choice_label(proposal, c)) for c in choices_of(proposal)]


def group_receipt(code: str | None) -> str:
    """CBC6 C999 ...: a receipt code in groups of four, easier to read aloud and copy by hand
    (the lookup ignores the spaces)."""
    code = code or ""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


# What the audit trail calls this domain's recorded actions and the rows they point at,
# and what the notifications page calls its kinds of notification (collected into the
# registries of app.audit.labels and app.notifications.labels by app.site.labels).
AUDIT_ACTIONS = {
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
    "proposal.attachment_add": _l("添加议案附件"),
    "proposal.attachment_remove": _l("删除议案附件"),
    "proposal.objection": _l("提出异议"),
    "proposal.objection_answer": _l("答复异议"),
    "proxy.register": _l("登记委托"),
    "proxy.revoke": _l("撤销委托"),
    "ballot.cast": _l("投票"),
    "proposal.summary": _l("填写征求意见情况"),
    "election.nominate": _l("推荐业委会委员候选人"),
    "election.support": _l("联名推荐候选人"),
    "election.statement": _l("填写候选人自我介绍"),
    "election.withdraw": _l("候选人退出选举"),
    "election.review": _l("党支部审议候选人"),
    **SURVEY_ACTIONS,
}

AUDIT_OBJECTS = {
    "proposals": _l("议案"),
    "objections": _l("异议"),
    "proxy_authorisations": _l("委托书"),
    "ballots": _l("选票"),
    "proposal_attachments": _l("议案附件"),
    "proposal_events": _l("议案进展"),
    "proposal_options": _l("表决选项"),
    "proposal_scopes": _l("列支范围（楼栋或房屋）"),
    "proposal_results": _l("表决结果"),
    "electorate_members": _l("有表决权的成员"),
    "electorate_units": _l("有表决权的房屋"),
    "sealed_votes": _l("密封选票"),
    "secret_participations": _l("无记名投票参与记录"),
    "secret_votes": _l("无记名选票"),
    "secret_totals": _l("无记名投票合计"),
    "consultation_summaries": _l("征求意见情况"),
    "election_candidates": _l("业委会委员候选人"),
    "nomination_supports": _l("联名推荐"),
    **SURVEY_OBJECTS,
}

NOTIFICATION_KINDS = {
    "proposal.vote_open": _l("投票开始"),
    "proposal.closing_soon": _l("投票即将截止"),
    "proposal.*": _l("议案进展"),
}


def election_choice_label(choice: str) -> str:
    """"1号、3号" (by place on the ballot), "未选任何人" or "作废（超过应选名额）"."""
    if choice == "none":
        return gettext("未选任何候选人")
    if choice == "invalid":
        return gettext("作废（所选人数超过应选名额）")
    return "、".join(gettext("%(n)s号", n=key[1:]) for key in choice.split("+"))
