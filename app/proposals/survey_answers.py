"""Answering a survey, and opening its answers at close.

One answer set per electorate member, enforced by a unique constraint, never by a look-up
first. Named: the answer set is a row of its member (staff read it by name). Anonymous (the
proposal's is_secret): a participation row (who answered, public) and the answer set sealed
with the ballot key, padded to the survey's one length (app.proposals.sealing); at close the
sealed sets are opened and written out shuffled, with random ids and no time, and the free-text
answers copied out likewise into the moderation queue. Services flush, never commit."""
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.services import record, removal
from app.core.db import insert_unless_exists
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.extensions import db
from app.notifications.services import follow
from app.proposals import sealing, survey_results
from app.proposals.models import ElectorateMember, Proposal
from app.proposals.survey_models import (
    SealedSurveyAnswer,
    SurveyAnswerSet,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyResult,
    SurveyText,
)
from app.proposals.survey_questions import questions

TEXT_MAX = 500
ALREADY_ANSWERED = _l("您已经填写过这份问卷，不能重复提交。")


def _aad(proposal_id: int) -> bytes:
    return f"yishi-survey-{proposal_id}".encode()


def padded_length(qs: list[SurveyQuestion]) -> int:
    """The one length every sealed answer set of this survey is padded to: the longest answer
    set its (frozen) questions allow, in escaped JSON (a character is at most 12 bytes)."""
    size = 2
    for q in qs:
        size += len(f'"{q.id}":,')
        if q.kind == "text":
            size += TEXT_MAX * 12 + 2
        elif q.kind == "multiple":
            size += 3 * len(q.options) + 2
        else:
            size += 2
    return size


def parse(qs: list[SurveyQuestion], raw: dict) -> dict:
    """The answer set as stored ({question id: value}) from what the form sent
    ({question id: [strings]}); refuses a missing required answer or a value no question
    allows, naming the question."""
    answers = {}
    for q in qs:
        values = [v.strip() for v in raw.get(q.id, []) if v and v.strip()]
        field = f"q{q.id}"
        if not values:
            if q.is_required:
                raise ServiceError(_l("请回答第 %(n)s 题。", n=q.position), field=field)
            continue
        if q.kind == "text":
            text = clean_text(values[0])
            if len(values[0]) > TEXT_MAX:
                raise ServiceError(_l("第 %(n)s 题请不超过 500 个字。", n=q.position),
                                   field=field)
            if text:
                answers[str(q.id)] = text
            elif q.is_required:
                raise ServiceError(_l("请回答第 %(n)s 题。", n=q.position), field=field)
            continue
        try:
            numbers = sorted({int(v) for v in values})
        except ValueError:
            numbers = []
        if q.kind == "rating":
            valid = len(values) == 1 and len(numbers) == 1 and 1 <= numbers[0] <= 5
            value = numbers[0] if valid else None
        elif q.kind == "single":
            valid = len(values) == 1 and len(numbers) == 1 and 0 <= numbers[0] < len(q.options)
            value = numbers[0] if valid else None
        else:
            valid = bool(numbers) and len(numbers) == len(values) \
                and all(0 <= n < len(q.options) for n in numbers)
            value = numbers
        if not valid:
            raise ServiceError(_l("第 %(n)s 题的回答无效，请重新选择。", n=q.position),
                               field=field)
        answers[str(q.id)] = value
    return answers


