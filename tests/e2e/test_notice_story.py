"""A notice from the committee's phone to the bulletin board, in a phone-sized Chromium with
CSRF on: the committee writes and publishes an accounts notice (a form error on the way keeps
what was typed), the compound's home page pins it, two residents of one flat and a neighbour
read it (two households), one acknowledges, the committee sees the read rate and corrects a
figure with a reason, the print view (A4, large type, QR code) is screenshotted in print
media, and the notice is withdrawn with a reason. Every page is axe-clean and fits 360 px;
the same pages work with JavaScript off."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.audit.verification import verify
from app.core.time import CHINA, utcnow
from app.extensions import db
from app.notices.models import Notice, NoticeAck, NoticeRead
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user

pytestmark = pytest.mark.e2e

BODY = """2026年第三季度公共收益收支如下，单位：元。

| 项目 | 收入 | 支出 |
| --- | ---: | ---: |
| 电梯广告位 | 18,600.00 | |
| 公共区域照明电费 | | 3,150.00 |

累计结余 86,412.50 元，存于公共收益专户。"""


@pytest.fixture
def cast_of(live_server):
    with live_server.app.app_context():
        compound = make_compound("锦华苑")
        people = {"committee": make_user(name="张主任")}
        grant(people["committee"], compound, "committee")
        people["staff"] = make_staff(compound, make_user(name="社区王芳"))
        flat = make_unit(compound, building="3", entrance="2", room="1201")
        for key, name in (("owner", "陈志强"), ("family", "陈志强家属")):
            people[key] = make_user(name=name)
            make_resident(people[key], flat, "owner" if key == "owner" else "family")
        people["neighbour"] = make_user(name="刘桂兰")
        make_resident(people["neighbour"], make_unit(compound, building="2", room="601"))
        make_unit(compound, building="5", room="301")  # nobody registered yet
        db.session.commit()
        return {"compound": compound.id, **{k: u.id for k, u in people.items()}}


class Story:
    def __init__(self, server, browser, args, ids):
        self.server, self.browser, self.args, self.ids = server, browser, args, ids
        self.home = f"{server.url}/c/{ids['compound']}/"
        self.base = self.home + "notices"

    def as_(self, who, **extra):
        context = self.browser.new_context(**{**self.args, **extra})
        login_browser(context, self.server, self.ids[who])
        return context, context.new_page()

    def look(self, page, name, axe=True):
        screenshot(page, f"notice-{name}")
        assert_no_horizontal_scroll(page)
        if axe:  # axe is a script: it cannot run where JavaScript is off
            assert_axe_clean(page)


def test_notice_from_publication_to_bulletin_board(live_server, browser, browser_context_args,
                                                   cast_of):
    story = Story(live_server, browser, browser_context_args, cast_of)
    ctx, page = story.as_("committee")
    page.goto(story.home)
    click_and_wait(page, page.get_by_role("link", name="公告公示"))
    story.look(page, "index-empty")
    click_and_wait(page, page.get_by_role("link", name="发布公告"))
    page.get_by_label("财务公开").check()
    page.get_by_label("标题").fill("2026年第三季度公共收益收支公示")
    page.get_by_label("公告内容").fill(BODY)
    past = (utcnow() - timedelta(days=1)).astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("公示开始时间（北京时间，可不填）").fill(past)
    story.look(page, "new")
    click_and_wait(page, page.get_by_role("button", name="发布", exact=True))
    expect(page.get_by_text("不能早于现在")).to_be_visible()  # refused, text kept
    assert page.get_by_label("标题").input_value() == "2026年第三季度公共收益收支公示"
    story.look(page, "new-error")
    page.get_by_label("公示开始时间（北京时间，可不填）").fill("")
    click_and_wait(page, page.get_by_role("button", name="发布", exact=True))
    notice_url = page.url
    assert "/notices/" in notice_url and "公示中" in page.content()
    story.look(page, "published-committee")
    ctx.close()

    ctx, page = story.as_("owner")
    page.goto(story.home)
    running = page.locator("section.running-notices")
    expect(running.get_by_role("link", name="2026年第三季度公共收益收支公示")).to_be_visible()
    expect(running.get_by_text("未读")).to_be_visible()
    story.look(page, "home-running")
    click_and_wait(page, running.get_by_role("link", name="2026年第三季度公共收益收支公示"))
    assert "阅读率" not in page.content()
    story.look(page, "read-owner")
    page.get_by_role("button", name="已知晓（每户一次）").click()  # htmx: updates in place
    expect(page.get_by_text("您家已确认知晓。")).to_be_visible()
    expect(page.get_by_text("1 户已确认知晓")).to_be_visible()
    story.look(page, "acknowledged")
    page.goto(story.home)
    expect(page.locator("section.running-notices").get_by_text("未读")).to_have_count(0)
    ctx.close()

    for who in ("family", "neighbour"):
        ctx, page = story.as_(who, java_script_enabled=False)  # works without JavaScript
        page.goto(notice_url)
        if who == "family":
            expect(page.get_by_text("您家已确认知晓。")).to_be_visible()
        else:
            click_and_wait(page, page.get_by_role("button", name="已知晓（每户一次）"))
            expect(page.get_by_text("已确认知晓，谢谢。")).to_be_visible()
            story.look(page, "acknowledged-nojs", axe=False)
        ctx.close()
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count(NoticeRead.id))) == 2  # two households
        assert db.session.scalar(select(func.count(NoticeAck.id))) == 2

    ctx, page = story.as_("committee")
    page.goto(notice_url)
    expect(page.get_by_text("已读 2 户，已确认知晓 2 户。")).to_be_visible()
    expect(page.get_by_text("67%（全小区 3 户）")).to_be_visible()
    click_and_wait(page, page.get_by_role("link", name="更正", exact=True))
    page.get_by_label("公告内容").fill(BODY.replace("86,412.50", "86,421.50"))
    page.get_by_label("更正理由（将与更正前的内容一起公开）").fill("累计结余金额录入有误")
    story.look(page, "correct")
    click_and_wait(page, page.get_by_role("button", name="发布更正"))
    expect(page.get_by_text("已更正 1 次")).to_be_visible()
    page.get_by_text("查看第 1 版全文").click()
    expect(page.get_by_text("累计结余 86,412.50 元", exact=False)).to_be_visible()
    story.look(page, "corrected")
    ctx.close()

    ctx, page = story.as_("neighbour")
    page.goto(notice_url)
    click_and_wait(page, page.get_by_role("link", name="打印张贴版（A4，带二维码）"))
    story.look(page, "print-phone")
    ctx.close()
    # The bulletin-board copy as the printer sees it: A4 width at 96 dpi, print styles.
    ctx, page = story.as_("neighbour", viewport={"width": 794, "height": 1123},
                          is_mobile=False, has_touch=False)
    page.emulate_media(media="print")
    page.goto(notice_url + "/print")
    assert page.locator("img.print-qr").evaluate("img => img.naturalWidth") > 0
    assert not page.locator(".site-header").is_visible()
    screenshot(page, "notice-print-a4")
    assert_axe_clean(page)
    page.pdf(path=str(screenshot(page, "notice-print-a4").with_suffix(".pdf")), format="A4")
    ctx.close()

    ctx, page = story.as_("committee")
    page.goto(notice_url)
    page.get_by_text("撤回公告").click()
    page.get_by_label("撤回理由（将公开显示）").fill("数据将与审计报告一并重新公示")
    click_and_wait(page, page.get_by_role("button", name="撤回", exact=True))
    expect(page.get_by_text("数据将与审计报告一并重新公示").first).to_be_visible()
    story.look(page, "withdrawn")
    page.goto(story.base + "/")
    story.look(page, "index-withdrawn")
    click_and_wait(page, page.get_by_role("link", name="发布公告"))
    page.get_by_label("标题").fill("冬季消防安全检查安排")
    page.get_by_label("公告内容").fill("社区将于12月上旬逐栋开展消防安全检查。")
    click_and_wait(page, page.get_by_role("button", name="保存草稿"))
    expect(page.get_by_text("草稿", exact=True)).to_be_visible()
    story.look(page, "draft")
    click_and_wait(page, page.get_by_role("link", name="修改草稿"))
    story.look(page, "edit-draft")
    ctx.close()
    with live_server.app.app_context():
        assert list(db.session.scalars(select(Notice.status).order_by(Notice.id))) == [
            "withdrawn", "draft"]
        assert verify().ok
