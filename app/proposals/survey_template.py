"""The yearly 物业服务满意度测评 template: an anonymous consultation whose questions give the
figures a matter-4 proposal (选聘和解聘物业服务企业) cites."""
from app.compounds.access import has_role
from app.core.errors import PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.proposals import services
from app.proposals.models import Proposal
from app.proposals.survey_questions import add_question

TEMPLATE_ROLES = ("staff", "party_cell", "committee")
RATING_ITEMS = ("安保", "保洁", "绿化", "维修", "客服")
RENEWAL_OPTIONS = ["续聘", "更换", "无意见"]
BODY = ("本测评每年开展一次，采用无记名方式，请如实评价本小区物业服务。1 分为非常不满意，"
        "5 分为非常满意；4 分及以上计为满意。结果在截止后向全体居民公开，"
        "可供业主大会选聘或解聘物业服务企业时参考。")


def questions() -> list[dict]:
    """The template's questions, in order (Chinese: the source wording of the survey)."""
    rows = [{"kind": "rating", "prompt": "您对本小区物业服务的总体满意度"}]
    rows += [{"kind": "rating", "prompt": f"{item}满意度"} for item in RATING_ITEMS]
    rows.append({"kind": "single", "prompt": "物业服务合同到期后，您的意见是",
                 "options": RENEWAL_OPTIONS})
    rows.append({"kind": "text", "prompt": "您对物业服务的建议", "required": False})
    return rows


def create_satisfaction(actor, compound, year: int) -> Proposal:
    """物业服务满意度测评（年度）: a draft anonymous consultation with the template's
    questions, by staff, the party cell or the owners' committee."""
    if not has_role(actor, compound, *TEMPLATE_ROLES):
        raise PermissionDenied(_l("只有社区工作人员、党支部或业委会可以发起满意度测评。"))
    proposal = services.create(
        actor, compound, kind="consultation", is_secret=True,
        title=f"物业服务满意度测评（{year}年度）", body=BODY,
        ballot_text=f"{year}年度物业服务满意度测评问卷",
        voting_method="线上无记名填写问卷", proposers=TEMPLATE_ROLES)
    for row in questions():
        add_question(actor, proposal, kind=row["kind"], prompt=row["prompt"],
                     options=row.get("options"), required=row.get("required", True))
    return proposal
