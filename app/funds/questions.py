"""Questions about a fund or one of its lines: asked by an owner (a compound's fund) or a
resident of the community (a community's fund), answered once and publicly by the fund's
keeper. A question unanswered after ANSWER_DAYS shows on the keeper's to-do list, the
compound's home and the community's desk."""
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.compounds.access import primary_role
from app.compounds.models import Compound
from app.core.errors import Conflict, NotFound, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.extensions import db
from app.funds.access import keeper_role, require_asker, require_keeper
from app.funds.models import Fund, FundQuestion, LedgerEntry
from app.funds.services import audit_compound

ANSWER_DAYS = 7
BODY_MAX = 1000


def _body(text, field: str, empty, too_long) -> str:
    body = clean_text(text or "")
    if not body:
        raise ServiceError(empty, field=field)
    if len(body) > BODY_MAX:
        raise ServiceError(too_long, field=field)
    return body


def ask(fund: Fund, actor, body: str, entry: LedgerEntry | None = None,
        now=None) -> FundQuestion:
    """Ask about the fund, or one of its lines (`entry`)."""
    require_asker(actor, fund)
    if entry is not None and entry.fund_id != fund.id:
        raise NotFound(_l("找不到这条账目。"))
    body = _body(body, "body", _l("请写下你的问题。"), _l("问题请不超过 1000 字。"))
    question = FundQuestion(fund_id=fund.id, entry_id=entry.id if entry else None,
                            asker_id=actor.id, body=body, asked_at=now or utcnow())
    db.session.add(question)
    role = primary_role(actor, fund.compound_id) if fund.compound_id else "resident"
    record(actor, audit_compound(fund), "fund.ask", question,
           {"fund_id": fund.id, "entry_seq": entry.seq if entry else None}, actor_role=role)
    return question


def answer(question: FundQuestion, actor, text: str, now=None) -> FundQuestion:
    """The keeper's public answer; once (a conditional UPDATE: two answers at once, one
    stands)."""
    fund = db.session.get(Fund, question.fund_id)
    require_keeper(actor, fund)
    text = _body(text, "answer", _l("请写下答复。"), _l("答复请不超过 1000 字。"))
    now = now or utcnow()
    done = db.session.execute(
        update(FundQuestion).where(FundQuestion.id == question.id,
                                   FundQuestion.answered_at.is_(None))
        .values(answer=text, answered_by_id=actor.id, answered_at=now)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(_l("这个问题已经答复过了。"), field="answer")
    db.session.refresh(question)
    record(actor, audit_compound(fund), "fund.answer", question,
           {"fund_id": fund.id, "question_id": question.id}, actor_role=keeper_role(fund))
    return question


def get_question(fund: Fund, question_id: int) -> FundQuestion:
    question = db.session.get(FundQuestion, question_id)
    if question is None or question.fund_id != fund.id:
        raise NotFound(_l("找不到这个问题。"))
    return question


def questions_of(fund: Fund, entry: LedgerEntry | None = None) -> list[FundQuestion]:
    query = select(FundQuestion).where(FundQuestion.fund_id == fund.id)
    if entry is not None:
        query = query.where(FundQuestion.entry_id == entry.id)
    return list(db.session.scalars(query.options(
        joinedload(FundQuestion.asker), joinedload(FundQuestion.answered_by))
        .order_by(FundQuestion.asked_at.desc(), FundQuestion.id.desc())))


def stale_before(now) -> object:
    return now - timedelta(days=ANSWER_DAYS)


def stale_questions_of_community(community_id: int, now, limit: int = 20) -> list:
    """Unanswered questions older than ANSWER_DAYS about the community's funds and its
    compounds' funds: (question, fund), oldest first."""
    compounds = select(Compound.id).where(Compound.community_id == community_id)
    rows = db.session.execute(
        select(FundQuestion, Fund).join(Fund, Fund.id == FundQuestion.fund_id)
        .where(FundQuestion.answered_at.is_(None), FundQuestion.asked_at < stale_before(now),
               (Fund.community_id == community_id) | Fund.compound_id.in_(compounds))
        .order_by(FundQuestion.asked_at, FundQuestion.id).limit(limit)).all()
    return [(q, f) for q, f in rows]
