"""The proposal pages in headless Chromium at 360 px: each one axe-clean (WCAG 2.1 A/AA), no
sideways scrolling, screenshots under test-artifacts/screenshots/; and voting works without
JavaScript."""
import re

import pytest

from app.extensions import db
from app.proposals import services
from app.proposals.models import Objection
from tests.e2e.fixtures import PHONE
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url, vote_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(live_server):
    """A compound with a draft, a vote open now, and a closed vote with an objection."""
    with live_server.app.app_context():
        w = World(n_owners=6)
        w.compound.name = "锦华苑"
        w.compound.allows_temporary_meeting = True
        draft = services.create(w.party, w.compound, title="电动车集中充电棚",
                                body="在 **5 栋北侧** 建充电棚，费用由公共收益列支。",
                                kind="owners", matter=8)
        deliberation = w.proposal(matter=6)
        voting = open_now(w, w.proposal(matter=7))
        vote_now(voting, w.owners[1], "yes")
        vote_now(voting, w.owners[2], "no")
        closed = open_now(w, w.proposal(matter=4, options=["续聘现物业", "改聘新物业"]))
        for owner, choice in zip(w.owners, ["opt2", "opt2", "opt2", "opt1", "abstain"],
                                 strict=False):
            vote_now(closed, owner, choice)
        services.close_voting(closed, now=closed.voting_closes_at)
        db.session.add(Objection(proposal_id=closed.id, user_id=w.owners[3].id,
                                 body="3 栋有两户没有收到纸质选票。"))
        db.session.commit()
        ids = {"party": w.party.id, "committee": w.committee.id, "staff": w.staff.id,
               "owner": w.owners[0].id, "owner5": w.owners[5].id}
        paths = {"index": f"/c/{w.compound.id}/proposals/", "draft": url(draft),
                 "deliberation": url(deliberation), "voting": url(voting),
                 "closed": url(closed), "new": f"/c/{w.compound.id}/proposals/new"}
    return ids, paths


def _as(browser, server, user_id):
    ctx = browser.new_context(**PHONE)
    ctx.set_default_timeout(10_000)
    login_browser(ctx, server, user_id)
    return ctx, ctx.new_page()


def _check(page, server, path, name):
    response = page.goto(server.url + path)
    assert response.status == 200, path
    assert_no_horizontal_scroll(page)
    screenshot(page, f"proposals-{name}")
    assert_axe_clean(page)


def test_owner_votes_and_checks_the_receipt_at_360px(live_server, browser, seeded):
    ids, paths = seeded
    ctx, page = _as(browser, live_server, ids["owner"])
    _check(page, live_server, paths["index"], "index")
    _check(page, live_server, paths["voting"], "voting")
    click_and_wait(page, page.get_by_role("link", name="去投票"))
    assert_no_horizontal_scroll(page)
    screenshot(page, "proposals-vote")
    assert_axe_clean(page)
    # A choice the ballot does not offer (a tampered form) comes back beside the choices.
    page.locator('input[type="radio"]').first.evaluate("radio => { radio.value = 'maybe'; }")
    page.locator('input[type="radio"]').first.check()
    click_and_wait(page, page.get_by_role("button", name="提交选票"))
    assert page.locator(".vote-choices .error").inner_text() == "请选择一个有效的选项。"
    assert_no_horizontal_scroll(page)
    screenshot(page, "proposals-vote-refused")
    assert_axe_clean(page)
    page.get_by_text("同意", exact=True).click()
    click_and_wait(page, page.get_by_role("button", name="提交选票"))
    code = page.locator(".receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){4}", code)  # read in groups of four
    screenshot(page, "proposals-receipt")
    assert_axe_clean(page)
    click_and_wait(page, page.get_by_role("link", name="去公开选票名单核对"))
    page.get_by_label("用回执码查询我的选票").fill(code)
    click_and_wait(page, page.get_by_role("button", name="查询"))
    assert page.get_by_text(f"回执码 {code} 的选票已记录").is_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "proposals-ballots")
    assert_axe_clean(page)
    _check(page, live_server, paths["closed"] + "result", "result-member")
    ctx.close()


def test_staff_and_proposer_pages_at_360px(live_server, browser, seeded):
    ids, paths = seeded
    ctx, page = _as(browser, live_server, ids["staff"])
    _check(page, live_server, paths["closed"] + "result", "result-staff")
    _check(page, live_server, paths["closed"] + "print", "print")
    _check(page, live_server, paths["closed"] + "ballots", "ballots-closed")
    _check(page, live_server, paths["voting"] + "paper", "paper")
    _check(page, live_server, paths["voting"] + "proxies", "proxies")
    ctx.close()
    ctx, page = _as(browser, live_server, ids["party"])
    _check(page, live_server, paths["new"], "new")
    _check(page, live_server, paths["draft"], "draft")
    page.get_by_role("button", name="撤回议案").click()  # the empty reason is refused
    assert page.url.endswith(paths["draft"])
    ctx.close()
    ctx, page = _as(browser, live_server, ids["committee"])
    _check(page, live_server, paths["deliberation"], "notice-form")
    ctx.close()


def test_voting_works_without_javascript(live_server, browser, seeded):
    ids, paths = seeded
    ctx = browser.new_context(**PHONE, java_script_enabled=False)
    login_browser(ctx, live_server, ids["owner5"])
    page = ctx.new_page()
    page.goto(live_server.url + paths["voting"] + "vote")
    page.get_by_text("反对", exact=True).click()
    click_and_wait(page, page.get_by_role("button", name="提交选票"))
    assert page.locator(".receipt-code").is_visible()
    page.goto(live_server.url + paths["voting"])
    assert page.locator("progress").count() == 2
    screenshot(page, "proposals-voting-nojs")
    ctx.close()
