"""Voted, or not mine, on a 360 px phone: an owner with two votes open sees 待您投票 on the
list, opens one, votes, goes back, and from then on no page invites him to that vote again;
he finds his receipt while logged in. A tenant of the same compound is told why the owners'
vote is not hers, with no button. Every page is axe-clean."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.factories import make_resident, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_votes(live_server):
    with live_server.app.app_context():
        w = World(n_owners=3)
        owner = w.owners[0]
        owner.display_name = "陈志强"
        tenant = make_user(name="刘丽")
        make_resident(tenant, w.units[0], "tenant")
        first = open_now(w, w.proposal(matter=4))
        second = open_now(w, w.proposal(matter=5))
        first.title, second.title = "续聘物业服务企业", "使用维修资金更换电梯"
        db.session.commit()
        return {"compound": w.compound.id, "owner": owner.id, "tenant": tenant.id,
                "first": first.id, "second": second.id}


def test_the_owner_votes_once_and_is_not_invited_again(live_server, browser,
                                                      browser_context_args, two_votes):
    story = BrowserStory(live_server, browser, browser_context_args, two_votes,
                         section="proposals", shot_prefix="standing")
    ctx, page = story.as_("owner")
    page.goto(story.base + "/")
    expect(page.get_by_text("待您投票")).to_have_count(2)
    story.look(page, "list-two-open")
    click_and_wait(page, page.get_by_role("link", name="续聘物业服务企业"))
    expect(page.get_by_text("待您投票")).to_be_visible()
    story.look(page, "proposal-to-vote")
    click_and_wait(page, page.get_by_role("link", name="去投票"))
    page.get_by_label("同意").check()
    click_and_wait(page, page.get_by_role("button", name="提交选票"))
    code = page.get_by_label("回执码", exact=True).inner_text()
    assert len(code.split(" ")) == 5  # CBC6 C999 ...: grouped in fours
    story.look(page, "receipt")
    click_and_wait(page, page.get_by_role("link", name="返回议案"))
    assert "去投票" not in page.content() and "待您投票" not in page.content()
    expect(page.get_by_text("您已于")).to_be_visible()
    story.look(page, "proposal-voted")
    click_and_wait(page, page.get_by_role("link", name="查看我的回执码"))
    expect(page.locator("#mine-h + ul")).to_contain_text(code)
    story.look(page, "my-receipts")
    page.goto(story.base + "/")
    expect(page.get_by_text("待您投票")).to_have_count(1)  # only the other vote
    expect(page.get_by_text("您已于")).to_have_count(1)
    story.look(page, "list-one-voted")
    page.goto(f"{live_server.url}/c/{two_votes['compound']}/")
    assert "去投票" not in page.content()
    ctx.close()

    ctx, page = story.as_("tenant")
    page.goto(f"{story.base}/{two_votes['first']}/")
    expect(page.get_by_text("租户、家庭成员不参加业主共同决定")).to_be_visible()
    assert page.get_by_role("link", name="去投票").count() == 0
    story.look(page, "tenant-proposal")
    page.goto(story.base + "/")
    assert "去投票" not in page.content() and "待您投票" not in page.content()
    story.look(page, "tenant-list")
    ctx.close()
