"""An owners' decision walked through the whole 四议两公开 procedure in a phone-sized Chromium,
each step by the role DESIGN §1 gives it, with CSRF on: a resident raises an issue, neighbours
second it onto the agenda, the party cell turns it into a proposal; three owners give their
opinions during the consultation (one without JavaScript, one anonymously); an early move to
review is refused with the day it may go; the secretary summarises the opinions and another
party-cell member reviews with a written opinion; the party cell convenes a council meeting,
which is held, takes attendance and decides to put the proposal to a vote; the owners'
committee publishes the notice, owners vote, an owner objects and staff answer, staff publish
the result, the committee implements. The app's clock is moved forward (TESTING only) past the
consultation, the meeting's notice, the 15-day notice, the voting window and the objection
period. Every page is axe-clean."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.proposals.models import Proposal, ProposalEvent
from app.proposals.periods import CST, earliest_voting_start
from app.proposals.stages import consultation_ends_at
from tests.e2e.harness import (
    BrowserStory,
    click_and_wait,
)
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast_of(live_server):
    with live_server.app.app_context():
        compound = make_compound("锦华苑")
        compound.second_threshold = 2  # the author and two neighbours: reached by the seconds
        people = {"party": make_user(name="周书记"), "committee": make_user(name="张主任"),
                  "deputy": make_user(name="党支部委员李明")}
        grant(people["party"], compound, "party_cell")
        grant(people["deputy"], compound, "party_cell")  # reviews what the secretary proposes
        grant(people["committee"], compound, "committee")
        grant(people["party"], compound, "council")  # the council that deliberates
        for key, name in (("council1", "王建国"), ("council2", "刘桂兰")):
            people[key] = make_user(name=name)
            grant(people[key], compound, "council")
        people["staff"] = make_staff(compound, make_user(name="社区王芳"))
        for i, area in enumerate(["100.50", "99.25", "90.00"]):
            owner = make_user(name=f"业主{i}")
            unit = make_unit(compound, building="3", entrance="2", room=f"{1201 + i}",
                             area=area, owners=[(owner.display_name, owner.mobile)])
            make_resident(owner, unit, "owner")
            people[f"owner{i}"] = owner
        db.session.commit()
        return {"compound": compound.id, **{k: u.id for k, u in people.items()}}


def _act(page, label, reason=None):
    form = page.locator("form.action-form", has=page.get_by_role("button", name=label))
    if reason:
        form.locator("textarea").fill(reason)
    click_and_wait(page, form.get_by_role("button", name=label))


def test_owners_decision_from_issue_to_implementation(live_server, browser,
                                                      browser_context_args, cast_of):
    walk = BrowserStory(live_server, browser, browser_context_args, cast_of, section="proposals",
                        shot_prefix="walk")
    issues = f"{live_server.url}/c/{cast_of['compound']}/issues"
    ctx, page = walk.as_("owner0")
    page.goto(issues + "/new")
    page.get_by_label("标题").fill("3栋电梯经常困人")
    page.get_by_label("详细情况").fill("3栋电梯已运行18年，本月困人两次，建议更换。")
    page.get_by_label("分类").select_option("公共设施")
    walk.look(page, "issue-new")
    click_and_wait(page, page.get_by_role("button", name="发布"))
    issue_url = page.url
    walk.look(page, "issue")
    ctx.close()
    for neighbour in ("owner1", "owner2"):
        ctx, page = walk.as_(neighbour)
        page.goto(issue_url)
        page.get_by_role("button", name="附议（每户一次）").click()  # htmx: updates in place
        expect(page.get_by_text("您家已附议。")).to_be_visible()
        ctx.close()

    ctx, page = walk.as_("party")
    page.goto(issue_url)
    walk.look(page, "issue-on-agenda")
    click_and_wait(page, page.get_by_role("link", name="转为议案"))
    assert page.get_by_label("议案标题").input_value() == "3栋电梯经常困人"
    page.get_by_label("议案标题").fill("更换3栋电梯")
    page.get_by_label("业主共同决定", exact=True).check()
    page.get_by_label("业主共同决定的事项（《民法典》第二百七十八条）").select_option("5")
    page.get_by_label("选票上的表决事项").fill("是否同意使用维修资金更换3栋电梯")
    walk.look(page, "new")
    click_and_wait(page, page.get_by_role("button", name="保存草稿"))
    walk.look(page, "draft")
    _act(page, "开始征求意见")
    with live_server.app.app_context():
        proposal_id = db.session.scalar(select(Proposal.id))
        ends = consultation_ends_at(db.session.get(Proposal, proposal_id))
    url = f"{walk.base}/{proposal_id}"
    # The compound's minimum consultation (7 days) runs before the review.
    _act(page, "提交党组织审议")
    assert "方可提交党组织审议" in page.content()
    ctx.close()

    # Three owners give their opinions: one without JavaScript, one anonymously.
    ctx, page = walk.as_("owner0", js=False)
    page.goto(url)
    page.get_by_label("支持", exact=True).check()
    page.get_by_label("评论").fill("支持更换，电梯太旧了。")
    click_and_wait(page, page.get_by_role("button", name="发表评论"))
    expect(page.get_by_text("支持更换，电梯太旧了。")).to_be_visible()
    walk.look(page, "consultation-opinion-nojs")
    ctx.close()
    ctx, page = walk.as_("owner1")
    page.goto(url)
    page.get_by_label("建议", exact=True).check()
    page.get_by_label("评论").fill("建议施工期间保留一部电梯运行。")
    page.get_by_label("匿名发表（显示为“某业主 (楼栋)”或“某居民”）").check()
    click_and_wait(page, page.get_by_role("button", name="发表评论"))
    ctx.close()
    ctx, page = walk.as_("owner2")
    page.goto(url)
    page.get_by_label("反对", exact=True).check()
    page.get_by_label("评论").fill("费用太高，希望先维修。")
    click_and_wait(page, page.get_by_role("button", name="发表评论"))
    content = page.content()
    assert "某业主 (3栋)" in content and "业主1" not in content  # the anonymous one stays so
    walk.look(page, "consultation-opinions")
    ctx.close()

    walk.advance_clock_to(ends)  # the consultation has run
    ctx, page = walk.as_("party")
    page.goto(url)
    click_and_wait(page, page.get_by_role("link", name="填写征求意见情况"))
    for counted in ("支持：1", "反对：1", "建议：1"):
        expect(page.get_by_text(counted)).to_be_visible()
    page.get_by_label("征求意见情况归纳").fill("居民支持更换，无反对意见。")
    walk.look(page, "summary-form")
    click_and_wait(page, page.get_by_role("button", name="保存征求意见情况"))
    _act(page, "提交党组织审议")
    # The secretary proposed it: another member of the party cell reviews it.
    assert page.get_by_role("button", name="审议通过，交议事会商议").count() == 0
    ctx.close()
    ctx, page = walk.as_("deputy")
    page.goto(url)
    expect(page.get_by_text("居民支持更换，无反对意见。")).to_be_visible()  # leads the review
    _act(page, "审议通过，交议事会商议", "同意提交议事会商议，建议公告中写明施工期间的安全措施。")
    walk.look(page, "deliberation")
    ctx.close()

    # 议事会商议: the party cell convenes the council with the proposal on its agenda.
    ctx, page = walk.as_("party")
    meetings = f"{live_server.url}/c/{cast_of['compound']}/meetings"
    page.goto(meetings + "/new")
    starts = (walk.app_now() + timedelta(days=4)).replace(second=0, microsecond=0)
    page.get_by_label("议事会会议").check()
    page.get_by_label("会议名称").fill("议事会会议：商议更换3栋电梯")
    page.get_by_label("会议时间（北京时间）").fill(starts.astimezone(CST).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("会议地点").fill("党群服务站二楼会议室")
    page.get_by_label("会议记录人").select_option(label="王建国")
    page.get_by_label("更换3栋电梯").check()
    walk.look(page, "convene")
    click_and_wait(page, page.get_by_role("button", name="发布会议通知"))
    meeting_url = page.url
    ctx.close()
    ctx, page = walk.as_("committee")  # no notice before the meeting has decided
    page.goto(url)
    assert "召开" in page.content() and "才能发布表决公告" in page.content()
    ctx.close()

    walk.advance_clock_to(starts)
    ctx, page = walk.as_("council1")  # the recorder
    page.goto(meeting_url)
    for who in ("周书记", "王建国", "刘桂兰"):
        page.locator("fieldset.attendance-row", has_text=who).get_by_label("出席").check()
    click_and_wait(page, page.get_by_role("button", name="保存出席情况"))
    assert "已达到法定人数" in page.content()
    item = page.locator("ol.agenda > li", has_text="更换3栋电梯")
    item.locator("summary", has_text="记录会议决定").click()
    item.get_by_label("提交表决").check()
    item.get_by_label("说明（选填）").fill("与会成员一致同意，公告写明施工安全措施。")
    click_and_wait(page, item.get_by_role("button", name="保存会议决定"))
    assert "会议决定已记录" in page.content()
    walk.look(page, "meeting-decided")
    ctx.close()

    ctx, page = walk.as_("committee")
    page.goto(url)
    assert "建议公告中写明施工期间的安全措施" in page.content()  # the review opinion, shown here
    page.get_by_label("议事会商议意见（必填）").fill("经议事会会议商议，同意提请业主共同决定。")
    opens = earliest_voting_start(walk.app_now(), 15)
    closes = opens + timedelta(days=7)
    page.get_by_label("投票开始时间（北京时间）").fill(opens.astimezone(CST).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("投票截止时间（北京时间）").fill(closes.astimezone(CST).strftime("%Y-%m-%dT%H:%M"))
    walk.look(page, "notice-form")
    click_and_wait(page, page.get_by_role("button", name="发布表决公告").last)
    assert "表决公告" in page.content()
    walk.look(page, "notice")
    ctx.close()

    walk.advance_clock_to(opens)  # 15 days later: voting opens on the first visit
    for i, choice in ((0, "同意"), (1, "同意")):
        ctx, page = walk.as_(f"owner{i}")
        page.goto(url)
        assert "表决中" in page.content()
        page.goto(url + "/vote")
        walk.look(page, f"vote-{i}")
        page.get_by_label(choice).first.check()
        click_and_wait(page, page.get_by_role("button", name="提交选票").first)
        assert "/receipt" in page.url
        walk.look(page, f"receipt-{i}")
        ctx.close()

    walk.advance_clock_to(closes)  # the window has ended: voting closes on the next visit
    ctx, page = walk.as_("owner2")
    page.goto(url + "/result")
    assert "初步" in page.content()
    page.get_by_label("异议内容").fill("我出差没有投上票，公告期是否足够？")
    click_and_wait(page, page.get_by_role("button", name="提交异议"))
    walk.look(page, "objection")
    ctx.close()

    ctx, page = walk.as_("staff")
    page.goto(url + "/result")
    page.get_by_label("答复").fill("公告已于15日前在公示栏和平台发布，符合规定。")
    click_and_wait(page, page.get_by_role("button", name="发布答复"))
    walk.look(page, "objection-answered")
    with live_server.app.app_context():
        ends = db.session.get(Proposal, proposal_id).objection_ends_at
    walk.advance_clock_to(ends)
    page.goto(url + "/result")
    click_and_wait(page, page.get_by_role("button", name="公布最终结果"))
    walk.look(page, "result-published")
    content = page.content()
    assert "通过" in content
    ctx.close()

    ctx, page = walk.as_("committee")
    page.goto(url)
    _act(page, "开始实施", "已完成招标")
    ctx.close()
    ctx, page = walk.as_("staff")
    page.goto(url)
    _act(page, "公开实施结果", "电梯已更换并验收")
    _act(page, "结束议案")
    walk.look(page, "closed")
    ctx.close()
    with live_server.app.app_context():
        actions = db.session.scalars(select(ProposalEvent.action).where(
            ProposalEvent.proposal_id == proposal_id).order_by(ProposalEvent.id)).all()
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.origin == "issue" and proposal.origin_issue_id is not None
        assert actions == ["open_consultation", "submit_review", "approve_review",
                           "publish_notice", "open_voting", "close_voting", "publish_result",
                           "start_implementation", "publish_implementation", "close"]
        from app.audit.verification import verify
        assert verify().ok
