"""Levels on a phone: the admin creates a community and a compound under a subdistrict and
assigns community and subdistrict staff; the subdistrict's staff member finds the subdistrict
on the home page, opens it and reads a compound. Every page is axe-clean at 360 px."""
import pytest
from playwright.sync_api import expect

from app.compounds import levels
from app.extensions import db
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.factories import make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        admin = make_user(name="系统管理员", is_admin=True)
        worker, chen = make_user(name="社区 王芳"), make_user(name="街道 陈科长")
        subdistrict = levels.create_subdistrict(admin, "玉林街道")
        db.session.commit()
        return {"compound": 0, "admin": admin.id, "worker": worker.id, "chen": chen.id,
                "worker_mobile": worker.mobile, "chen_mobile": chen.mobile,
                "subdistrict": subdistrict.id}


def test_admin_builds_a_community_and_subdistrict_staff_read_its_compound(
        live_server, browser, browser_context_args, people):
    story = BrowserStory(live_server, browser, browser_context_args, people,
                         section="", shot_prefix="levels")
    base = live_server.url
    ctx, page = story.as_("admin")
    page.goto(base + "/")
    click_and_wait(page, page.get_by_role("link", name="系统管理：街道、社区、小区和工作人员"))
    story.look(page, "admin")
    click_and_wait(page, page.get_by_role("link", name="玉林街道"))
    page.get_by_label("新社区的名称").fill("玉林西路社区")
    click_and_wait(page, page.get_by_role("button", name="创建社区"))
    expect(page.locator("h1")).to_have_text("玉林西路社区")
    page.get_by_label("新小区的名称").fill("芳邻小区")
    click_and_wait(page, page.get_by_role("button", name="创建小区"))
    page.get_by_label("新小区的名称").fill("芳邻小区")  # twice: refused in words, kept
    click_and_wait(page, page.get_by_role("button", name="创建小区"))
    expect(page.get_by_text("这个社区已经有同名的小区。")).to_be_visible()
    story.look(page, "duplicate-refused")
    page.get_by_label("工作人员的注册手机号").fill(people["worker_mobile"])
    click_and_wait(page, page.get_by_role("button", name="指派"))
    expect(page.get_by_role("heading", name="社区 王芳")).to_be_visible()
    story.look(page, "community")
    click_and_wait(page, page.get_by_role("link", name="玉林街道"))
    page.get_by_label("工作人员的注册手机号").fill(people["chen_mobile"])
    click_and_wait(page, page.get_by_role("button", name="指派"))
    expect(page.get_by_role("heading", name="街道 陈科长")).to_be_visible()
    story.look(page, "subdistrict-staff")
    ctx.close()

    ctx, page = story.as_("chen")
    page.goto(base + "/")
    story.look(page, "home")
    click_and_wait(page, page.get_by_role("link", name="玉林街道"))
    expect(page.get_by_role("heading", name="玉林西路社区")).to_be_visible()
    story.look(page, "desk")
    click_and_wait(page, page.get_by_role("link", name="芳邻小区"))
    expect(page.locator("h1")).to_have_text("芳邻小区")
    assert "小区成员" not in page.content()  # readers do not see the member list
    story.look(page, "compound")
    ctx.close()
