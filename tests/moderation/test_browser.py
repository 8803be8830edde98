"""At phone size in Chromium, with CSRF on: a neighbour reports an abusive comment, the party
cell hides it from the queue, everyone reads the reason in its place, the public log shows
the hide. Every page is axe-clean and fits 360 px; the same hide works without JavaScript."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.issues.models import Comment
from app.moderation import services
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)
from tests.moderation.helpers import ABUSE, ModerationWorld

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(live_server):
    with live_server.app.app_context():
        w = ModerationWorld()
        services.report(w.owners[3], w.compound, services.target_of(w.topic), "标题夸大其词")
        db.session.commit()
        return {"compound": w.compound.id, "issue": w.topic.id, "comment": w.rude.id,
                "party": w.party.id, "reporter": w.owners[2].id, "author": w.owners[1].id,
                "neighbour": w.tenant.id}


def as_(browser, args, server, user_id, js=True):
    context = browser.new_context(**args, java_script_enabled=js)
    context.set_default_timeout(10_000)
    login_browser(context, server, user_id)
    return context, context.new_page()


def check(page, name, js=True):
    if not js:  # axe needs JavaScript: the run with it checks the same pages
        assert_no_horizontal_scroll(page)
        screenshot(page, name + "-nojs")
        return
    assert_axe_clean(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, name)


def report_comment(page, base, world, js=True):
    page.goto(f"{base}/issues/{world['issue']}")
    click_and_wait(page, page.locator(f"#c{world['comment']}").get_by_role("link", name="举报"))
    check(page, "moderation-report-form", js)
    page.get_by_label("举报理由").fill("人身攻击，骂跳舞的邻居没素质")
    click_and_wait(page, page.get_by_role("button", name="提交举报"))
    expect(page.locator(".flash-success")).to_contain_text("举报已提交")


def test_report_hide_and_read_in_place(live_server, browser, browser_context_args, world):
    base = f"{live_server.url}/c/{world['compound']}"
    context, page = as_(browser, browser_context_args, live_server, world["reporter"])
    report_comment(page, base, world)
    context.close()

    context, page = as_(browser, browser_context_args, live_server, world["party"])
    page.goto(f"{base}/")
    click_and_wait(page, page.get_by_role("link", name="举报处理"))
    expect(page.locator(".moderation-item")).to_have_count(2)
    check(page, "moderation-queue")
    card = page.locator(f"#item-comment-{world['comment']}")
    expect(card).to_contain_text(ABUSE)
    card.get_by_label("隐藏理由（将公开显示在原位置）").fill("人身攻击")
    click_and_wait(page, card.get_by_role("button", name="隐藏此内容"))
    expect(page.locator(".flash-success")).to_contain_text("已隐藏")
    expect(page.locator(".moderation-item")).to_have_count(1)
    check(page, "moderation-queue-after-hide")
    page.goto(f"{base}/issues/{world['issue']}#c{world['comment']}")
    expect(page.locator(f"#c{world['comment']} .hidden-note")).to_have_text(
        "已被党支部隐藏：人身攻击")
    page.locator(f"#c{world['comment']} summary").click()
    expect(page.locator(f"#c{world['comment']} .moderator-original")).to_contain_text(ABUSE)
    check(page, "moderation-issue-party-cell-view")
    click_and_wait(page, page.locator(f"#c{world['comment']}").get_by_role(
        "link", name="恢复显示…"))
    check(page, "moderation-item-hidden")
    context.close()

    context, page = as_(browser, browser_context_args, live_server, world["neighbour"])
    page.goto(f"{base}/issues/{world['issue']}")
    expect(page.locator(f"#c{world['comment']} .hidden-note")).to_have_text(
        "已被党支部隐藏：人身攻击")
    assert ABUSE not in page.content()
    check(page, "moderation-hidden-comment-in-place")
    page.goto(f"{base}/")
    click_and_wait(page, page.get_by_role("link", name="管理记录（隐藏与禁言）"))
    expect(page.locator(".moderation-log li")).to_have_count(1)
    expect(page.locator(".moderation-log")).to_contain_text("小区党支部")
    assert ABUSE not in page.content()
    check(page, "moderation-public-log")
    context.close()


def test_the_same_hide_works_without_javascript(live_server, browser, browser_context_args,
                                                nojs_page, world):
    base = f"{live_server.url}/c/{world['compound']}"
    context, page = as_(browser, browser_context_args, live_server, world["reporter"], js=False)
    report_comment(page, base, world, js=False)
    context.close()

    page = nojs_page
    login_browser(page.context, live_server, world["party"])
    page.goto(f"{base}/issues/{world['issue']}")
    click_and_wait(page, page.locator(f"#c{world['comment']}").get_by_role("link", name="隐藏…"))
    click_and_wait(page, page.get_by_role("button", name="隐藏此内容"))  # no reason yet
    expect(page.locator(".error")).to_contain_text("请写明隐藏理由")
    page.get_by_label("隐藏理由（将公开显示在原位置）").fill("人身攻击")
    click_and_wait(page, page.get_by_role("button", name="隐藏此内容"))
    expect(page.locator(".flash-success")).to_contain_text("已隐藏")
    expect(page.locator(".hidden-note")).to_have_text("已被党支部隐藏：人身攻击")
    page.get_by_label("7 天").check()
    page.get_by_label("禁言理由").fill("多次人身攻击")
    click_and_wait(page, page.get_by_role("button", name="禁言", exact=True))
    expect(page.locator(".flash-success")).to_contain_text("已禁言")
    screenshot(page, "moderation-item-nojs")

    with live_server.app.app_context():
        comment = db.session.get(Comment, world["comment"])
        assert comment.is_hidden and comment.hidden_reason == "人身攻击"

    context, page = as_(browser, browser_context_args, live_server, world["author"], js=False)
    page.goto(f"{base}/issues/{world['issue']}")
    page.get_by_label("评论").fill("凭什么隐藏")
    click_and_wait(page, page.get_by_role("button", name="发表评论"))
    expect(page.locator("#comment-form .error-box, #comment-form .error").first).to_contain_text(
        "您已被党支部禁言至")
    context.close()
