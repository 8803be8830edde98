"""A consultation's questionnaire: questions are added and removed while the proposal is a
draft (or returned) and frozen after, as the rest of the ballot is. Services flush, never
commit."""
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record, removal
from app.compounds.access import has_role, primary_role
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.extensions import db
from app.proposals.lifecycle import PROPOSERS, proposal_compound
from app.proposals.models import Proposal
from app.proposals.survey_models import QUESTION_KINDS, SurveyQuestion

EDITORS = PROPOSERS + ("staff",)
EDITABLE = ("draft", "returned")
MAX_QUESTIONS = 30
MAX_OPTIONS = 10
CHOICE_KINDS = ("single", "multiple")


def questions(proposal_id: int) -> list[SurveyQuestion]:
    return list(db.session.scalars(select(SurveyQuestion).where(
        SurveyQuestion.proposal_id == proposal_id).order_by(SurveyQuestion.position)))


def has_questions(proposal_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        SurveyQuestion.proposal_id == proposal_id))))


def _editable(actor, proposal: Proposal):
    compound = proposal_compound(proposal)
    if not has_role(actor, compound, *EDITORS):
        raise PermissionDenied(_l("您没有权限修改这份问卷。"))
    if proposal.kind != "consultation":
        raise ServiceError(_l("只有居民意见征集可以设置问卷。"), status=409)
    if proposal.state not in EDITABLE:
        raise ServiceError(_l("征集已进入流程，问卷不能再修改。"), status=409)
    return compound


def clean_question(kind: str, prompt: str, options: list[str] | None) -> tuple[str, list[str]]:
    """The prompt and option labels as stored; refuses what a question of `kind` cannot be."""
    if kind not in QUESTION_KINDS:
        raise ServiceError(_l("请选择题型。"), field="kind")
    prompt = clean_text(prompt, 300)
    if not prompt:
        raise ServiceError(_l("请填写题目。"), field="prompt")
    labels = [clean_text(o, 100) for o in (options or []) if clean_text(o)]
    if kind in CHOICE_KINDS:
        if not 2 <= len(labels) <= MAX_OPTIONS:
            raise ServiceError(_l("选择题需要 2 到 10 个选项，每行一个。"), field="options")
        if len(set(labels)) != len(labels):
            raise ServiceError(_l("选项不能重复。"), field="options")
    else:
        labels = []
    return prompt, labels


def add_question(actor, proposal: Proposal, *, kind: str, prompt: str,
                 options: list[str] | None = None, required: bool = True) -> SurveyQuestion:
    """A question at the end of the questionnaire. Two editors adding at once: the unique
    (proposal, position) refuses the second, who is asked to try again."""
    compound = _editable(actor, proposal)
    prompt, labels = clean_question(kind, prompt, options)
    count, last = db.session.execute(
        select(func.count(SurveyQuestion.id), func.max(SurveyQuestion.position))
        .where(SurveyQuestion.proposal_id == proposal.id)).one()
    if count >= MAX_QUESTIONS:
        raise ServiceError(_l("一份问卷最多 30 道题。"), field="prompt")
    question = SurveyQuestion(proposal_id=proposal.id, position=(last or 0) + 1, kind=kind,
                              prompt=prompt, options=labels, is_required=bool(required))
    try:
        with db.session.begin_nested():
            db.session.add(question)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("问卷刚被别人修改过，请刷新后再试。")) from None
    record(actor, compound, "survey.question_add", question,
           {"proposal": proposal.id, "kind": kind}, actor_role=primary_role(actor, compound))
    return question


def remove_question(actor, proposal: Proposal, question_id: int) -> None:
    compound = _editable(actor, proposal)
    question = db.session.scalar(select(SurveyQuestion).where(
        SurveyQuestion.id == question_id, SurveyQuestion.proposal_id == proposal.id))
    if question is None:
        raise NotFound(_l("没有这道题。"))
    cover = removal(question)
    db.session.delete(question)
    db.session.flush()
    record(actor, compound, "survey.question_remove", proposal,
           {"proposal": proposal.id, "question": question_id}, removed=[cover],
           actor_role=primary_role(actor, compound))
