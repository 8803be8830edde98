"""Every tap target on the pages each demo role visits is at least 44 x 44 CSS px on a 360 px
phone (WCAG 2.5.5): buttons, links outside running text, form controls and <summary>, with
every <details> opened. The header fits one row in Chinese and in English.

The rule for "running text": a link that shares its parent element with words of its own (a
text node with a letter or digit beside it, not just a separator like "·") is read as part of
a sentence and is exempt. A checkbox or radio counts the box of its label, since the whole
label is what a thumb taps."""
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.compounds.demo import demo_compound, seed_demo
from app.extensions import db
from app.issues import comments
from app.issues.services import post_issue
from app.proposals import services as proposals
from app.proposals.discussion import proposal_subject
from tests.e2e.harness import (
    assert_axe_clean,
    click_and_wait,
    login_browser,
    open_header_menu,
    screenshot,
)
from tests.proposals.helpers import hold_deciding_meeting, to_deliberation
from tests.proposals.web import open_now
from tests.seeded import seeded

pytestmark = pytest.mark.e2e

MIN = 44
OWNER, TENANT, STAFF, PARTY_CELL, COMMITTEE = (
    "19900010001", "19900000006", "19900000002", "19900000003", "19900010005")

# Everything a thumb may tap, visible, measured; [] when all are big enough.
MEASURE = r"""min => {
  const small = [];
  const inText = el => el.tagName === 'A' && [...el.parentElement.childNodes].some(
      n => n.nodeType === Node.TEXT_NODE && /[\p{L}\p{N}]/u.test(n.textContent));
  // Folded content counts too: open every <details> (the header menu among them).
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const targets = document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, label[for]');
  for (const el of targets) {
    if (inText(el)) continue;
    let box = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      box = el.closest('label') || document.querySelector(`label[for="${el.id}"]`) || el;
    }
    if (el.matches('label[for]')) {
      const control = document.getElementById(el.getAttribute('for'));
      // A label tapped to focus a text box is not a target of its own; a choice label is.
      if (!control || !control.matches('input[type=checkbox], input[type=radio]')) continue;
    }
    const r = box.getBoundingClientRect();
    const style = getComputedStyle(box);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.skip-link') && r.right < 0) continue;  // shown only on keyboard focus
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const label = (el.innerText || el.value || el.name || el.id || '').trim().slice(0, 30);
      const size = `${r.width.toFixed(0)}x${r.height.toFixed(0)}`;
      small.push(`<${el.tagName.toLowerCase()}> "${label}" ${size}`);
    }
  }
  return small;
}"""


def _seed():
    seed_demo()
    db.session.commit()


@pytest.fixture
def demo_world(live_server):
    """The demo compound with one proposal open for voting and one issue."""
    with live_server.app.test_request_context():
        seeded("demo", _seed)
        compound = demo_compound()
        people = {m: db.session.scalar(select(User).where(User.mobile == m))
                  for m in (OWNER, TENANT, STAFF, PARTY_CELL, COMMITTEE)}
        party = people[PARTY_CELL]
        proposal = proposals.create(people[COMMITTEE], compound, title="更换 3 号楼电梯",
                                    body="**理由**", kind="owners", matter=4)
        to_deliberation(proposal, people[COMMITTEE], people[PARTY_CELL])
        open_now(SimpleNamespace(committee=people[COMMITTEE], council_decides=lambda p, at: (
            hold_deciding_meeting(compound, p, people[PARTY_CELL], at))), proposal)
        issue = post_issue(people[OWNER], compound, title="地下车库漏水", body="B2 靠近电梯口",
                           category="公共设施")
        # A proposal in consultation with opinions: the discussion's forms and links.
        talk = proposals.create(party, compound, title="增设充电棚", body="请发表意见",
                                kind="consultation", options=["南门", "北门"])
        proposals.transition(party, talk, "open_consultation")
        subject = proposal_subject(talk, talk.options[0])
        first = comments.post_comment(people[OWNER], subject, "支持", stance="support")
        comments.post_comment(people[TENANT], subject, "同意", parent=first, show_as="anonymous")
        comments.post_comment(party, subject, "党支部答复", official=True)
        db.session.commit()
        return {"compound": compound.id, "proposal": proposal.id, "issue": issue.id,
                "talk": talk.id,
                **{m: u.id for m, u in people.items()}}


def _resident_pages(c, w):
    p, i = f"/c/{c}/proposals/{w['proposal']}", f"/c/{c}/issues/{w['issue']}"
    return ["/", f"/c/{c}/", f"/c/{c}/proposals/", p, f"/c/{c}/proposals/{w['talk']}/",
            f"/c/{c}/issues/", i,
            f"/c/{c}/issues/new", f"/c/{c}/notices/", f"/c/{c}/meetings/",
            f"/c/{c}/covenants/", "/notifications/", "/me", f"/c/{c}/me", f"/c/{c}/rules"]


