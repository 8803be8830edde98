"""A survey's figures: counts per option, the 1–5 distribution, turnout. Stored as integers
only; the mean and the 满意率 (share of ratings of 4 or 5) are exact Fractions of them, rounded
only for display (half up, as a person rounds)."""
from fractions import Fraction
from math import floor

from sqlalchemy import select

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.proposals.models import Proposal
from app.proposals.survey_models import SurveyQuestion, SurveyResult, SurveyText

SATISFIED_FROM = 4  # a rating of 4 (满意) or 5 (非常满意)


def compute(qs: list[SurveyQuestion], answer_sets: list[dict], electorate: int) -> dict:
    per_question = []
    for q in qs:
        given = [a[str(q.id)] for a in answer_sets if str(q.id) in a]
        entry = {"id": q.id, "position": q.position, "kind": q.kind, "prompt": q.prompt,
                 "options": list(q.options), "answered": len(given)}
        if q.kind == "single":
            entry["counts"] = [sum(1 for v in given if v == i) for i in range(len(q.options))]
        elif q.kind == "multiple":
            entry["counts"] = [sum(1 for v in given if i in v) for i in range(len(q.options))]
        elif q.kind == "rating":
            entry["distribution"] = [sum(1 for v in given if v == r) for r in range(1, 6)]
            entry["total"] = sum(given)
        per_question.append(entry)
    return {"respondents": len(answer_sets), "electorate": electorate,
            "questions": per_question}


def mean(entry: dict) -> Fraction | None:
    """The exact mean rating of a rating question; None with no answers."""
    if not entry.get("answered"):
        return None
    return Fraction(entry["total"], entry["answered"])


def satisfied_share(entry: dict) -> Fraction | None:
    """满意率: the exact share of ratings ≥ 4 among those who rated."""
    if not entry.get("answered"):
        return None
    return Fraction(sum(entry["distribution"][SATISFIED_FROM - 1:]), entry["answered"])


def turnout(figures: dict) -> Fraction | None:
    if not figures.get("electorate"):
        return None
    return Fraction(figures["respondents"], figures["electorate"])


def _half_up(value: Fraction, places: int) -> str:
    scaled = floor(value * 10 ** places + Fraction(1, 2))
    whole, part = divmod(scaled, 10 ** places)
    return f"{whole}.{part:0{places}d}" if places else str(whole)


def one_decimal(value: Fraction | None) -> str:
    """4.25 → "4.3": exact, half up; "—" for no value."""
    return "—" if value is None else _half_up(value, 1)


def percent(value: Fraction | None) -> str:
    """2/3 → "66.7%": exact, half up, one decimal."""
    return "—" if value is None else _half_up(value * 100, 1) + "%"


def share(count: int, of: int) -> str:
    return percent(Fraction(count, of)) if of else "—"


def result_of(proposal_id: int) -> SurveyResult | None:
    return db.session.scalar(select(SurveyResult).where(SurveyResult.proposal_id == proposal_id))


def published_texts(proposal_id: int) -> dict[int, list[str]]:
    """question id → the free-text answers the party cell or staff published."""
    texts: dict[int, list[str]] = {}
    for question_id, body in db.session.execute(
            select(SurveyText.question_id, SurveyText.body)
            .where(SurveyText.proposal_id == proposal_id, SurveyText.status == "published")
            .order_by(SurveyText.id)):
        texts.setdefault(question_id, []).append(body)
    return texts


def headline(figures: dict) -> dict:
    """What a citing proposal shows: participation, and per rating item its mean and 满意率."""
    items = [{"prompt": q["prompt"], "mean": one_decimal(mean(q)),
              "satisfied": percent(satisfied_share(q)), "answered": q["answered"]}
             for q in figures["questions"] if q["kind"] == "rating"]
    return {"respondents": figures["respondents"], "electorate": figures["electorate"],
            "turnout": percent(turnout(figures)), "items": items}


CITING_MATTER = 4  # 选聘和解聘物业服务企业 (民法典 第二百七十八条 第一款 第四项)


def citable(compound_id: int) -> list[tuple[int, str]]:
    """Closed surveys of the compound with figures: what a matter-4 proposal may cite."""
    return list(db.session.execute(
        select(Proposal.id, Proposal.title)
        .join(SurveyResult, SurveyResult.proposal_id == Proposal.id)
        .where(Proposal.compound_id == compound_id).order_by(Proposal.id.desc())).tuples())


def check_citation(compound_id: int, kind: str, matter, cited_id) -> int | None:
    """The survey a proposal may cite: only an owners' decision on 选聘和解聘物业服务企业 cites
    one, and only a closed survey (with its figures frozen) of the same compound."""
    if not cited_id:
        return None
    if kind != "owners" or matter is None or int(matter) != CITING_MATTER:
        raise ServiceError(_l("只有选聘和解聘物业服务企业的业主共同决定可以引用满意度测评。"),
                           field="cites_survey_id")
    if int(cited_id) not in {sid for sid, _title in citable(compound_id)}:
        raise ServiceError(_l("只能引用本小区已经截止的满意度测评。"), field="cites_survey_id")
    return int(cited_id)
