"""Builders for survey tests: a consultation carrying a questionnaire, walked to voting."""
from app.extensions import db
from app.proposals import services, survey_questions
from app.proposals.survey_models import SurveyQuestion
from tests.proposals.helpers import to_deliberation

QUESTIONS = [
    {"kind": "single", "prompt": "您更喜欢哪个方案", "options": ["方案一", "方案二"]},
    {"kind": "multiple", "prompt": "您常用哪些设施", "options": ["步道", "座椅", "游乐区"]},
    {"kind": "rating", "prompt": "保洁服务满意度"},
    {"kind": "text", "prompt": "您的建议", "required": False},
]


def make_survey(w, *, secret=False, questions=QUESTIONS, title="花园改造问卷"):
    """A consultation with `questions`, past deliberation (ready for its notice)."""
    p = services.create(w.party, w.compound, title=title, body="", kind="consultation",
                        is_secret=secret)
    for q in questions:
        survey_questions.add_question(w.party, p, kind=q["kind"], prompt=q["prompt"],
                                      options=q.get("options"),
                                      required=q.get("required", True))
    to_deliberation(p, w.party, w.party_deputy)
    db.session.commit()
    return p


def qids(p) -> list[int]:
    return [q.id for q in survey_questions.questions(p.id)]


def raw(p, single="0", multiple=("0", "2"), rating="4", text="多放几张长椅"):
    """The form's answers ({question id: [strings]}) to the QUESTIONS survey."""
    a, b, c, d = qids(p)
    return {a: [single], b: list(multiple), c: [rating], d: [text] if text else []}


__all__ = ["QUESTIONS", "SurveyQuestion", "make_survey", "qids", "raw"]
