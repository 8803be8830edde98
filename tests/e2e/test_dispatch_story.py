"""A dispatched issue's ticket, all the way, in a phone-sized Chromium (360 px), with and
without JavaScript, CSRF on: 1. staff dispatch a resident's issue, accept its ticket and assign
it to the property company; 2. the property company returns it as the wrong unit; 3. it is
assigned to the community's 城管 contact, who takes it and finishes it with a photo; 4. the
reporter is dissatisfied; 5. staff call back (回访), 城管 handles it again (重办) and the
reporter is satisfied. The issue's timeline names the organisations, never the people. 6. A
second ticket runs past its time limit (the clock moves on), is flagged overdue, is given back
and called up to the subdistrict (街道呼叫); the subdistrict's staff member finds it on the
escalated list, assigns it, and opens the subdistrict desk; community staff read it without
a button. Every page is axe-clean and does not scroll sideways."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.compounds import levels
from app.compounds.models import Community, Compound, Subdistrict
from app.core.time import utcnow
from app.dispatch import services
from app.dispatch.models import Organisation, Ticket
from app.extensions import db
from app.issues import services as issue_services
from tests.e2e.harness import BrowserStory, click_and_wait, login_browser
from tests.e2e.test_issue_story import Story, lamp_photo
from tests.factories import grant, make_compound, make_resident, make_staff, make_unit, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(live_server):
    with live_server.app.app_context():
        compound = make_compound("锦华苑")
        community = db.session.get(Community, compound.community_id)
        staff = make_staff(compound, make_user(name="社区王芳"))
        prop = make_user(name="物业李经理")
        grant(prop, compound, "property")
        city = make_user(name="城管张队")
        owner = make_user(name="王阿姨")
        unit = make_unit(compound, building="4", room="301",
                         owners=[(owner.display_name, owner.mobile)])
        make_resident(owner, unit, "owner")
        db.session.commit()
        estate = services.create_organisation(staff, community, name="锦华物业", kind="property")
        squad = services.create_organisation(staff, community, name="城管中队", kind="outside")
        services.add_handler(staff, estate, prop.mobile)
        services.add_handler(staff, squad, city.mobile)
        services.save_category(staff, community, name="公共设施", working_days=3)
        issue = issue_services.post_issue(owner, compound, title="4栋路灯不亮",
                                          body="晚上很黑。", category="公共设施")
        issue_services.acknowledge(staff, issue)
        admin = make_user(name="管理员", is_admin=True)
        street = make_user(name="街道陈科长")
        subdistrict = db.session.get(Subdistrict, community.subdistrict_id)
        levels.assign_subdistrict_staff(admin, subdistrict, street)
        db.session.commit()
        return {"compound": compound.id, "issue": issue.id, "staff": staff.id,
                "property": prop.id, "city": city.id, "owner": owner.id,
                "street": street.id, "subdistrict": subdistrict.id,
                "community": community.id, "grid": None}


class DispatchStory(Story):
    app_now = BrowserStory.app_now
    advance_clock_to = BrowserStory.advance_clock_to

    def as_(self, who):
        context = self.browser.new_context(**self.args)
        context.set_default_timeout(10_000)
        login_browser(context, self.server, self.ids[who])
        return context, context.new_page()

    def step(self, who, url, name, do):
        ctx, page = self.as_(who)
        page.goto(url)
        self.look(page, name)
        do(page)
        self.look(page, name + "-done")
        ctx.close()


def _press(page, label):
    click_and_wait(page, page.get_by_role("button", name=label, exact=True))


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_ticket_from_wrong_unit_to_satisfied(live_server, browser, browser_context_args,
                                             cast, js):
    story = DispatchStory(live_server, browser, browser_context_args, cast, js)
    story.tag = "dispatch-" + story.tag
    issue_url = f"{story.base}/issues/{cast['issue']}"
    due = (utcnow() + timedelta(days=10)).date().isoformat()

    def dispatch(page):
        page.locator("#act-dispatch input[type=date]").fill(due)
        _press(page, "派单至社区")
    story.step("staff", issue_url, "issue", dispatch)
    with live_server.app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id))
    url = f"{live_server.url}/dispatch/tickets/{ticket_id}"

    def assign_to(org):
        def do(page):
            page.get_by_label("承办单位").select_option(label=org)
            page.get_by_label("工单类别（决定办理时限）").select_option(index=1)
            _press(page, "交办")
            expect(page.get_by_text(f"交办给：{org}").last).to_be_visible()
        return do

    # 1. Dispatched by community staff to the property company.
    story.step("staff", url, "accept", lambda p: _press(p, "受理"))
    story.step("staff", url, "assign-wrong", assign_to("锦华物业"))

    # 2. Returned as the wrong unit.
    def give_back(page):
        page.get_by_label("退回的理由或说明").fill("路面照明归城管管，不是物业职责")
        _press(page, "退回")
    story.step("property", url, "return", give_back)
    # 3. Reassigned to the community's 城管 contact, taken, finished with a photo.
    story.step("staff", url, "reassign", assign_to("城管中队"))
    story.step("city", url, "take", lambda p: _press(p, "接单"))

    def finish(note):
        def do(page):
            page.get_by_label("办理结果").fill(note)
            page.get_by_label("办结照片（最多 6 张）").set_input_files(
                files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": lamp_photo()}])
            _press(page, "办结反馈")
        return do
    story.step("city", url, "finish", finish("已更换灯泡"))

    def rate(label):
        def do(page):
            page.get_by_label(label, exact=True).check()
            _press(page, "提交评价")
        return do
    # 4. The reporter is not satisfied.
    story.step("owner", url, "rate-unsatisfied", rate("不满意"))

    def call_back(page):
        page.get_by_label("回访的理由或说明").fill("电话回访：灯仍闪烁")
        _press(page, "回访")
    # 5. 回访, 重办, and the reporter is satisfied.
    story.step("staff", url, "revisit", call_back)
    story.step("city", url, "redo", lambda p: _press(p, "重办"))
    story.step("city", url, "finish-again", finish("更换了整套灯具"))
    story.step("owner", url, "rate-satisfied", rate("满意"))

    with live_server.app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert (ticket.state, ticket.rating_first, ticket.rating_second) == (
            "archived", "unsatisfied", "satisfied")

    # The issue's timeline: organisations, never people.
    ctx, page = story.as_("owner")
    page.goto(issue_url)
    story.look(page, "issue-timeline")
    timeline = page.locator(".timeline").inner_text()
    assert "城管中队" in timeline and "工单：重办" in timeline
    assert "物业李经理" not in timeline and "城管张队" not in timeline
    assert "路面照明归城管管" not in timeline  # a return is internal
    ctx.close()

    overdue_then_escalated(story, live_server)


def overdue_then_escalated(story, live_server):
    """6. A second ticket goes overdue, is called up to the subdistrict and shows on the
    subdistrict staff member's list."""
    ids = story.ids
    with live_server.app.app_context():
        staff = db.session.get(User, ids["staff"])
        compound = db.session.get(Compound, ids["compound"])
        owner = db.session.get(User, ids["owner"])
        issue = issue_services.post_issue(owner, compound, title="小区外人行道塌陷",
                                          body="雨后塌了一个坑。", category="公共设施")
        issue_services.acknowledge(staff, issue)
        issue_services.dispatch(staff, issue, utcnow() + timedelta(days=10))
        ticket = db.session.scalar(select(Ticket).where(Ticket.issue_id == issue.id))
        squad = db.session.scalar(select(Organisation).where(Organisation.name == "城管中队"))
        services.accept(staff, ticket)
        services.assign(staff, ticket, squad.id, ticket.category_id)
        db.session.commit()
        ticket_id, due_at = ticket.id, ticket.due_at
    story.advance_clock_to(due_at)
    result = live_server.app.test_cli_runner().invoke(args=["dispatch", "overdue"])
    assert "flagged 1" in result.output
    url = f"{live_server.url}/dispatch/tickets/{ticket_id}"
    community_list = f"{live_server.url}/dispatch/community/{ids['community']}/tickets?overdue=1"

    def flagged(page):
        expect(page.get_by_role("link", name="小区外人行道塌陷")).to_be_visible()
        expect(page.locator(".ticket-list .badge-warn", has_text="已超期")).to_be_visible()
    story.step("staff", community_list, "overdue-list", flagged)

    def give_back(page):
        page.get_by_label("退回的理由或说明").fill("市政道路超出中队职权，需街道协调")
        _press(page, "退回")
    story.step("city", url, "overdue-return", give_back)

    def call_up(page):
        page.get_by_label("街道呼叫的理由或说明").fill("涉及市政道路，社区无法协调")
        _press(page, "街道呼叫")
        expect(page.locator(".badge", has_text="街道").first).to_be_visible()
    story.step("staff", url, "escalate", call_up)

    # Community staff: the escalated ticket is read-only for them now.
    ctx, page = story.as_("staff")
    page.goto(url)
    story.look(page, "escalated-read-only")
    assert page.locator("#actions").count() == 0
    ctx.close()

    escalated = f"{live_server.url}/dispatch/subdistrict/{ids['subdistrict']}/tickets"
    ctx, page = story.as_("street")
    page.goto(f"{live_server.url}/")
    story.look(page, "street-home")
    expect(page.get_by_text("交办呼叫至街道的工单").first).to_be_visible()
    click_and_wait(page, page.locator(f"a[href$='/dispatch/subdistrict/{ids['subdistrict']}"
                                      "/tickets']").first)
    assert page.url == escalated
    story.look(page, "street-list")
    click_and_wait(page, page.get_by_role("link", name="小区外人行道塌陷"))
    story.look(page, "street-ticket")
    page.get_by_label("承办单位").select_option(label="城管中队")
    page.get_by_label("工单类别（决定办理时限）").select_option(index=1)
    _press(page, "交办")
    story.look(page, "street-assigned")
    expect(page.get_by_text("交办给：城管中队").last).to_be_visible()
    page.goto(escalated)
    click_and_wait(page, page.get_by_role("link", name="街道承办单位"))
    story.look(page, "street-offices")
    response = page.goto(f"{live_server.url}/subdistrict/{ids['subdistrict']}/")
    assert response.status == 200
    story.look(page, "street-desk")
    ctx.close()
    with live_server.app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert (ticket.level, ticket.state) == ("subdistrict", "assigned")
