"""Survey pages with CSRF on, as a browser without JavaScript posts them: the questions of a
draft, the questionnaire, the race of one person's two answers, the results, moderation, the
satisfaction template and a matter-4 proposal citing it."""
import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import UserSession
from app.accounts.session import SESSION_KEY, _hash
from app.audit.verification import verify
from app.core.errors import ServiceError
from app.extensions import db
from app.proposals import services, survey_answers
from app.proposals.survey_models import (
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyText,
)
from tests.factories import pool_for_threads, run_together
from tests.proposals.helpers import World, to_deliberation
from tests.proposals.surveys import make_survey, qids, raw
from tests.proposals.web import open_now, url

CSRF = {"WTF_CSRF_ENABLED": True}


def _token(page) -> str:
    html = page.get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return found.group(1)


def _form(p, answers) -> dict:
    return {f"q{qid}": values for qid, values in answers.items()}


def _close_now(p):
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()


@pytest.mark.parametrize("app_overrides", [CSRF])
def test_questions_added_and_removed_on_the_draft_page(app, client, login_as):
    w = World(n_owners=1)
    p = services.create(w.party, w.compound, title="问卷", body="", kind="consultation")
    db.session.commit()
    login_as(w.party)
    page = client.get(url(p, "survey/questions"))
    assert page.status_code == 200
    token = _token(page)
    assert client.post(url(p, "survey/questions"), data={
        "kind": "single", "prompt": "方案", "options": "甲\n乙"}).status_code == 400  # no CSRF
    refused = client.post(url(p, "survey/questions"), data={
        "csrf_token": token, "kind": "single", "prompt": "方案", "options": "甲"})
    assert refused.status_code == 400 and "2 到 10 个选项" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SurveyQuestion.id))) == 0
    assert client.post(url(p, "survey/questions"), data={
        "csrf_token": token, "kind": "single", "prompt": "方案", "options": "甲\n乙",
        "required": "y"}).status_code == 302
    q = db.session.scalar(select(SurveyQuestion))
    assert q.options == ["甲", "乙"]
    assert client.post(url(p, f"survey/questions/{q.id}/remove"),
                       data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(func.count(SurveyQuestion.id))) == 0
    login_as(w.owners[0])
    assert client.get(url(p, "survey/questions")).status_code == 403


@pytest.mark.parametrize("app_overrides", [CSRF])
@pytest.mark.parametrize("secret", [False, True])
def test_answer_without_javascript_then_results_and_moderation(app, client, login_as, secret):
    w = World(n_owners=3)
    p = open_now(w, make_survey(w, secret=secret))
    login_as(w.owners[0])
    assert client.get(url(p, "vote")).status_code == 302  # the questionnaire, not one choice
    page = client.get(url(p, "survey"))
    assert page.status_code == 200 and "提交问卷" in page.get_data(as_text=True)
    token = _token(page)
    a, b, c, d = qids(p)
    missing = client.post(url(p, "survey"), data={"csrf_token": token,
                                                  **_form(p, {**raw(p), c: []})})
    assert missing.status_code == 400 and "请回答第 3 题" in missing.get_data(as_text=True)
    assert 'value="0" checked' in missing.get_data(as_text=True)  # what was chosen stays
    model = SurveyParticipation if secret else SurveyResponse
    assert db.session.scalar(select(func.count(model.id))) == 0
    done = client.post(url(p, "survey"), data={"csrf_token": token,
                                               **_form(p, raw(p, text="希望多种树"))})
    assert done.status_code == 302
    again = client.post(url(p, "survey"), data={"csrf_token": token, **_form(p, raw(p))})
    assert again.status_code == 409 and "不能重复提交" in again.get_data(as_text=True)
    assert "您已填写" in client.get(url(p, "survey")).get_data(as_text=True)
    assert "截止后" in client.get(url(p, "survey/results")).get_data(as_text=True)
    survey_answers.answer(p.id, w.owners[1], raw(p, text="不要收费"), now=p.voting_opens_at
                          + timedelta(minutes=1))
    db.session.commit()
    _close_now(p)
    results = client.get(url(p, "survey/results")).get_data(as_text=True)
    assert "2 人" in results and "希望多种树" not in results  # text unpublished
    assert client.get(url(p, "survey/moderation")).status_code == 403
    login_as(w.party)
    queue = client.get(url(p, "survey/moderation"))
    token = _token(queue)
    texts = {t.body: t.id for t in db.session.scalars(select(SurveyText))}
    hide_no_reason = client.post(url(p, "survey/moderation"), data={
        "csrf_token": token, "text_id": str(texts["不要收费"]), "decision": "hide"})
    assert hide_no_reason.status_code == 400 and "须写明理由" in hide_no_reason.get_data(
        as_text=True)
    for body, decision, reason in (("希望多种树", "publish", ""),
                                   ("不要收费", "hide", "与本问卷无关")):
        assert client.post(url(p, "survey/moderation"), data={
            "csrf_token": token, "text_id": str(texts[body]), "decision": decision,
            "reason": reason}).status_code == 302
    login_as(w.owners[2])
    results = client.get(url(p, "survey/results")).get_data(as_text=True)
    assert "希望多种树" in results and "不要收费" not in results and "与本问卷无关" not in results
    assert verify().ok


