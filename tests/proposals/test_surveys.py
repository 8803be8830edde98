"""Survey services: questions frozen after the draft, one answer set per person, refused input
changing nothing, anonymous answers sealed and opened at close with nothing tying them to a
person or a time, and the exact figures."""
from datetime import timedelta
from fractions import Fraction

import pytest
from sqlalchemy import func, inspect, select

from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from app.proposals import services, survey_answers, survey_questions, survey_results
from app.proposals.models import ElectorateMember
from app.proposals.survey_models import (
    SealedSurveyAnswer,
    SurveyAnswerSet,
    SurveyParticipation,
    SurveyResponse,
    SurveyResult,
    SurveyText,
)
from tests.proposals.helpers import World
from tests.proposals.surveys import make_survey, qids, raw


def _count(model, p) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(
        model.proposal_id == p.id))


def _close(p):
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()


def test_questions_are_edited_in_the_draft_and_frozen_after(app):
    w = World(n_owners=2)
    p = services.create(w.party, w.compound, title="问卷", body="", kind="consultation")
    q = survey_questions.add_question(w.party, p, kind="rating", prompt="满意度")
    with pytest.raises(ServiceError):
        survey_questions.add_question(w.party, p, kind="single", prompt="只有一个选项",
                                      options=["甲"])
    with pytest.raises(PermissionDenied):
        survey_questions.add_question(w.owners[0], p, kind="text", prompt="建议")
    survey_questions.add_question(w.party, p, kind="text", prompt="建议")
    survey_questions.remove_question(w.party, p, q.id)
    db.session.commit()
    assert [x.kind for x in survey_questions.questions(p.id)] == ["text"]
    services.transition(w.party, p, "open_consultation")
    with pytest.raises(ServiceError) as refused:
        survey_questions.add_question(w.party, p, kind="rating", prompt="晚了")
    assert refused.value.status == 409
    owners = services.create(w.party, w.compound, title="业主", body="", kind="owners",
                             matter=5)
    with pytest.raises(ServiceError):
        survey_questions.add_question(w.party, owners, kind="rating", prompt="不行")
    db.session.rollback()
    assert verify().ok


@pytest.mark.both_databases
@pytest.mark.parametrize("secret", [False, True])
def test_one_answer_per_person_and_bad_input_changes_nothing(app, secret):
    w = World(n_owners=3)
    p = make_survey(w, secret=secret)
    moment = w.to_voting(p)
    owner = w.owners[0]
    a, b, c, d = qids(p)
    bad = [raw(p, single="7"), raw(p, rating="6"), raw(p, multiple=("1", "x")),
           {**raw(p), a: []}, raw(p, text="字" * 501), {**raw(p), c: ["3", "4"]}]
    for answers in bad:
        with pytest.raises(ServiceError) as refused:
            survey_answers.answer(p.id, owner, answers, now=moment)
        assert refused.value.field.startswith("q")
        db.session.rollback()
    model = SurveyParticipation if secret else SurveyResponse
    assert _count(model, p) == 0 and _count(SealedSurveyAnswer, p) == 0
    survey_answers.answer(p.id, owner, raw(p), now=moment)
    db.session.commit()
    with pytest.raises(Conflict):
        survey_answers.answer(p.id, owner, raw(p, single="1"), now=moment)
    db.session.rollback()
    assert _count(model, p) == 1
    assert _count(SealedSurveyAnswer, p) == (1 if secret else 0)
    outsider = World(n_owners=1).owners[0]
    with pytest.raises(PermissionDenied):
        survey_answers.answer(p.id, outsider, raw(p), now=moment)
    db.session.rollback()
    with pytest.raises(ServiceError):  # after the deadline
        survey_answers.answer(p.id, w.owners[1], raw(p), now=p.voting_closes_at)
    db.session.rollback()
    assert verify().ok


def test_a_survey_is_answered_with_its_questionnaire_not_one_choice(app):
    from app.proposals import ballots

    w = World(n_owners=1)
    p = make_survey(w)
    moment = w.to_voting(p)
    member = ballots.members_for_voter(p, w.owners[0])[0]
    with pytest.raises(ServiceError) as refused:
        ballots.cast_in_person(p.id, member.id, w.owners[0], "yes", now=moment)
    assert refused.value.status == 409


