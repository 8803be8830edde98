"""The owners elect their committee on their phones (360 px, CSRF on): two owners nominate
themselves, the party cell reviews each with an opinion, the committee publishes the notice
with the candidate list, two owners tick candidates on the web and staff enter a third owner's
paper ballot, an owner objects in the objection window and staff answer, and the final result
shows each candidate against the threshold, who is elected and the vacant seat. Every page is
axe-clean."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.time import utcnow
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal
from app.proposals.periods import CST, earliest_voting_start
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.proposals.helpers import World, to_deliberation

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def election(live_server):
    with live_server.app.app_context():
        w = World(n_owners=4)
        p = services.create(w.party, w.compound, title="选举第二届业主委员会委员", body="",
                            kind="owners", matter=3, seats=3, is_secret=True,
                            ballot_text="选举第二届业主委员会委员（应选3名）")
        to_deliberation(p, w.party, w.party_deputy)
        w.council_decides(p, at=utcnow())
        db.session.commit()
        return {"compound": w.compound.id, "proposal": p.id, "unit2": w.units[2].number,
                "party": w.party_deputy.id, "committee": w.committee.id, "staff": w.staff.id,
                **{f"owner{i}": o.id for i, o in enumerate(w.owners)},
                **{f"name{i}": o.display_name for i, o in enumerate(w.owners)}}


def test_owners_elect_their_committee_with_a_vacant_seat(
        live_server, browser, browser_context_args, election, tmp_path):
    story = BrowserStory(live_server, browser, browser_context_args, election,
                         section="proposals", shot_prefix="election")
    url = f"{story.base}/{election['proposal']}"

    for who, text in (("owner0", "退休会计，愿意把账管清楚。"), ("owner1", "愿意跟进电梯维修。")):
        ctx, page = story.as_(who)
        page.goto(url)
        click_and_wait(page, page.get_by_role("link", name="候选人名单与推荐"))
        page.get_by_label("自我介绍和履职承诺（推荐自己时填写）").fill(text)
        story.look(page, f"nominate-{who}")
        click_and_wait(page, page.get_by_role("button", name="提交推荐"))
        expect(page.get_by_text("推荐已提交")).to_be_visible()
        ctx.close()

    ctx, page = story.as_("party")
    page.goto(url + "/candidates")
    for name in (election["name0"], election["name1"]):
        card = page.locator("article", has_text=name)
        card.locator("summary", has_text="审议这位候选人").click()
        card.get_by_label("同意作为候选人").check()
        card.get_by_label("审议意见（必填，公开）").fill("遵守管理规约，热心公益，符合条件。")
        story.look(page, "review")
        click_and_wait(page, card.get_by_role("button", name="记录审议意见"))
        expect(page.get_by_text("审议意见已记录")).to_be_visible()
    ctx.close()

    ctx, page = story.as_("committee")
    page.goto(url)
    page.get_by_label("议事会商议意见（必填）").fill("经议事会会议商议，同意提请业主大会选举。")
    opens = earliest_voting_start(story.app_now(), 15)
    closes = opens + timedelta(days=7)
    page.get_by_label("投票开始时间（北京时间）").fill(opens.astimezone(CST).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("投票截止时间（北京时间）").fill(closes.astimezone(CST).strftime("%Y-%m-%dT%H:%M"))
    click_and_wait(page, page.get_by_role("button", name="发布表决公告").last)
    click_and_wait(page, page.get_by_role("link", name="候选人名单"))
    expect(page.get_by_text("候选人名单已随表决公告")).to_be_visible()
    expect(page.get_by_role("heading", name=f"1号 {election['name0']}")).to_be_visible()
    story.look(page, "list-published")
    ctx.close()

    story.advance_clock_to(opens)
    for who, ticks in (("owner0", ("1号", "2号")), ("owner1", ("1号",))):
        ctx, page = story.as_(who)
        page.goto(url + "/vote")
        submit = page.get_by_role("button", name="提交选票")
        click_and_wait(page, submit)  # nothing ticked: refused, nothing cast
        expect(page.get_by_text("一个也不选的")).to_be_visible()
        for tick in ticks:
            page.get_by_label(tick).check()
        story.look(page, f"ballot-{who}")
        click_and_wait(page, page.get_by_role("button", name="提交选票"))
        assert "/receipt" in page.url
        ctx.close()

    ctx, page = story.as_("staff")
    page.goto(url + "/paper")
    page.get_by_label("房号（楼栋-单元-房号，如 3-2-1201）或手机号").fill(election["unit2"])
    page.get_by_label("纸质票编号").fill("XJ-0001")
    page.get_by_label("1号").check()
    page.get_by_label("2号").check()
    scan = tmp_path / "paper.pdf"
    scan.write_bytes(PDF)
    page.locator("input[type=file]").set_input_files(str(scan))
    story.look(page, "paper")
    click_and_wait(page, page.get_by_role("button", name="录入这张纸质票"))
    expect(page.get_by_text("纸质票 XJ-0001 已录入")).to_be_visible()
    ctx.close()

    story.advance_clock_to(closes)
    ctx, page = story.as_("owner3")
    page.goto(url + "/result")
    expect(page.get_by_text("初步结果")).to_be_visible()
    page.get_by_label("异议内容").fill("我没有收到纸质选票。")
    click_and_wait(page, page.get_by_role("button", name="提交异议"))
    story.look(page, "objection")
    ctx.close()

    ctx, page = story.as_("staff")
    page.goto(url + "/result")
    page.get_by_label("答复").fill("纸质选票已于公告当日送达各户信箱，并可在社区领取。")
    click_and_wait(page, page.get_by_role("button", name="发布答复"))
    with live_server.app.app_context():
        ends = db.session.get(Proposal, election["proposal"]).objection_ends_at
    story.advance_clock_to(ends)
    page.goto(url + "/result")
    click_and_wait(page, page.get_by_role("button", name="公布最终结果"))
    text = page.locator("main").inner_text()
    assert f"当选：{election['name0']}、{election['name1']}" in text
    assert "空缺 1 名" in text and "未过半数" not in text
    story.look(page, "result")
    ctx.close()
