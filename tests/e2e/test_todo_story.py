"""On a 360 × 740 phone, the demo owner goes from the login page to a cast ballot in four taps
without scrolling: log in, the vote at the top of his compound's to-do list, his choice,
submit. Afterwards no page invites him to that vote again. The demo tenant has no vote
button on the owners' vote."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.compounds.demo import DEMO_PASSWORD, demo_compound
from app.extensions import db
from app.proposals.models import Proposal
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    login_browser,
    screenshot,
)
from tests.seeded import seed_demo_once

pytestmark = pytest.mark.e2e

OWNER, TENANT = "19900010001", "19900000006"
HEIGHT = 740


@pytest.fixture
def demo(live_server):
    with live_server.app.test_request_context():
        seed_demo_once()
        compound = demo_compound()
        owners_vote = db.session.scalar(select(Proposal).where(
            Proposal.compound_id == compound.id, Proposal.state == "voting",
            Proposal.kind == "owners"))
        tenant = db.session.scalar(select(User.id).where(User.mobile == TENANT))
        return {"compound": compound.id, "vote": owners_vote.id, "title": owners_vote.title,
                "tenant": tenant}


class Taps:
    """Counts taps, and refuses one on something the person would have to scroll to."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator, *, navigates=True):
        assert self.page.evaluate("window.scrollY") == 0, f"scrolled on {self.page.url}"
        box = locator.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (
            f"not in view without scrolling on {self.page.url}: {box}")
        self.count += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
        else:
            locator.click()


def test_login_to_a_cast_ballot_in_four_taps_and_never_invited_again(live_server, page, demo):
    base = f"{live_server.url}/c/{demo['compound']}"
    vote_path = f"/c/{demo['compound']}/proposals/{demo['vote']}/vote"
    taps = Taps(page)
    page.goto(live_server.url + "/login")
    page.get_by_label("手机号").fill(OWNER)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    taps.tap(page.get_by_role("button", name="登录"))
    assert page.url == base + "/"
    screenshot(page, "todo-owner-home")
    taps.tap(page.locator(f'#todo a[href="{vote_path}"]'))
    taps.tap(page.get_by_label("同意").first, navigates=False)
    screenshot(page, "todo-owner-vote")
    taps.tap(page.get_by_role("button", name="提交选票").first)
    expect(page.get_by_label("回执码", exact=True).first).to_be_visible()
    assert taps.count <= 4

    for url in (base + "/", live_server.url + "/"):
        page.goto(url)
        assert vote_path not in page.locator("#todo").inner_html()
    page.goto(base + "/proposals/")
    item = page.locator("li", has=page.get_by_role("link", name=demo["title"]))
    expect(item.first).to_be_visible()
    assert "待您投票" not in item.first.inner_text()
    page.goto(f"{base}/proposals/{demo['vote']}/")
    assert page.get_by_role("link", name="去投票").count() == 0
    assert "待您投票" not in page.content()
    assert_no_horizontal_scroll(page)


def test_the_tenant_has_no_vote_button_on_the_owners_vote(live_server, context, page, demo):
    login_browser(context, live_server, demo["tenant"])
    base = f"{live_server.url}/c/{demo['compound']}"
    page.goto(base + "/")
    assert f"/proposals/{demo['vote']}/vote" not in page.locator("#todo").inner_html()
    assert_no_horizontal_scroll(page)
    screenshot(page, "todo-tenant-home")
    assert_axe_clean(page)
    page.goto(f"{base}/proposals/{demo['vote']}/")
    assert page.get_by_role("link", name="去投票").count() == 0
    assert page.get_by_role("button", name="提交选票").count() == 0