@pytest.mark.parametrize("app_overrides", [CSRF])
def test_satisfaction_template_and_a_matter_4_proposal_citing_it(app, client, login_as):
    w = World(n_owners=3)
    login_as(w.owners[0])
    assert client.get(f"/c/{w.compound.id}/proposals/survey/satisfaction").status_code == 403
    login_as(w.staff)
    page = client.get(f"/c/{w.compound.id}/proposals/survey/satisfaction")
    assert page.status_code == 200
    assert client.post(f"/c/{w.compound.id}/proposals/survey/satisfaction",
                       data={"csrf_token": _token(page), "year": "2026"}).status_code == 302
    survey = db.session.scalar(select(services.Proposal).where(
        services.Proposal.kind == "consultation"))
    assert survey.title == "物业服务满意度测评（2026年度）" and survey.is_secret
    kinds = [q.kind for q in db.session.scalars(select(SurveyQuestion).order_by(
        SurveyQuestion.position))]
    assert kinds == ["rating"] * 6 + ["single", "text"]
    to_deliberation(survey, w.party, w.party_deputy)
    db.session.commit()
    open_now(w, survey)
    ids = qids(survey)
    for owner, (overall, renewal) in zip(w.owners, [("5", "0"), ("4", "0"), ("2", "1")],
                                         strict=True):
        answers = {qid: ["4"] for qid in ids[:6]}
        answers[ids[0]], answers[ids[6]], answers[ids[7]] = [overall], [renewal], []
        survey_answers.answer(survey.id, owner, answers, now=survey.voting_opens_at
                              + timedelta(minutes=1))
    db.session.commit()
    # Not closed yet: nothing to cite.
    with pytest.raises(ServiceError):
        services.create(w.committee, w.compound, title="续聘", body="", kind="owners",
                        matter=4, cites_survey_id=survey.id)
    db.session.rollback()
    _close_now(survey)
    with pytest.raises(ServiceError):  # only matter 4 cites a survey
        services.create(w.committee, w.compound, title="电梯", body="", kind="owners",
                        matter=5, cites_survey_id=survey.id)
    db.session.rollback()
    login_as(w.committee)
    page = client.get(f"/c/{w.compound.id}/proposals/new")
    assert survey.title in page.get_data(as_text=True)
    assert client.post(f"/c/{w.compound.id}/proposals/new", data={
        "csrf_token": _token(page), "title": "续聘物业", "kind": "owners", "matter": "4",
        "ballot_type": "simple", "cites_survey_id": str(survey.id),
        "council_body": "council"}).status_code == 302
    citing = db.session.scalar(select(services.Proposal).where(
        services.Proposal.cites_survey_id == survey.id))
    shown = client.get(url(citing)).get_data(as_text=True)
    assert "引用的满意度测评" in shown and survey.title in shown
    # Overall: 5, 4, 2 → mean 11/3 = 3.7, 满意率 2/3 = 66.7%; participation 3/3.
    assert "平均 3.7 分，满意率 66.7%" in shown and "3 / 3 人（100.0%）" in shown
    assert f"/proposals/{survey.id}/survey/results" in shown
    assert verify().ok


