"""The places of a compound a person sees on its home page, by role."""
from flask import current_app, url_for

from app.compounds.access import READ_ONLY_ROLES
from app.compounds.models import ALL_ROLES, Compound
from app.core.i18n import lazy_gettext as _l

# Who takes part in the compound (subdistrict staff only read it).
PARTICIPANTS = set(ALL_ROLES) - READ_ONLY_ROLES

# (endpoint, label, roles that see it); an endpoint not built (yet) is not linked.
COMPOUND_LINKS = (
    ("issues.index", _l("议题（反映问题、附议）"), None),
    ("notices.index", _l("公告公示"), None),
    ("proposals.index", _l("议案与表决"), None),
    ("meetings.index", _l("会议与纪要"), None),
    ("microprojects.index", _l("微项目（提出、投票、实施与资金公示）"), None),
    ("covenants.index", _l("居民公约与管理规约"), None),
    ("funds.compound_funds", _l("资金公开（账目与提问）"), None),
    ("trustbooks.index", _l("物业账目公开"), None),
    ("compounds.members", _l("小区成员"), PARTICIPANTS),
    ("compounds.rules", _l("议事规则设置"), None),
    ("moderation.queue", _l("举报处理"), {"staff", "admin", "party_cell"}),
    ("compounds.claims_queue", _l("房屋认证审核"), {"staff", "admin"}),
    ("compounds.proxy_register", _l("代办注册"), {"staff", "admin"}),
    ("compounds.reset_code", _l("发放密码重置码"), {"staff", "admin"}),
    ("compounds.roles", _l("角色管理"), {"staff", "admin"}),
    ("compounds.party_queue", _l("党员身份确认"), {"staff", "admin", "party_cell"}),
    ("compounds.roster", _l("房屋名册"), {"staff", "admin"}),
    ("compounds.letters", _l("打印邀请函"), {"staff", "admin"}),
    ("compounds.my_roles", _l("我在本小区的身份"), None),
    ("audit.trail", _l("操作记录（审计）"), None),
    ("moderation.log", _l("管理记录（隐藏与禁言）"), None),
)


def compound_links(compound: Compound, held) -> list[tuple[object, str]]:
    views = current_app.view_functions
    return [(label, url_for(endpoint, compound_id=compound.id))
            for endpoint, label, who in COMPOUND_LINKS
            if endpoint in views and (who is None or held & who)]
