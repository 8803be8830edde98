"""The proposals blueprint and what its views share: access checks, loading a proposal of a
compound, the first-access open/close, and the names templates use."""
from datetime import timezone

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user

from app.compounds.access import get_compound_or_404, has_role, may_read, require_member
from app.compounds.models import Compound
from app.compounds.roles import ROLE_LABELS
from app.core.db import with_loaded, write_transaction
from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.phones import mask_name
from app.core.time import CHINA, utcnow
from app.proposals import pages, results, services
from app.proposals.attachments import human_size
from app.proposals.labels import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    COUNCIL_BODY_LABELS,
    CREATED_LABEL,
    KIND_LABELS,
    STATE_CSS,
    choice_items,
    choice_label,
    group_receipt,
    matter_label,
)
from app.proposals.lifecycle import PROPOSERS, STATE_LABELS
from app.proposals.models import Proposal
from app.proposals.presenters import turnout_figures
from app.proposals.stages import OPINION_ACTIONS

bp = Blueprint("proposals", __name__, url_prefix="/c/<int:compound_id>/proposals")

# Who may see a draft: those who may write one, and staff.
DRAFT_READERS = PROPOSERS + ("staff",)
AFTER_CLOSE = ("objection", "published", "implementation", "implementation_published", "closed")
ATTACHMENT_KINDS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# An event's actor role; a proposal's origin is a role or "issue" (turned from a residents' issue).
EVENT_ROLE_LABELS = {**ROLE_LABELS, "system": _l("系统（按时自动）"), "proxy": _l("受托人"),
                     "issue": _l("由居民议题转来")}


@bp.context_processor
def _names():
    return {"state_labels": STATE_LABELS, "state_css": STATE_CSS, "kind_labels": KIND_LABELS,
            "action_labels": ACTION_LABELS, "channel_labels": CHANNEL_LABELS,
            "council_body_labels": COUNCIL_BODY_LABELS, "matter_label": matter_label,
            "choice_label": choice_label, "role_label": _role_label, "masked": mask_name,
            "created_label": CREATED_LABEL, "attachment_kinds": ATTACHMENT_KINDS,
            "opinion_labels": OPINION_ACTIONS}


bp.add_app_template_filter(group_receipt, "receipt_code")


@bp.app_template_filter("day_time")
def _day_time_filter(value) -> str:
    """12月5日 18:30 (China time), as a person says it."""
    if value is None:
        return ""
    local = value.astimezone(CHINA) if value.tzinfo else value.replace(
        tzinfo=timezone.utc).astimezone(CHINA)
    return _("%(month)s月%(day)s日 %(time)s", month=local.month, day=local.day,
             time=local.strftime("%H:%M"))


@bp.app_template_filter("filesize")
def _filesize_filter(size: int) -> str:
    return human_size(size)


def _role_label(role: str | None) -> str:
    return str(EVENT_ROLE_LABELS.get(role, role or ""))


def proposal_of(compound: Compound, proposal_id: int) -> Proposal:
    """404 unless the proposal belongs to the compound; a draft only for its writers (403)."""
    proposal = pages.proposal_in(compound, proposal_id)
    if proposal is None:
        abort(404)
    if proposal.state == "draft" and not has_role(current_user, compound, *DRAFT_READERS):
        abort(403)
    return proposal


def load(compound_id: int, proposal_id: int) -> tuple[Compound, Proposal]:
    """A compound member's view of a proposal: 403 for anyone else."""
    compound = require_member(compound_id)
    return compound, proposal_of(compound, proposal_id)


def load_for_voter(compound_id: int, proposal_id: int) -> tuple[Compound, Proposal]:
    """As load(), but a proxy from outside the compound may come in to the one proposal they
    hold a live written authorisation for (its page, attachments, vote, receipt, turnout and
    ballot list). Any other proposal, and every other page of the compound, stays 403."""
    compound = get_compound_or_404(compound_id)
    if not may_enter_vote(compound, proposal_id):
        abort(403)
    return compound, proposal_of(compound, proposal_id)


def may_enter_vote(compound: Compound | int, proposal_id: int) -> bool:
    """A member of the compound (or a reader, as subdistrict staff are: the ballot itself
    checks the electorate), or a proxy holding a live authorisation for this proposal."""
    compound_id = getattr(compound, "id", compound)
    return (may_read(current_user, compound_id)
            or pages.holds_live_proxy(compound_id, proposal_id, current_user))


def require_staff(compound: Compound) -> None:
    if not has_role(current_user, compound, "staff"):
        abort(403)


def advance_on_access(proposal: Proposal) -> Proposal:
    """Open or close voting on the first visit after its time (cron does the same)."""
    if services.is_due(proposal):
        try:
            with write_transaction():
                services.advance_if_due(proposal.id)
        except ServiceError:
            pass  # someone else got there first; the page shows the state as it now is
        with_loaded(proposal, Proposal.options)  # the commit expired it
    return proposal


def is_closed(proposal: Proposal) -> bool:
    return proposal.voting_closed_at is not None and proposal.state in AFTER_CLOSE


def turnout_context(proposal: Proposal) -> dict:
    """Running turnout (and the split, only if the proposal shows it while open)."""
    if proposal.state != "voting":
        return {"turnout_figures": None}
    counts = results.turnout(proposal)
    split = None
    if proposal.shows_split_while_open and not proposal.is_secret:
        running = results.running_split(proposal)
        split = [(label, running.get(value, {"count": 0, "area": "0.00"}))
                 for value, label in choice_items(proposal)]
    return {"turnout": counts, "turnout_figures": turnout_figures(proposal.kind, counts),
            "split": split, "updated_at": utcnow()}
