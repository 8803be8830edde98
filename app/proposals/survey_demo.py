"""The demo's yearly 物业服务满意度测评: closed, answered anonymously by the demo residents,
its free-text suggestions moderated (most published, one hidden with its reason). The demo's
matter-4 proposal (续聘物业) cites it. Through the services, as real use makes it."""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.compounds.models import Compound
from app.extensions import db
from app.proposals import services, survey_answers, survey_questions, survey_template, survey_texts
from app.proposals.models import ElectorateMember, Proposal
from app.proposals.survey_models import SurveyText

HIDDEN = "物业经理电话总是打不通，太差劲了，某某就是个骗子！"
SUGGESTIONS = ["希望夜间巡逻再多一些，北门晚上灯光太暗。", HIDDEN,
               "垃圾分类点周末清运不及时，夏天有异味。",
               "绿化修剪很及时，点个赞。",
               "报修后希望能短信告知上门时间。"]
HIDE_REASON = "含有针对个人的不实言论"


def seed_satisfaction(compound: Compound, people: dict, noticed: datetime,
                      rng: random.Random, walk_to_notice) -> Proposal:
    """Created, walked through the procedure, answered, closed, published and moderated; the
    caller's walk_to_notice(proposal, people, noticed, days) opens its voting."""
    survey = survey_template.create_satisfaction(people["committee"], compound, noticed.year)
    opens = walk_to_notice(survey, people, noticed, 10)
    questions = survey_questions.questions(survey.id)
    members = db.session.execute(
        select(ElectorateMember.id, User).join(User, User.id == ElectorateMember.user_id)
        .where(ElectorateMember.proposal_id == survey.id).order_by(ElectorateMember.id)).all()
    suggestions = list(SUGGESTIONS)
    for n, (_member_id, user) in enumerate(members):
        if n % 5 == 4:
            continue  # not everyone answers
        answers = {}
        for q in questions:
            if q.kind == "rating":
                answers[q.id] = [str(rng.choice([2, 3, 4, 4, 4, 5, 5]))]
            elif q.kind == "single":
                answers[q.id] = [str(rng.choice([0, 0, 0, 1, 2]))]
            else:
                answers[q.id] = [suggestions.pop(0)] if suggestions else []
        survey_answers.answer(survey.id, user, answers,
                              now=opens + timedelta(hours=2, minutes=7 * n))
    services.close_voting(survey, now=survey.voting_closes_at)
    services.publish_result(people["staff"], survey,
                            now=survey.objection_ends_at + timedelta(hours=2))
    moderated = survey.result_published_at + timedelta(hours=1)
    for text in db.session.scalars(select(SurveyText).where(
            SurveyText.proposal_id == survey.id).order_by(SurveyText.id)).all():
        hidden = text.body == HIDDEN
        survey_texts.moderate(people["party_cell"], survey, text.id,
                              "hide" if hidden else "publish", HIDE_REASON if hidden else "",
                              now=moderated)
    return survey