@pytest.mark.both_databases
def test_anonymous_answers_are_sealed_then_opened_shuffled_with_nothing_tying_them(app):
    w = World(n_owners=4)
    p = make_survey(w, secret=True)
    moment = w.to_voting(p)
    for i, owner in enumerate(w.owners[:3]):
        survey_answers.answer(p.id, owner, raw(p, rating=str(3 + i), text=f"意见{i}"),
                              now=moment + timedelta(minutes=i))
    db.session.commit()
    sealed = db.session.scalars(select(SealedSurveyAnswer.sealed)).all()
    assert len({len(blob) for blob in sealed}) == 1  # padded to one length
    assert all("意见".encode() not in blob for blob in sealed)
    _close(p)
    assert _count(SealedSurveyAnswer, p) == 0 and _count(SurveyAnswerSet, p) == 3
    # No column of the opened answers or of the texts names a person, a member or a time.
    for model in (SurveyAnswerSet, SurveyText):
        columns = {col.name for col in inspect(model).columns}
        assert not columns & {"member_id", "user_id", "answered_at", "created_at",
                              "response_id", "participation_id"}, columns
    ids = db.session.scalars(select(SurveyAnswerSet.id)).all()
    assert max(ids) > 2**40  # random ids, not a sequence that follows the participations
    figures = survey_results.result_of(p.id).figures
    assert figures["respondents"] == 3 and figures["electorate"] == 4
    assert sorted(db.session.scalars(select(SurveyText.body))) == ["意见0", "意见1", "意见2"]
    assert verify().ok


@pytest.mark.both_databases
def test_close_refuses_when_sealed_answers_do_not_match_participations(app):
    w = World(n_owners=2)
    p = make_survey(w, secret=True)
    moment = w.to_voting(p)
    survey_answers.answer(p.id, w.owners[0], raw(p), now=moment)
    db.session.commit()
    db.session.execute(SealedSurveyAnswer.__table__.delete())
    db.session.commit()
    with pytest.raises(ServiceError):
        services.close_voting(p, now=p.voting_closes_at)
    db.session.rollback()
    assert p.state == "voting" and _count(SurveyResult, p) == 0


@pytest.mark.both_databases
def test_results_maths_is_exact(app):
    w = World(n_owners=7)
    p = make_survey(w)
    moment = w.to_voting(p)
    ratings = ["5", "4", "4", "3", "1", "5"]  # six answer; one does not
    for owner, rating in zip(w.owners, ratings, strict=False):
        survey_answers.answer(p.id, owner, raw(p, rating=rating, multiple=("1",),
                                                 single="1" if rating == "5" else "0"),
                              now=moment)
    db.session.commit()
    _close(p)
    figures = survey_results.result_of(p.id).figures
    single, multiple, rating, text = figures["questions"]
    assert single["counts"] == [4, 2] and multiple["counts"] == [0, 6, 0]
    assert rating["distribution"] == [1, 0, 1, 2, 2]
    assert survey_results.mean(rating) == Fraction(22, 6)
    assert survey_results.one_decimal(survey_results.mean(rating)) == "3.7"
    assert survey_results.satisfied_share(rating) == Fraction(4, 6)
    assert survey_results.percent(survey_results.satisfied_share(rating)) == "66.7%"
    assert survey_results.percent(survey_results.turnout(figures)) == "85.7%"
    assert text["answered"] == 6
    # Half up, exactly: 4.25 is 4.3, 0.125% is 0.1%, 1/8 is 12.5%.
    assert survey_results.one_decimal(Fraction(17, 4)) == "4.3"
    assert survey_results.percent(Fraction(1, 8)) == "12.5%"
    assert survey_results.percent(Fraction(1, 800)) == "0.1%"
    assert survey_results.one_decimal(None) == "—"


def test_named_answers_are_one_row_per_member(app):
    w = World(n_owners=2)
    p = make_survey(w)
    moment = w.to_voting(p)
    survey_answers.answer(p.id, w.owners[0], raw(p), now=moment)
    db.session.commit()
    row = db.session.scalar(select(SurveyResponse))
    member = db.session.get(ElectorateMember, row.member_id)
    assert member.user_id == w.owners[0].id
    a, b, c, d = qids(p)
    assert row.answers == {str(a): 0, str(b): [0, 2], str(c): 4, str(d): "多放几张长椅"}


def test_questions_left_on_a_draft_that_became_an_owners_decision_are_ignored(app):
    from app.proposals import ballots
    from tests.proposals.helpers import to_deliberation

    w = World(n_owners=2)
    p = services.create(w.party, w.compound, title="问卷", body="", kind="consultation")
    survey_questions.add_question(w.party, p, kind="rating", prompt="满意度")
    services.update_draft(w.party, p, title="改为业主表决", body="", kind="owners", matter=5,
                          council_body=None, is_secret=False, allows_changes=False,
                          shows_split_while_open=False, ballot_text="", voting_method="")
    to_deliberation(p, w.party, w.party_deputy)
    db.session.commit()
    moment = w.to_voting(p)
    member = ballots.members_for_voter(p, w.owners[0])[0]
    assert ballots.cast_in_person(p.id, member.id, w.owners[0], "yes", now=moment)
    db.session.commit()
    _close(p)
    assert survey_results.result_of(p.id) is None and p.state == "objection"
