"""A micro-project round all the way, in a phone-sized Chromium (360 px), CSRF on: a resident
proposes an idea with a photo and neighbours second it; the council rejects another idea with
a reason and passes this one; the party cell reviews it with its opinion and publishes the
candidates; after the publicity period households vote within the cap; the vote is closed and
counted, the council resolves and the result is published on the board; the property manager
posts two milestones; the council accepts it and a resident rates it; its expense is entered
in the community fund's ledger and the spending is published. Every page is axe-clean and
does not scroll sideways."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.funds import services as funds
from app.funds.labels import categories_for
from app.microprojects.models import MicroProject, ProjectRound
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.e2e.test_issue_story import lamp_photo
from tests.microprojects.helpers import World

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(live_server):
    with live_server.app.app_context():
        w = World(households=4)
        r = w.round(cap=10_000_000)
        other = w.idea(r, author=w.owners[3], title="中心花园喷泉", estimate=8_000_000)
        db.session.commit()
        return {"compound": w.compound.id, "round": r.id, "fountain": other.id,
                "fund": w.fund.id, "staff": w.staff.id, "council": w.council.id,
                "party": w.party.id, "property": w.property.id,
                **{f"owner{i}": o.id for i, o in enumerate(w.owners)}}


def _press(page, label):
    click_and_wait(page, page.get_by_role("button", name=label, exact=True))


def test_micro_project_from_idea_to_published_spending(live_server, browser,
                                                       browser_context_args, cast):
    story = BrowserStory(live_server, browser, browser_context_args, cast,
                         section="micro-projects", shot_prefix="micro-project")
    round_url = f"{story.base}/{cast['round']}"

    def step(who, url, name, do=None):
        ctx, page = story.as_(who)
        page.goto(url)
        story.look(page, name)
        if do is not None:
            do(page)
            story.look(page, name + "-done")
        ctx.close()

    # 1. A resident finds micro-projects from the compound's home and proposes an idea.
    def propose(page):
        click_and_wait(page, page.get_by_role("link", name="微项目（提出、投票、实施与资金公示）"))
        click_and_wait(page, page.get_by_role("link", name="2026年微项目"))
        click_and_wait(page, page.get_by_role("link", name="提出微项目"))
        story.look(page, "propose-form")
        page.get_by_label("项目名称").fill("加装楼道扶手")
        page.get_by_label("地点").fill("2栋各单元楼道")
        page.get_by_label("估算金额（元）").fill("60,000")
        page.get_by_label("想做什么，为什么").fill("老人上下楼不方便。")
        page.get_by_label("现场照片（最多 6 张）").set_input_files(
            files=[{"name": "stairs.jpg", "mimeType": "image/jpeg", "buffer": lamp_photo()}])
        _press(page, "提交")
        expect(page.get_by_text("微项目已提交")).to_be_visible()
    step("owner0", f"{live_server.url}/c/{cast['compound']}/", "home", propose)
    with live_server.app.app_context():
        handrail = db.session.scalar(select(MicroProject.id).where(
            MicroProject.title == "加装楼道扶手"))
    project_url = f"{round_url}/p/{handrail}"

    # Neighbours second it, once per household.
    for who in ("owner1", "owner2"):
        step(who, project_url, f"second-{who}", lambda p: _press(p, "附议（每户一次）"))
    # 2. The council reviews: the fountain is rejected with a reason, the handrails pass.
    with live_server.app.app_context():
        collect_until = db.session.get(ProjectRound, cast["round"]).collect_until
    story.advance_clock_to(collect_until)
    step("staff", round_url, "close-collection",
         lambda p: _press(p, "结束征集，进入议事会初审"))

    def reject(page):
        page.get_by_label("不通过的理由（将公开）").fill("喷泉维护费用高，不适合以微项目实施。")
        _press(page, "初审不通过")
    step("council", f"{round_url}/p/{cast['fountain']}", "reject", reject)
    step("council", project_url, "shortlist", lambda p: _press(p, "初审通过"))
    step("council", round_url, "finish-review", lambda p: _press(p, "初审完成，提交党组织审议"))

    # 3. The party cell reviews with its opinion and publishes the candidates.
    def endorse(page):
        page.get_by_label("党组织审议意见").fill("方便老人，支持列为候选项目。")
        _press(page, "党组织审议通过")
    step("party", project_url, "endorse", endorse)
    step("party", round_url, "publish-candidates", lambda p: _press(p, "发布候选公示"))

    # 4. After the publicity, households vote within the cap.
    with live_server.app.app_context():
        until = db.session.get(ProjectRound, cast["round"]).candidates_until
    story.advance_clock_to(until)
    step("staff", round_url, "open-voting", lambda p: _press(p, "开启居民投票"))

    def vote(page):
        page.get_by_label("加装楼道扶手 · ¥60,000.00").check()
        _press(page, "投票")
        expect(page.get_by_text("投票成功")).to_be_visible()
    for who in ("owner1", "owner2", "owner3"):
        step(who, f"{round_url}#vote", f"vote-{who}", vote)

    # 5. Closed, counted, resolved by the council, the result published on the board.
    with live_server.app.app_context():
        closes = db.session.get(ProjectRound, cast["round"]).voting_closes_at
    story.advance_clock_to(closes)
    step("staff", round_url, "close-voting", lambda p: _press(p, "结束投票并计票"))

    def decide(page):
        page.get_by_label("议事会决议内容").fill("采纳居民意见征集结果，实施加装楼道扶手。")
        _press(page, "议事会决议")
    step("council", round_url, "decide", decide)
    step("staff", round_url, "publish-result", lambda p: _press(p, "公示结果"))
    step("owner0", f"{round_url}/result", "result")

    # 6. Two milestones, acceptance and a rating.
    def milestone(note, percent):
        def do(page):
            page.get_by_label("这一步做了什么").fill(note)
            page.get_by_label("完成进度（%）").fill(str(percent))
            _press(page, "发布进展")
            expect(page.get_by_text("实施进展已发布")).to_be_visible()
        return do
    step("property", project_url, "milestone-40", milestone("材料进场，开始安装。", 40))
    step("property", project_url, "milestone-100", milestone("全部安装完成。", 100))

    def accept(page):
        page.get_by_role("textbox", name="验收意见").fill("扶手牢固，验收合格。")
        _press(page, "验收通过")
    step("council", project_url, "accept", accept)

    def rate(page):
        page.get_by_label("4 星", exact=True).check()
        _press(page, "提交评价")
        expect(page.get_by_text("1 人评价，平均 4.0 星")).to_be_visible()
    step("owner1", f"{project_url}#ratings", "rate", rate)

    # 7. The expense in the fund's ledger, then the spending published.
    with live_server.app.app_context():
        from app.accounts.models import User
        from app.funds.models import Fund

        fund = db.session.get(Fund, cast["fund"])
        funds.post_entry(fund, db.session.get(User, cast["staff"]), kind="expense",
                         amount_fen=5_800_000, entry_date=date.today() - timedelta(days=1),
                         category=next(iter(categories_for(fund.source, "expense"))),
                         counterparty="锦华五金", project_id=handrail)
        db.session.commit()
    step("staff", project_url, "disclose", lambda p: _press(p, "公示资金使用"))

    def spending(page):
        expect(page.get_by_text("¥58,000.00").first).to_be_visible()
        expect(page.get_by_text("¥2,000.00")).to_be_visible()
    step("owner2", f"{project_url}/spending", "spending", spending)