ROLES = {
    OWNER: lambda c, w: _resident_pages(c, w) + [f"/c/{c}/proposals/{w['proposal']}/vote"],
    TENANT: _resident_pages,
    STAFF: lambda c, w: ["/", f"/c/{c}/", f"/c/{c}/roster", f"/c/{c}/roster/import",
                         f"/c/{c}/letters", f"/c/{c}/claims", f"/c/{c}/roles",
                         f"/c/{c}/proposals/", f"/c/{c}/issues/", f"/c/{c}/rules", "/me"],
    PARTY_CELL: lambda c, w: ["/", f"/c/{c}/", f"/c/{c}/moderation/", f"/c/{c}/party",
                              f"/c/{c}/proposals/", f"/c/{c}/proposals/{w['proposal']}",
                              f"/c/{c}/proposals/{w['talk']}/",
                              f"/c/{c}/proposals/{w['talk']}/summary",
                              f"/c/{c}/proposals/new", "/me"],
}


@pytest.mark.parametrize("mobile", list(ROLES), ids=["owner", "tenant", "staff", "party_cell"])
def test_every_tap_target_is_at_least_44px(live_server, browser, browser_context_args,
                                           demo_world, mobile):
    context = browser.new_context(**browser_context_args)
    login_browser(context, live_server, demo_world[mobile])
    page = context.new_page()
    small = {}
    for path in ROLES[mobile](demo_world["compound"], demo_world):
        response = page.goto(live_server.url + path)
        assert response.status == 200, (path, response.status)
        if path == "/":
            screenshot(page, f"tap-home-{mobile}")
            assert_axe_clean(page)
        found = page.evaluate(MEASURE, MIN)
        if found:
            small[path] = found
    context.close()
    assert not small, "tap targets under 44x44 px:\n" + "\n".join(
        f"{path}: {', '.join(items)}" for path, items in small.items())


# The boxes of the header's targets (brand, links, the menu or the preferences), left to right.
HEADER_BOXES = """() => [...document.querySelectorAll(
    '.site-header > a, .site-header nav a, .site-header > details > summary, .prefs button')]
  .map(el => { const r = el.getBoundingClientRect();
               return {top: r.top, left: r.left, right: r.right}; })"""


def _assert_header_one_row(page, where):
    """One row: every target starts at the same height, none overlaps the next, and there is
    room between neighbours (2 px at least), all inside the 360 px screen."""
    boxes = page.evaluate(HEADER_BOXES)
    assert len(boxes) >= 4, (where, boxes)
    assert max(b["top"] for b in boxes) - min(b["top"] for b in boxes) < 4, (where, boxes)
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert right["left"] - left["right"] >= 2, (where, boxes)
    assert boxes[-1]["right"] <= 360, (where, boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, where


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "signed-out"])
def test_header_is_one_row_in_both_languages(live_server, browser, browser_context_args,
                                            demo_world, signed_in):
    context = browser.new_context(**browser_context_args)
    if signed_in:
        login_browser(context, live_server, demo_world[PARTY_CELL])  # has unread notifications
    page = context.new_page()
    page.goto(live_server.url + "/")
    _assert_header_one_row(page, "zh")
    if signed_in:
        page.locator(".header-menu > summary").click()
        screenshot(page, "tap-header-menu-open")
        assert_axe_clean(page)
    click_and_wait(page, page.get_by_role("button", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    _assert_header_one_row(page, "en")
    screenshot(page, f"tap-header-en-{'in' if signed_in else 'out'}")
    if signed_in:
        open_header_menu(page)
    click_and_wait(page, page.get_by_role("button", name="Large text"))
    assert "large-text" in (page.locator("body").get_attribute("class") or "")
    _assert_header_one_row(page, "en, large text")
    screenshot(page, f"tap-header-en-large-{'in' if signed_in else 'out'}")
    if signed_in:
        open_header_menu(page)
    click_and_wait(page, page.get_by_role("button", name="中文"))
    _assert_header_one_row(page, "zh, large text")
    context.close()


FIRST_SCREEN = 740  # the phone's viewport height


def _top(page, selector):
    return page.locator(selector).first.evaluate("el => el.getBoundingClientRect().top")


def test_content_comes_first_on_a_phone(live_server, page, context, demo_world):
    """The issue list shows issues on the first screen with its filters folded behind 筛选
    (open while one is in force); the proposal page leads with its state and the vote, the
    legal terms (《民法典》) after the text."""
    login_browser(context, live_server, demo_world[OWNER])
    base = f"{live_server.url}/c/{demo_world['compound']}"
    page.goto(f"{base}/issues/")
    assert page.locator("details.filters").get_attribute("open") is None
    assert _top(page, ".issue-list a") < FIRST_SCREEN
    screenshot(page, "tap-issue-list")
    page.goto(f"{base}/issues/?status=open")
    assert page.locator("details.filters").get_attribute("open") is not None
    assert page.locator("#f-status").input_value() == "open"

    page.goto(f"{base}/proposals/{demo_world['proposal']}")
    vote = _top(page, "#turnout a.button")
    assert vote < FIRST_SCREEN
    assert _top(page, "#body-h") < _top(page, ".facts")
    assert vote < _top(page, ".facts")
    screenshot(page, "tap-proposal-page")
