"""Words shown for micro-projects: steps, result reasons, and the audit and notification
labels of the domain."""
from app.core.i18n import lazy_gettext as _l

ROUND_STEPS = {
    "close_collection": _l("结束征集，进入议事会初审"),
    "finish_review": _l("初审完成，提交党组织审议"),
    "publish_candidates": _l("发布候选公示"), "open_voting": _l("开启居民投票"),
    "close_voting": _l("结束投票并计票"), "decide": _l("议事会决议"),
    "refer_to_owners": _l("提交业主共同决定"), "adopt_owners_decision": _l("采纳业主共同决定"),
    "publish_result": _l("公示结果"),
}
PROJECT_STEPS = {
    "shortlist": _l("初审通过"), "reject": _l("初审不通过"), "endorse": _l("党组织审议通过"),
    "party_reject": _l("党组织审议不通过"), "fund": _l("获得资助"),
    "leave_unfunded": _l("未获资助"),
    "start": _l("开始实施"), "accept": _l("验收通过"), "disclose": _l("公示资金使用"),
}
# Steps whose written note is required, and how the field is called on the page.
NOTE_LABELS = {
    "reject": _l("不通过的理由（将公开）"), "endorse": _l("党组织审议意见"),
    "party_reject": _l("不通过的意见（将公开）"), "decide": _l("议事会决议内容"),
    "accept": _l("验收意见"), "shortlist": _l("初审意见（可不填）"),
}
DANGER = ("reject", "party_reject")
REASONS = {"funded": _l("获得资助"), "over_budget": _l("剩余预算不足，跳过"),
           "no_votes": _l("无人投票"), "owners_decision": _l("经业主共同决定资助")}
ROUTE_LABELS = {"council": _l("社区资金：居民投票为意见征集，由议事会决议"),
                "owners": _l("业主共有资金：由业主共同决定（《民法典》第二百七十八条）")}
STATE_CSS = {"collecting": "badge-live", "reviewing": "badge-warn", "party_review": "badge-warn",
             "candidates": "badge-live", "voting": "badge-live", "counted": "badge-warn",
             "owners_decision": "badge-warn", "decided": "badge-warn", "published": "badge-ok",
             "proposed": "badge-warn", "shortlisted": "badge-warn", "rejected": "badge-stop",
             "candidate": "badge-live", "funded": "badge-ok", "unfunded": "badge-stop",
             "implementing": "badge-live", "accepted": "badge-ok", "disclosed": "badge-ok"}

AUDIT_ACTIONS = {
    "micro_round.create": _l("发起微项目征集"),
    "micro_round.vote": _l("为微项目投票"),
    "micro_round.count": _l("微项目计票与预算分配"),
    **{f"micro_round.{k}": v for k, v in ROUND_STEPS.items()},
    "micro_project.create": _l("提出微项目"),
    "micro_project.second": _l("附议微项目"),
    "micro_project.milestone": _l("发布微项目实施进展"),
    "micro_project.rate": _l("评价微项目"),
    **{f"micro_project.{k}": v for k, v in PROJECT_STEPS.items()},
}

AUDIT_OBJECTS = {
    "project_rounds": _l("微项目征集轮次"),
    "micro_projects": _l("微项目"),
    "project_seconds": _l("微项目附议"),
    "project_ballots": _l("微项目投票"),
    "project_ballot_choices": _l("微项目投票选项"),
    "project_events": _l("微项目进展"),
    "project_milestones": _l("微项目实施进展"),
    "project_photos": _l("微项目照片"),
    "project_ratings": _l("微项目评价"),
}

NOTIFICATION_KINDS = {
    "micro_project.*": _l("微项目进展"),
}
