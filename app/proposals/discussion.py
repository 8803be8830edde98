"""Residents' opinions on a proposal (征求意见): comments under the proposal or one of its
options, through the one discussion mechanism of app.issues.comments.

Who: verified residents of the compound (tenants included) and those who answer for it
(OFFICIAL_ROLES). When: from consultation until voting opens; before, the proposal is a draft
nobody but its proposers reads; after, the discussion stays on view, read-only."""
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from app.compounds.access import has_role, is_member
from app.core.errors import NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.issues.comments import OFFICIAL_ROLES, Subject
from app.proposals.lifecycle import proposal_compound, proposal_path
from app.proposals.models import Proposal, ProposalOption

DISCUSSABLE = ("consultation", "review", "deliberation", "notice")
COMMENTERS = ("resident", *OFFICIAL_ROLES)


def closed_reason(proposal: Proposal):
    """The plain sentence that says why the discussion is read-only, or None while open."""
    if proposal.state in DISCUSSABLE:
        return None
    if proposal.state in ("draft", "returned"):
        return _l("议案还在起草，开始征求意见后才能发表意见。")
    if proposal.state == "withdrawn":
        return _l("议案已撤回，讨论已结束，以下意见仅供查阅。")
    return _l("投票已经开始，讨论已结束，以下意见仅供查阅。")


def may_comment(user, compound, proposal: Proposal) -> bool:
    return (proposal.state in DISCUSSABLE and is_member(user, compound)
            and has_role(user, compound, *COMMENTERS))


def _checker(proposal: Proposal, compound):
    def check(actor) -> None:
        if not is_member(actor, compound):
            raise PermissionDenied(_l("只有本小区的成员可以参与讨论。"))
        if not has_role(actor, compound, *COMMENTERS):
            raise PermissionDenied(_l("只有本小区已认证的居民可以对议案发表意见。"))
        reason = closed_reason(proposal)
        if reason is not None:
            raise ServiceError(reason, status=409)
    return check


def proposal_subject(proposal: Proposal | int, option: ProposalOption | None = None) -> Subject:
    """The proposal's discussion; with `option`, the comments about that option."""
    if not isinstance(proposal, Proposal):
        proposal = db.session.get(Proposal, proposal, options=[selectinload(Proposal.options)],
                                  populate_existing=True)
    compound = proposal_compound(proposal)
    return Subject(
        "proposal", proposal, compound, proposal.title, proposal_path(proposal),
        {"proposal_id": proposal.id, "option_id": option.id if option else None},
        _checker(proposal, compound),
        lambda official: (
            gettext("议案“%(title)s”有了官方回复", title=proposal.title) if official
            else gettext("议案“%(title)s”有新意见", title=proposal.title)),
        allows_stance=True)


def option_of(proposal: Proposal, option_id: int | None) -> ProposalOption | None:
    """The option of this proposal the comment is about (None: the whole proposal)."""
    if not option_id:
        return None
    for option in proposal.options:
        if option.id == option_id:
            return option
    raise NotFound(_l("找不到这个选项。"))
