"""A scoped lift vote (列支范围) on a phone at 360 px: building 3's maintenance fund pays for its
lift, so building 3's owners decide. An owner of building 1 reads the notice, which names the
scope in plain words, and gives an opinion while the discussion is open; once voting opens they
are told why there is no ballot for them, and the to-do list asks nothing of them. An owner of
building 3 votes on a ballot that names the scope, and the result counts the scope only. Every
page is axe-clean."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.time import utcnow
from app.extensions import db
from app.proposals import services
from app.proposals.periods import earliest_voting_start
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.factories import make_resident, make_unit, make_user
from tests.proposals.helpers import World, summarise

pytestmark = pytest.mark.e2e

TITLE = "使用专项维修资金更换3栋电梯"


@pytest.fixture
def scoped_lift(live_server):
    """Two owners in building 1, three in building 3; the lift vote scoped to 3栋 has its
    notice published, voting opening in 15 days."""
    with live_server.app.app_context():
        w = World(n_owners=2)
        inside = []
        for room in ("301", "302", "303"):
            person = make_user(name=f"3栋业主{room}")
            unit = make_unit(w.compound, building="3", room=room, area="100.00",
                             owners=[(person.display_name, person.mobile)])
            make_resident(person, unit)
            inside.append(person)
        db.session.commit()
        p = services.create(w.party, w.compound, title=TITLE, body="3栋电梯已运行18年。",
                            kind="owners", matter=5, scope=["3栋"],
                            ballot_text="是否同意使用3栋专项维修资金更换电梯")
        now = utcnow()
        services.transition(w.party, p, "open_consultation", now=now - timedelta(days=30))
        summarise(w.party, p)
        services.transition(w.party, p, "submit_review", now=now - timedelta(minutes=3))
        services.transition(w.party_deputy, p, "approve_review", "同意。",
                            now=now - timedelta(minutes=2))
        w.council_decides(p, at=now - timedelta(minutes=1))
        opens = earliest_voting_start(now, 15)
        services.publish_notice(w.committee, p, opens_at=opens,
                                closes_at=opens + timedelta(days=7), opinion="同意付诸表决。",
                                now=now)
        db.session.commit()
        return {"compound": w.compound.id, "proposal": p.id, "opens": p.voting_opens_at,
                "closes": p.voting_closes_at, "outside": w.owners[0].id,
                **{f"inside{i}": u.id for i, u in enumerate(inside)}}


def test_outside_owner_reads_and_comments_but_only_the_scope_votes(
        live_server, browser, browser_context_args, scoped_lift):
    story = BrowserStory(live_server, browser, browser_context_args, scoped_lift,
                         section="proposals", shot_prefix="scoped")
    url = f"{story.base}/{scoped_lift['proposal']}"

    # The notice names the scope; the owner of building 1 gives an opinion.
    ctx, page = story.as_("outside")
    page.goto(url)
    expect(page.locator("#scope")).to_contain_text("这项表决只由3栋的业主投票")
    expect(page.locator(".facts")).to_contain_text("列支范围")
    page.get_by_label("评论").fill("支持3栋换电梯，施工时请注意安全。")
    click_and_wait(page, page.get_by_role("button", name="发表评论"))
    expect(page.get_by_text("支持3栋换电梯，施工时请注意安全。")).to_be_visible()
    story.look(page, "notice-outside-owner-comments")
    ctx.close()

    # Voting opens (the first visit after the time opens it).
    story.advance_clock_to(scoped_lift["opens"])
    ctx, page = story.as_("outside")
    page.goto(url)
    expect(page.get_by_text("您不参加这次表决：")).to_be_visible()
    expect(page.locator("main")).to_contain_text("您的房屋不在其中")
    assert page.get_by_role("link", name="去投票").count() == 0
    expect(page.get_by_text("支持3栋换电梯，施工时请注意安全。")).to_be_visible()
    story.look(page, "voting-outside-owner-reads")
    page.goto(f"{url}/vote")
    expect(page.get_by_text("您不在本次表决的投票人名单中。")).to_be_visible()
    assert page.locator("input[name=choice]").count() == 0
    story.look(page, "voting-outside-owner-no-ballot")
    page.goto(story.server.url + "/")
    assert TITLE not in page.locator("main").inner_text()
    story.look(page, "home-outside-owner-nothing-to-do")
    ctx.close()

    # An owner of building 3 finds the vote on the to-do list and votes.
    ctx, page = story.as_("inside0")
    page.goto(story.server.url + "/")
    expect(page.locator("main")).to_contain_text(TITLE)
    page.goto(f"{url}/vote")
    expect(page.locator("#scope")).to_contain_text("3栋")
    expect(page.locator("main")).to_contain_text("3-1-301")
    story.look(page, "ballot-inside-owner")
    page.get_by_label("同意").check()
    click_and_wait(page, page.get_by_role("button", name="提交选票"))
    story.look(page, "receipt-inside-owner")
    ctx.close()
    for who in ("inside1", "inside2"):
        ctx, page = story.as_(who)
        page.goto(f"{url}/vote")
        page.get_by_label("同意").check()
        click_and_wait(page, page.get_by_role("button", name="提交选票"))
        ctx.close()

    # After the deadline the result counts building 3 only: three owners, 300 m².
    story.advance_clock_to(scoped_lift["closes"])
    ctx, page = story.as_("outside")
    page.goto(f"{url}/result")
    expect(page.locator("#scope")).to_contain_text("3栋")
    expect(page.locator("main")).to_contain_text("300.00 m²")
    story.look(page, "result-scoped")
    ctx.close()
