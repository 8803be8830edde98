"""The covenant's version flow (DESIGN §4): 征集民意 → 拟定草案 → 街道审核 → 提请表决 → 通过生效
→ 备案公布, as a transition table run by the one engine (app.core.workflow): each step is a
conditional UPDATE on the version's state, so two people pressing the same button at once move
it once; every step is audited in the caller's transaction."""
from app.compounds.access import has_role, primary_role
from app.compounds.models import Compound
from app.core import workflow
from app.core.errors import PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.workflow import Field, Transition
from app.covenants.models import Covenant, CovenantVersion
from app.extensions import db

# Who drafts a covenant and moves it along: the party cell, the council, the owners'
# committee and community staff (居委会 guidance). 街道审核 is recorded by community staff.
DRAFTERS = ("party_cell", "council", "committee", "staff")
REVIEWERS = ("staff",)
PUBLISHERS = ("staff",)
# Who may put an approved version to a vote (the proposers of app.proposals, and staff).
LINKERS = ("party_cell", "council", "committee", "staff")
EDITABLE = ("consultation", "drafting")
REASON_MAX = 500

KIND_LABELS = {"residents": _l("居民公约"), "management": _l("管理规约")}
STATE_LABELS = {
    "consultation": _l("征集民意"), "drafting": _l("拟定草案"), "review": _l("街道审核"),
    "approved": _l("审核通过，待表决"), "voting": _l("提请表决"),
    "adopted": _l("已通过，待备案公布"),
    "published": _l("现行有效"), "superseded": _l("已被新版本取代"),
}
STATE_CSS = {"published": "badge badge-ok", "superseded": "badge badge-muted"}

TRANSITIONS = {t.name: t for t in [
    Transition("close_consultation", ("consultation",), "drafting", DRAFTERS),
    Transition("submit_review", ("drafting",), "review", DRAFTERS),
    Transition("approve_review", ("review",), "approved", REVIEWERS,
               denied=_l("只有社区工作人员可以审核公约草案。")),
    # Under review only the reviewers return it (the service adds that rule of the stage).
    Transition("return", ("review", "approved", "voting"), "drafting", DRAFTERS,
               required=("reason",), fields=("reason",)),
    Transition("link_proposal", ("approved",), "voting", LINKERS,
               denied=_l("只有党支部、议事会、业委会或社区工作人员可以提请表决。")),
    Transition("adopt", ("voting",), "adopted", DRAFTERS),
    Transition("publish", ("adopted",), "published", PUBLISHERS,
               denied=_l("只有社区工作人员可以备案公布。")),
]}

# Steps with a form of their own (a reason, the proposal, the filing reference).
OWN_FORMS = ("return", "link_proposal", "publish")


def compound_of(covenant: Covenant) -> Compound:
    return db.session.get(Compound, covenant.compound_id)


def covenant_of(version: CovenantVersion) -> Covenant:
    return db.session.get(Covenant, version.covenant_id)


def version_compound(version: CovenantVersion) -> Compound:
    return compound_of(covenant_of(version))


def require(actor, compound: Compound, roles: tuple[str, ...], message) -> str | None:
    if actor is None or not has_role(actor, compound, *roles):
        raise PermissionDenied(message)
    return primary_role(actor, compound)


WORKFLOW = workflow.Workflow(
    domain="covenant", model=CovenantVersion, state_attr="state", labels=STATE_LABELS,
    transitions=TRANSITIONS, compound_of=version_compound,
    refused=_l("这一版本当前处于“%(state)s”阶段，不能进行这项操作。"),
    fields={"reason": Field("reason", _l("请写明理由。"), max_length=REASON_MAX,
                            clean=lambda text: clean_text(text or ""))},
    audit_data=lambda version, step: {"covenant_id": version.covenant_id,
                                      "number": version.number})


def allowed_steps(version: CovenantVersion, user) -> list[str]:
    return workflow.allowed(WORKFLOW, version, user)


def check(actor, version: CovenantVersion, name: str, **fields) -> dict:
    """The step's refusals (who, state, written fields) before the stage's own checks."""
    return workflow.check(WORKFLOW, version, name, actor, fields=fields)


def move(actor, version: CovenantVersion, name: str, *, values: dict | None = None,
         data: dict | None = None, also=(), **fields) -> CovenantVersion:
    """Move `version` along step `name`, or refuse and change nothing."""
    workflow.apply(WORKFLOW, version, name, actor, fields=fields, values=values, data=data,
                   also=also)
    return version
