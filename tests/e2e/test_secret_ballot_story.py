"""A secret ballot as its owners live it on a phone: each votes and keeps a receipt; while
voting is open the receipt finds nothing but the word that the ballots are sealed, and no split
is shown; after the deadline the count is opened and the receipt finds the voter's own choice,
beside totals that name nobody. Every page is axe-clean at 360 px."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.proposals.models import Proposal
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.proposals.helpers import World
from tests.proposals.web import open_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def secret_vote(live_server):
    with live_server.app.app_context():
        w = World(n_owners=3)
        p = open_now(w, w.proposal(matter=4, is_secret=True), closes_in=timedelta(hours=2))
        ids = {"compound": w.compound.id, "proposal": p.id, "closes": p.voting_closes_at,
               **{f"owner{i}": o.id for i, o in enumerate(w.owners)}}
        db.session.commit()
        return ids


def _vote(story, who, label):
    ctx, page = story.as_(who)
    page.goto(f"{story.base}/{story.ids['proposal']}/vote")
    page.get_by_label(label).check()
    click_and_wait(page, page.get_by_role("button", name="提交选票"))
    code = page.get_by_label("回执码").inner_text().replace(" ", "")  # shown in groups of 4
    return ctx, page, code


def test_owners_vote_in_secret_and_find_their_own_choice_after_the_count(
        live_server, browser, browser_context_args, secret_vote):
    story = BrowserStory(live_server, browser, browser_context_args, secret_vote,
                         section="proposals", shot_prefix="secret")
    ballots = f"{story.base}/{secret_vote['proposal']}/ballots"
    ctx, page, code = _vote(story, "owner0", "同意")
    story.look(page, "receipt")
    page.goto(ballots)
    page.get_by_label("用回执码查询我的选票").fill(code)
    click_and_wait(page, page.get_by_role("button", name="查询"))
    assert code not in page.url  # posted: the receipt stays out of URLs and access logs
    expect(page.get_by_text("无记名选票在投票期间密封保存")).to_be_visible()
    assert "同意" not in page.locator("#found-h + p").inner_text()
    story.look(page, "receipt-while-sealed")
    page.goto(f"{story.base}/{secret_vote['proposal']}")
    turnout = page.locator("#turnout").inner_text()
    assert "各选项的票数在投票截止后公布" in turnout and "同意" not in turnout
    story.look(page, "proposal-while-open")
    ctx.close()
    for who, label in (("owner1", "反对"), ("owner2", "同意")):
        _vote(story, who, label)[0].close()

    story.advance_clock_to(secret_vote["closes"])
    ctx, page = story.as_("owner0")
    page.goto(f"{ballots}?receipt={code}")  # the first visit after the deadline opens the urn
    expect(page.locator("#found-h + p")).to_contain_text("同意")
    story.look(page, "receipt-after-count")
    with live_server.app.app_context():
        assert db.session.get(Proposal, secret_vote["proposal"]).state == "objection"
    page.goto(f"{story.base}/{secret_vote['proposal']}")
    story.look(page, "result")
    ctx.close()