def _session_token(user) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    db.session.commit()
    return token


@pytest.mark.both_databases
@pytest.mark.parametrize("app_overrides", [pool_for_threads(20)])
@pytest.mark.parametrize("secret", [False, True])
def test_two_concurrent_answers_by_one_person_store_one(app, secret):
    w = World(n_owners=2)
    p = open_now(w, make_survey(w, secret=secret))
    owner = w.owners[0]
    token, owner_id, target = _session_token(owner), owner.id, url(p, "survey")
    form = _form(p, raw(p))
    clients = []
    for _ in range(8):
        c = app.test_client()
        with c.session_transaction() as sess:
            sess[SESSION_KEY], sess["_user_id"] = token, str(owner_id)
        clients.append(c)
    statuses = run_together([lambda c=c: c.post(target, data=form).status_code
                             for c in clients])
    assert sorted(statuses) == [302] + [409] * 7, statuses
    model = SurveyParticipation if secret else SurveyResponse
    db.session.expire_all()
    assert db.session.scalar(select(func.count(model.id))) == 1
    if secret:
        from app.proposals.survey_models import SealedSurveyAnswer
        assert db.session.scalar(select(func.count(SealedSurveyAnswer.id))) == 1
    assert verify().ok


def test_the_proposal_page_shows_the_survey_running_count_not_a_ballot_turnout(
        app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, make_survey(w))
    survey_answers.answer(p.id, w.owners[0], raw(p), now=p.voting_opens_at
                          + timedelta(minutes=1))
    db.session.commit()
    login_as(w.owners[0])
    shown = client.get(url(p)).get_data(as_text=True)
    assert "已有 1 人填写" in shown and "您已填写" in shown and 'id="turnout"' not in shown
    login_as(w.owners[1])
    shown = client.get(url(p)).get_data(as_text=True)
    assert "已有 1 人填写" in shown and "您已填写" not in shown


def test_named_answers_are_read_by_name_by_staff_only(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, make_survey(w))
    survey_answers.answer(p.id, w.owners[0], raw(p, text="多放长椅"),
                          now=p.voting_opens_at + timedelta(minutes=1))
    db.session.commit()
    login_as(w.staff)
    page = client.get(url(p, "survey/responses")).get_data(as_text=True)
    assert w.owners[0].display_name in page and "多放长椅" in page
    for who in (w.owners[1], w.party):
        login_as(who)
        assert client.get(url(p, "survey/responses")).status_code == 403
    anonymous = open_now(w, make_survey(w, secret=True, title="匿名问卷"))
    survey_answers.answer(anonymous.id, w.owners[0], raw(anonymous),
                          now=anonymous.voting_opens_at + timedelta(minutes=1))
    db.session.commit()
    login_as(w.staff)
    page = client.get(url(anonymous, "survey/responses")).get_data(as_text=True)
    assert w.owners[0].display_name not in page and "无法按姓名查看" in page


def test_a_resident_who_answered_stands_as_having_taken_part(app):
    from app.proposals import standing

    w = World(n_owners=2)
    p = open_now(w, make_survey(w, secret=True))
    assert standing.standing(p, w.owners[0]).kind == "to_vote"
    at = p.voting_opens_at + timedelta(minutes=1)
    survey_answers.answer(p.id, w.owners[0], raw(p), now=at)
    db.session.commit()
    mine = standing.standing(p, w.owners[0])
    assert mine.kind == "voted" and mine.voted_at == at
    assert standing.standing(p, w.owners[1]).kind == "to_vote"
