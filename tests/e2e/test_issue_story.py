"""An issue's whole life in a phone-sized Chromium (360 px), once with JavaScript and once
without, CSRF on: a resident raises it with a photo, neighbours of three other households second
it up to the compound's threshold (3) so it goes onto the council's agenda, a neighbour's abusive
comment is reported and the party cell hides it from the moderation queue, the property manager
replies officially (官方回复) and answers, and the author confirms the resolution and rates it.
Every page is axe-clean and does not scroll sideways."""
import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.issues.models import Comment, Issue, IssuePhoto
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)
from tests.factories import grant, make_compound, make_resident, make_unit, make_user

pytestmark = pytest.mark.e2e

ABUSE = "你们这些人就是一群蠢货，别在这里瞎嚷嚷"
HIDE_REASON = "人身攻击，违反小区文明公约"


def lamp_photo() -> bytes:
    """A small real JPEG: a dark stairwell with an unlit lamp."""
    image = Image.new("RGB", (640, 480), (40, 44, 52))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 360, 640, 480), fill=(90, 90, 96))
    draw.ellipse((290, 40, 350, 100), outline=(200, 200, 160), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def cast(live_server):
    with live_server.app.app_context():
        compound = make_compound("锦华苑")
        compound.second_threshold = 3
        people = {"party": make_user(name="周书记"), "council": make_user(name="议事会刘委员"),
                  "property": make_user(name="物业李经理")}
        grant(people["party"], compound, "party_cell")
        grant(people["council"], compound, "council")
        grant(people["property"], compound, "property")
        for i in range(5):  # five households: the author, three neighbours, one rude neighbour
            owner = make_user(name=["王阿姨", "陈师傅", "赵老师", "孙大爷", "钱先生"][i])
            unit = make_unit(compound, building=str(3 + i % 2), entrance="1",
                             room=f"{301 + i}", owners=[(owner.display_name, owner.mobile)])
            make_resident(owner, unit, "owner")
            people[f"owner{i}"] = owner
        db.session.commit()
        return {"compound": compound.id, **{k: u.id for k, u in people.items()}}


class Story:
    def __init__(self, server, browser, args, ids, js: bool):
        self.server, self.browser, self.ids, self.js = server, browser, ids, js
        self.args = {**args, "java_script_enabled": js}
        self.base = f"{server.url}/c/{ids['compound']}"
        self.tag = "js" if js else "nojs"
        self.shots = 0

    def as_(self, who):
        context = self.browser.new_context(**self.args)
        context.set_default_timeout(10_000)
        login_browser(context, self.server, self.ids[who])
        return context, context.new_page()

    def look(self, page, name):
        self.shots += 1
        screenshot(page, f"issue-story-{self.tag}-{self.shots:02d}-{name}")
        assert_no_horizontal_scroll(page)
        if self.js:
            assert_axe_clean(page)
        else:
            self.axe_without_js(page)

    def axe_without_js(self, page):
        """axe needs JavaScript: check the very HTML the no-JS phone got, served to a
        JS-enabled page at the same address with the same cookies (for the CSS and images)."""
        checker = self.browser.new_context(**{**self.args, "java_script_enabled": True})
        try:
            checker.add_cookies(page.context.cookies())
            html, url = page.content(), page.url.split("#")[0]
            other = checker.new_page()
            other.route(url, lambda route: route.fulfill(
                status=200, body=html, content_type="text/html; charset=utf-8"))
            other.goto(url)
            assert_no_horizontal_scroll(other)
            assert_axe_clean(other)
        finally:
            checker.close()


def _issue_row():
    return db.session.scalar(select(Issue))


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_issue_from_photo_to_rated_resolution(live_server, browser, browser_context_args,
                                              cast, js):
    story = Story(live_server, browser, browser_context_args, cast, js)
    app = live_server.app

    # A resident raises the issue with a photo.
    ctx, page = story.as_("owner0")
    page.goto(f"{story.base}/issues/")
    story.look(page, "list-empty")
    click_and_wait(page, page.get_by_role("link", name="我要反映问题"))
    page.get_by_label("标题").fill("4栋楼道灯坏了一周")
    page.get_by_label("详细情况").fill("4栋1单元三楼到五楼的楼道灯都不亮，老人晚上下楼很危险。")
    page.get_by_label("分类").select_option("公共设施")
    page.get_by_label("照片（最多 6 张）").set_input_files(
        files=[{"name": "stairwell.jpg", "mimeType": "image/jpeg", "buffer": lamp_photo()}])
    story.look(page, "new")
    click_and_wait(page, page.get_by_role("button", name="发布"))
    issue_url = page.url
    expect(page.get_by_role("heading", name="4栋楼道灯坏了一周")).to_be_visible()
    photo = page.get_by_role("img", name="第 1 张照片")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    story.look(page, "issue-raised")
    ctx.close()
    with app.app_context():
        assert db.session.scalar(select(IssuePhoto.id)) is not None

    # Neighbours of three other households second it; the third reaches the threshold.
    for n, neighbour in enumerate(("owner1", "owner2", "owner3"), start=1):
        ctx, page = story.as_(neighbour)
        page.goto(issue_url)
        button = page.get_by_role("button", name="附议（每户一次）")
        if js:
            button.click()  # htmx swaps the seconds box in place
        else:
            click_and_wait(page, button)
        expect(page.get_by_text("您家已附议。")).to_be_visible()
        expect(page.get_by_text(f"{n} 户附议", exact=True)).to_be_visible()
        if n == 3:
            page.reload()
            expect(page.locator(".issue .badge").first).to_have_text("已列入议事议程")
            story.look(page, "threshold-reached")
        ctx.close()
    with app.app_context():
        assert _issue_row().status == "on_agenda"

    # A rude neighbour comments; the author reports the comment.
    ctx, page = story.as_("owner4")
    page.goto(issue_url)
    page.get_by_label("评论", exact=True).fill(ABUSE)
    click_and_wait(page, page.get_by_role("button", name="发表评论"))
    expect(page.get_by_text(ABUSE)).to_be_visible()
    ctx.close()
    ctx, page = story.as_("owner0")
    page.goto(issue_url)
    abusive = page.locator("article.comment", has_text=ABUSE)
    click_and_wait(page, abusive.get_by_role("link", name="举报"))
    page.get_by_label("举报理由").fill("骂邻居是蠢货，人身攻击")
    story.look(page, "report")
    click_and_wait(page, page.get_by_role("button", name="提交举报"))
    assert page.url.startswith(issue_url)
    ctx.close()

    # The council sees it on its agenda: the issues waiting for the council's discussion.
    ctx, page = story.as_("council")
    page.goto(f"{story.base}/issues/")
    page.locator("details.filters > summary").click()  # the filters are folded behind 筛选
    page.get_by_label("状态", exact=True).select_option("on_agenda")
    click_and_wait(page, page.get_by_role("button", name="筛选"))
    assert "status=on_agenda" in page.url
    expect(page.get_by_role("link", name="4栋楼道灯坏了一周")).to_be_visible()
    expect(page.get_by_text("共 1 个议题")).to_be_visible()
    story.look(page, "council-agenda")
    ctx.close()

    # The party cell hides the abusive comment from its moderation queue, with a reason.
    ctx, page = story.as_("party")
    page.goto(f"{story.base}/")
    click_and_wait(page, page.get_by_role("link", name="举报处理"))
    item = page.locator("article.moderation-item", has_text=ABUSE)
    expect(item).to_be_visible()
    expect(item.get_by_text("骂邻居是蠢货，人身攻击")).to_be_visible()
    story.look(page, "moderation-queue")
    item.get_by_label("隐藏理由（将公开显示在原位置）").fill(HIDE_REASON)
    click_and_wait(page, item.get_by_role("button", name="隐藏此内容"))
    expect(page.get_by_text("已隐藏。原位置显示隐藏理由，内容未删除。")).to_be_visible()
    expect(page.get_by_text("目前没有待处理的举报。")).to_be_visible()
    story.look(page, "moderation-hidden")
    ctx.close()
    with app.app_context():
        row = db.session.scalar(select(Comment).where(Comment.body_source == ABUSE))
        assert row.is_hidden and row.hidden_reason == HIDE_REASON

    # The property manager replies officially, then answers the issue.
    ctx, page = story.as_("property")
    page.goto(issue_url)
    page.get_by_label("评论", exact=True).fill(
        "物业已安排电工，明天上午更换4栋1单元三至五楼的灯泡和感应开关。")
    page.get_by_label("作为官方回复发布").check()
    click_and_wait(page, page.get_by_role("button", name="发表评论"))
    official = page.locator("article.comment.official")
    expect(official.locator(".official-mark")).to_have_text("官方回复")
    expect(official).to_contain_text("物业李经理")
    # A pasted answer that is too long comes back with the error next to it, text kept.
    too_long = "维修记录：" + "三楼灯泡已更换。" * 260
    page.locator("#act-answer").get_by_label("答复内容").fill(too_long)
    click_and_wait(page, page.locator("#act-answer").get_by_role("button", name="答复"))
    actions = page.locator("#act-answer")
    expect(actions.locator(".error")).to_have_text("内容请不超过 2000 字。")
    assert actions.get_by_label("答复内容").input_value() == too_long
    expect(page.get_by_text("“答复”未完成：")).to_be_visible()
    story.look(page, "answer-too-long")
    with app.app_context():
        assert _issue_row().status == "on_agenda"
    actions.get_by_label("答复内容").fill("已更换三至五楼灯泡和感应开关，经检查全部正常。")
    story.look(page, "official-reply")
    click_and_wait(page, actions.get_by_role("button", name="答复"))
    expect(page.get_by_text("已完成：答复")).to_be_visible()
    ctx.close()

    # Everyone sees the reason where the comment was, never the words.
    ctx, page = story.as_("owner2")
    page.goto(issue_url)
    expect(page.get_by_text(f"已被党支部隐藏：{HIDE_REASON}")).to_be_visible()
    assert ABUSE not in page.content()
    story.look(page, "neighbour-sees-hidden")
    ctx.close()

    # The author confirms the resolution and rates it.
    ctx, page = story.as_("owner0")
    page.goto(issue_url)
    confirm = page.locator("#act-confirm")
    confirm.get_by_label("满意", exact=True).check()
    confirm.get_by_label("说明（可不填）").fill("灯都亮了，谢谢物业和邻居们。")
    story.look(page, "confirm")
    click_and_wait(page, confirm.get_by_role("button", name="确认已解决并评价"))
    expect(page.locator(".issue .badge").first).to_have_text("已解决")
    expect(page.get_by_text("发起人评价：满意")).to_be_visible()
    expect(page.get_by_text("灯都亮了，谢谢物业和邻居们。")).to_be_visible()
    story.look(page, "resolved")
    ctx.close()
    with app.app_context():
        issue = _issue_row()
        assert (issue.status, issue.rating) == ("resolved", "satisfied")
