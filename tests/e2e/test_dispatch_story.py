"""A dispatched issue's ticket, all the way, in a phone-sized Chromium (360 px), with and
without JavaScript, CSRF on: staff dispatch the issue and accept its ticket, assign it to the
wrong unit (城管), which returns it; it is assigned to the property company, taken, finished
with a photo; the reporter is dissatisfied; staff call back (回访); the property company
handles it again (重办) and the reporter is satisfied. The issue's timeline names the
organisations, never the people. Every page is axe-clean and does not scroll sideways."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.compounds.models import Community
from app.core.time import utcnow
from app.dispatch import services
from app.dispatch.models import Ticket
from app.extensions import db
from app.issues import services as issue_services
from tests.e2e.harness import click_and_wait, login_browser
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
        db.session.commit()
        return {"compound": compound.id, "issue": issue.id, "staff": staff.id,
                "property": prop.id, "city": city.id, "owner": owner.id}


class DispatchStory(Story):
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

    story.step("staff", url, "accept", lambda p: _press(p, "受理"))
    story.step("staff", url, "assign-wrong", assign_to("城管中队"))

    def give_back(page):
        page.get_by_label("退回的理由或说明").fill("路灯归物业管，不是城管职责")
        _press(page, "退回")
    story.step("city", url, "return", give_back)
    story.step("staff", url, "reassign", assign_to("锦华物业"))
    story.step("property", url, "take", lambda p: _press(p, "接单"))

    def finish(note):
        def do(page):
            page.get_by_label("办理结果").fill(note)
            page.get_by_label("办结照片（最多 6 张）").set_input_files(
                files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": lamp_photo()}])
            _press(page, "办结反馈")
        return do
    story.step("property", url, "finish", finish("已更换灯泡"))

    def rate(label):
        def do(page):
            page.get_by_label(label, exact=True).check()
            _press(page, "提交评价")
        return do
    story.step("owner", url, "rate-unsatisfied", rate("不满意"))

    def call_back(page):
        page.get_by_label("回访的理由或说明").fill("电话回访：灯仍闪烁")
        _press(page, "回访")
    story.step("staff", url, "revisit", call_back)
    story.step("property", url, "redo", lambda p: _press(p, "重办"))
    story.step("property", url, "finish-again", finish("更换了整套灯具"))
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
    assert "锦华物业" in timeline and "工单：重办" in timeline
    assert "物业李经理" not in timeline and "城管张队" not in timeline
    assert "路灯归物业管" not in timeline  # a return is internal
    ctx.close()
