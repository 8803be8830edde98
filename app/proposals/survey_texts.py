"""Moderating a survey's free-text answers: nothing of them is public until the party cell or
staff publish it; a hidden answer keeps the written reason and is never shown publicly
(moderation hides, never deletes: DESIGN §5). Services flush, never commit."""
from sqlalchemy import func, select

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.core.errors import NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.extensions import db
from app.proposals.lifecycle import proposal_compound
from app.proposals.models import Proposal
from app.proposals.survey_models import SurveyQuestion, SurveyText

MODERATORS = ("party_cell", "staff")


def may_moderate(actor, compound) -> bool:
    return has_role(actor, compound, *MODERATORS)


def queue(proposal: Proposal) -> list[tuple[SurveyText, str]]:
    """Every free-text answer with its question's prompt: pending first."""
    return list(db.session.execute(
        select(SurveyText, SurveyQuestion.prompt)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyText.question_id)
        .where(SurveyText.proposal_id == proposal.id)
        .order_by((SurveyText.status != "pending"), SurveyQuestion.position, SurveyText.id)))


def pending_count(proposal_id: int) -> int:
    return db.session.scalar(select(func.count(SurveyText.id)).where(
        SurveyText.proposal_id == proposal_id, SurveyText.status == "pending"))


def moderate(actor, proposal: Proposal, text_id: int, decision: str, reason: str = "",
             now=None) -> SurveyText:
    """Publish or hide one free-text answer; hiding needs a written reason."""
    compound = proposal_compound(proposal)
    if not may_moderate(actor, compound):
        raise PermissionDenied(_l("只有党支部或社区工作人员可以审核意见。"))
    text = db.session.scalar(select(SurveyText).where(
        SurveyText.id == text_id, SurveyText.proposal_id == proposal.id))
    if text is None:
        raise NotFound(_l("没有这条意见。"))
    if decision not in ("publish", "hide"):
        raise ServiceError(_l("请选择公开或隐藏。"), field="decision")
    reason = clean_text(reason, 200)
    if decision == "hide" and not reason:
        raise ServiceError(_l("隐藏意见须写明理由。"), field="reason")
    text.status = "published" if decision == "publish" else "hidden"
    text.reason = reason if decision == "hide" else ""
    text.moderated_by_id = actor.id
    text.moderated_at = now or utcnow()
    db.session.flush()
    action = "survey.text_publish" if decision == "publish" else "survey.text_hide"
    record(actor, compound, action, text,
           {"proposal": proposal.id, "reason": text.reason},
           actor_role=primary_role(actor, compound))
    return text