def _open_survey(proposal_id: int, user, now: datetime, compound_id: int | None):
    """The proposal, read under a share lock on PostgreSQL (the close waits for answers in
    flight), and the answering person's electorate member."""
    stmt = select(Proposal).where(Proposal.id == proposal_id).execution_options(
        populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(read=True)
    proposal = db.session.scalar(stmt)
    if proposal is None or proposal.kind != "consultation" \
            or compound_id not in (None, proposal.compound_id):
        raise NotFound(_l("没有这份问卷。"))
    if proposal.state != "voting" or proposal.voting_opens_at is None \
            or now < proposal.voting_opens_at:
        raise ServiceError(_l("现在不在填写时间内。"), status=409)
    if now >= proposal.voting_closes_at:
        raise ServiceError(_l("问卷已经截止。"), status=409)
    member_id = db.session.scalar(select(ElectorateMember.id).where(
        ElectorateMember.proposal_id == proposal_id, ElectorateMember.user_id == user.id))
    if member_id is None:
        raise PermissionDenied(_l("您不在本次征集的参与人名单中。"))
    return proposal, member_id


def answer(proposal_id: int, user, raw: dict, *, now: datetime | None = None,
           compound_id: int | None = None) -> None:
    """A resident answers the questionnaire once (the unique constraint on the member);
    refused input changes nothing."""
    now = now or utcnow()
    proposal, member_id = _open_survey(proposal_id, user, now, compound_id)
    qs = questions(proposal_id)
    if not qs:
        raise NotFound(_l("没有这份问卷。"))
    answers = parse(qs, raw)
    values = {"proposal_id": proposal_id, "member_id": member_id, "answered_at": now}
    also = []
    if proposal.is_secret:
        try:
            with db.session.begin_nested():
                written = SurveyParticipation(**values)
                db.session.add(written)
                db.session.flush()
                kid, blob = sealing.seal_payload(answers, padded_length(qs), _aad(proposal_id))
                sealed = {"id": secrets.randbits(62), "proposal_id": proposal_id,
                          "key_id": kid, "sealed": blob}
                db.session.add(SealedSurveyAnswer(**sealed))
                db.session.flush()
                also = [db.session.get(SealedSurveyAnswer, sealed["id"])]
        except IntegrityError:
            raise Conflict(ALREADY_ANSWERED) from None
    else:
        values["answers"] = answers
        row_id = insert_unless_exists(SurveyResponse, values, ["proposal_id", "member_id"])
        if row_id is None:
            raise Conflict(ALREADY_ANSWERED)
        written = db.session.get(SurveyResponse, row_id)
    follow(user, proposal.compound_id, "proposal", proposal_id, audited=False)
    record(user, proposal.compound_id, "survey.answer", written,
           {"proposal": proposal_id, "member": member_id}, also=also, actor_role="resident")


def answered(proposal: Proposal, user) -> bool:
    model = SurveyParticipation if proposal.is_secret else SurveyResponse
    return db.session.scalar(
        select(func.count(model.id)).join(ElectorateMember, ElectorateMember.id == model.member_id)
        .where(model.proposal_id == proposal.id, ElectorateMember.user_id == user.id)) > 0


def named_answers(proposal: Proposal) -> list:
    """(name, answers, when) of a named survey, for staff; an anonymous one has none."""
    if proposal.is_secret:
        return []
    return db.session.execute(
        select(User.display_name, SurveyResponse.answers, SurveyResponse.answered_at)
        .join(ElectorateMember, ElectorateMember.id == SurveyResponse.member_id)
        .join(User, User.id == ElectorateMember.user_id)
        .where(SurveyResponse.proposal_id == proposal.id)
        .order_by(SurveyResponse.answered_at)).all()


def running(proposal: Proposal, user) -> tuple[int, bool]:
    """While open: how many have answered, and whether this person has, in one statement."""
    model = SurveyParticipation if proposal.is_secret else SurveyResponse
    mine = select(func.count(model.id)).join(
        ElectorateMember, ElectorateMember.id == model.member_id).where(
        model.proposal_id == proposal.id, ElectorateMember.user_id == user.id).scalar_subquery()
    count, own = db.session.execute(select(func.count(model.id), mine).where(
        model.proposal_id == proposal.id)).one()
    return count, own > 0


def close(proposal: Proposal) -> tuple[list, list, list]:
    """At the close of voting, in its transaction: open an anonymous survey's sealed answer
    sets (refusing, with nothing changed, if they do not match the participations or do not
    open), copy the free text out to moderation, and freeze the figures. Returns the rows
    written, the sets written and the rows removed, for the close's audit entry."""
    # Questions left on a draft whose kind later changed are not a survey.
    qs = questions(proposal.id) if proposal.kind == "consultation" else []
    if not qs:
        return [], [], []
    sets, removed = [], []
    if proposal.is_secret:
        rows = db.session.scalars(select(SealedSurveyAnswer).where(
            SealedSurveyAnswer.proposal_id == proposal.id)).all()
        removed = [removal(row) for row in rows]
        participants = db.session.scalar(select(func.count(SurveyParticipation.id)).where(
            SurveyParticipation.proposal_id == proposal.id))
        if len(rows) != participants:
            raise ServiceError(sealing.URN_MISMATCH, status=409)
        answer_sets = sealing.open_payloads([(r.key_id, r.sealed) for r in rows],
                                            _aad(proposal.id))
        if answer_sets is None:
            raise ServiceError(sealing.URN_LOCKED, status=409)
        secrets.SystemRandom().shuffle(answer_sets)
        db.session.add_all([SurveyAnswerSet(id=secrets.randbits(62), proposal_id=proposal.id,
                                            answers=a) for a in answer_sets])
        db.session.execute(delete(SealedSurveyAnswer).where(
            SealedSurveyAnswer.proposal_id == proposal.id))
        sets = [(SurveyAnswerSet, {"proposal_id": proposal.id})]
    else:
        answer_sets = list(db.session.scalars(select(SurveyResponse.answers).where(
            SurveyResponse.proposal_id == proposal.id)))
    electorate = db.session.scalar(select(func.count(ElectorateMember.id)).where(
        ElectorateMember.proposal_id == proposal.id))
    texts = [SurveyText(id=secrets.randbits(62), proposal_id=proposal.id, question_id=q.id,
                        body=a[str(q.id)], status="pending", reason="")
             for a in answer_sets for q in qs if q.kind == "text" and a.get(str(q.id))]
    secrets.SystemRandom().shuffle(texts)
    result = SurveyResult(proposal_id=proposal.id,
                          figures=survey_results.compute(qs, answer_sets, electorate))
    db.session.add_all([*texts, result])
    db.session.flush()
    return [result, *texts], sets, removed
