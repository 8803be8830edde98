"""Searching issues in a phone-sized Chromium: from the issue list's search box to the results
page, a filter applied in place by htmx, and the same search with JavaScript off. Every page fits
360 px, is axe-clean and is screenshotted."""
import pytest

from app.extensions import db
from app.issues import comments
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)
from tests.issues.helpers import IssueWorld

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(live_server):
    with live_server.app.app_context():
        w = IssueWorld()
        long_body = ("上个月开始，" + "地库里的车越来越多，晚上回来根本找不到位置，" * 6
                     + "希望物业统计一下停车位的使用情况，把长期不用的僵尸车清理掉。"
                     + "另外，" + "访客车辆也经常占用业主车位，" * 4)
        parked = w.issue(title="地下车库停车位严重不足", body=long_body, category="停车交通")
        w.issue(title="3栋电梯经常停运", body="老人上下楼很难，停车场那边的电梯也一样。",
                building_id=w.units[0].building_id)
        w.issue(title="<script>alert(1)</script> 停车收费", body="**停车**费 [链接](javascript:x)")
        comments.post_comment(w.owners[1], parked, "同意！停车难的问题已经很久了，"
                              "https://example.com/a-very-long-link-without-any-spaces-at-all")
        db.session.commit()
        return {"compound": w.compound.id, "owner": w.owners[2].id}


def _check(page, name):
    assert_no_horizontal_scroll(page)
    screenshot(page, name)
    assert_axe_clean(page)


def test_search_from_the_list_then_filter_in_place(live_server, context, page, world):
    login_browser(context, live_server, world["owner"])
    page.goto(f"{live_server.url}/c/{world['compound']}/issues/")
    _check(page, "issues-list-search-box")
    page.get_by_label("搜索议题和评论").fill("停车")
    click_and_wait(page, page.locator("form[role=search] button[type=submit]"))
    assert "/issues/search?q=" in page.url
    results = page.locator("#search-results li")
    assert results.count() == 4
    assert page.locator("#search-results mark").count() >= 4
    assert page.locator("#search-results script").count() == 0
    _check(page, "issues-search-results")
    page.select_option("#f-category", "停车交通")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_function("location.search.includes('category=')")  # pushed by htmx
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 2")
    assert page.locator("h1").count() == 1  # swapped in place, not nested
    _check(page, "issues-search-filtered")
    page.get_by_label("关键词").fill("车")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_selector("#search-results .error")
    _check(page, "issues-search-refused")


def test_search_without_javascript(live_server, nojs_page, world):
    context = nojs_page.context
    login_browser(context, live_server, world["owner"])
    nojs_page.goto(f"{live_server.url}/c/{world['compound']}/issues/search")
    nojs_page.get_by_label("关键词").fill("电梯")
    click_and_wait(nojs_page, nojs_page.locator("form[role=search] button[type=submit]"))
    assert nojs_page.locator("#search-results li").count() == 1
    assert_no_horizontal_scroll(nojs_page)  # axe needs JavaScript: checked on the page above
    screenshot(nojs_page, "issues-search-nojs")
