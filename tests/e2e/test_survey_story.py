"""A survey as residents live it on a phone at 360 px: one answers without JavaScript, another
with it; after the deadline the party cell publishes one written suggestion and hides another
with a reason, and a resident reads the results per question with only the published text.
Every page with JavaScript is axe-clean; none scrolls sideways."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.proposals.helpers import World
from tests.proposals.surveys import make_survey
from tests.proposals.web import open_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def survey(live_server):
    with live_server.app.app_context():
        w = World(n_owners=3)
        p = open_now(w, make_survey(w, secret=True), closes_in=timedelta(hours=2))
        ids = {"compound": w.compound.id, "proposal": p.id, "closes": p.voting_closes_at,
               "party": w.party.id, **{f"owner{i}": o.id for i, o in enumerate(w.owners)}}
        db.session.commit()
        return ids


def _answer(story, who, *, js, rating, text):
    ctx, page = story.as_(who, js=js)
    page.goto(f"{story.base}/{story.ids['proposal']}/survey")
    page.get_by_label("方案二").check()
    page.get_by_label("座椅").check()
    page.get_by_label(f"{rating} 分").check()
    page.get_by_label("您的意见").fill(text)
    story.look(page, f"questionnaire-{who}")
    click_and_wait(page, page.get_by_role("button", name="提交问卷"))
    expect(page.get_by_text("问卷已提交，谢谢您的参与。")).to_be_visible()
    story.look(page, f"answered-{who}")
    ctx.close()


def test_residents_answer_and_read_moderated_results(live_server, browser,
                                                     browser_context_args, survey):
    story = BrowserStory(live_server, browser, browser_context_args, survey,
                         section="proposals", shot_prefix="survey")
    _answer(story, "owner0", js=False, rating=5, text="希望增加夜间照明")
    _answer(story, "owner1", js=True, rating=2, text="这是一条要隐藏的留言")

    story.advance_clock_to(survey["closes"])
    ctx, page = story.as_("party")
    page.goto(f"{story.base}/{survey['proposal']}/survey/results")  # first visit closes it
    click_and_wait(page, page.get_by_role("link", name="审核文字意见"))
    story.look(page, "moderation")
    kept = page.locator("li.card", has_text="希望增加夜间照明")
    click_and_wait(page, kept.get_by_role("button", name="提交"))
    hidden = page.locator("li.card", has_text="这是一条要隐藏的留言")
    hidden.get_by_label("隐藏", exact=True).check()
    hidden.get_by_label("隐藏理由（隐藏时必填）").fill("与测评无关")
    click_and_wait(page, hidden.get_by_role("button", name="提交"))
    expect(page.get_by_text("理由：与测评无关")).to_be_visible()
    story.look(page, "moderated")
    ctx.close()

    ctx, page = story.as_("owner2")
    page.goto(f"{story.base}/{survey['proposal']}/survey/results")
    body = page.locator("main").inner_text()
    assert "参与：2 人，共 3 名居民可以参与（参与率 66.7%）" in body
    assert "平均分：3.5" in body and "满意率（4 分及以上）：50.0%" in body
    assert "希望增加夜间照明" in body and "要隐藏" not in body and "与测评无关" not in body
    story.look(page, "results")
    ctx.close()


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        w = World(n_owners=1)
        return {"compound": w.compound.id, "staff": w.staff.id, "party": w.party.id}


def test_staff_start_the_yearly_satisfaction_survey_from_the_template(
        live_server, browser, browser_context_args, people):
    story = BrowserStory(live_server, browser, browser_context_args, people,
                         section="proposals", shot_prefix="survey-template")
    ctx, page = story.as_("staff")
    page.goto(f"{story.base}/")
    click_and_wait(page, page.get_by_role("link", name="发起物业服务满意度测评"))
    story.look(page, "template")
    page.get_by_label("测评年度").fill("1999")
    click_and_wait(page, page.get_by_role("button", name="创建测评草稿"))
    expect(page.get_by_text("请填写 2000 到 2100 之间的年度。")).to_be_visible()
    page.get_by_label("测评年度").fill("2026")
    click_and_wait(page, page.get_by_role("button", name="创建测评草稿"))
    expect(page.get_by_role("heading", name="物业服务满意度测评（2026年度）")).to_be_visible()
    story.look(page, "draft")
    click_and_wait(page, page.get_by_role("link", name="修改问卷题目"))
    expect(page.get_by_text("物业服务合同到期后，您的意见是", exact=True)).to_be_visible()
    page.get_by_role("radio", name="多选题").check()
    page.get_by_label("题目", exact=True).fill("您最希望改进哪些方面")
    page.get_by_label("选项（每行一个，仅单选题和多选题）").fill("停车\n门禁")
    click_and_wait(page, page.get_by_role("button", name="添加", exact=True))
    expect(page.get_by_text("题目已添加。")).to_be_visible()
    story.look(page, "questions")
    ctx.close()
