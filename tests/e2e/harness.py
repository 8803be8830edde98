"""Helpers for browser tests: accessibility checks, screenshots, logging a browser in."""
import json
import os
import re
import secrets
from pathlib import Path

import pytest

from app.accounts.models import UserSession
from app.accounts.session import SESSION_KEY, _hash
from app.core.time import utcnow
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Full-page PNGs cost a second or more each; take them only when asked (SCREENSHOTS=1).
TAKE_SCREENSHOTS = os.environ.get("SCREENSHOTS", "") not in ("", "0")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 360


def assert_axe_clean(page) -> None:
    """Run axe-core on the page as it is now; fail listing every WCAG 2.1 A/AA violation.
    The browser context bypasses our CSP so that the vendored script can be injected, once
    per page load (it is 654 KB): a page checked again after a change reuses it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_TAGS)
    violations = result["violations"]
    if violations:
        lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:"]
        for v in violations:
            targets = ", ".join(json.dumps(n["target"], ensure_ascii=False) for n in v["nodes"])
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} -> {targets}")
        pytest.fail("\n".join(lines), pytrace=False)


def assert_no_horizontal_scroll(page, width: int = PHONE_WIDTH) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways: {scroll}px wide on a {width}px screen"


def screenshot(page, name: str) -> Path:
    """With SCREENSHOTS=1, save a full-page PNG under test-artifacts/screenshots/ to look at
    after the run. Returns the path either way (other artefacts of the page go beside it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    if TAKE_SCREENSHOTS:
        page.screenshot(path=str(path), full_page=True)
    return path


def login_browser(context, server, user_id: int) -> None:
    """Log the browser in as the user with `user_id` without going through the login form:
    a real server-side session row and the signed cookie that points at it."""
    app = server.app
    token = secrets.token_urlsafe(32)
    with app.app_context():
        db.session.add(UserSession(user_id=user_id, token_hash=_hash(token)))
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        value = serializer.dumps({SESSION_KEY: token, "_user_id": str(user_id), "_fresh": True})
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": value,
                          "url": server.url + "/"}])


def click_and_wait(page, locator) -> None:
    """Click what submits a form or follows a link, and return once the next page has loaded:
    page.content() and page.url read mid-navigation are empty or stale."""
    with page.expect_navigation():
        locator.click()


def open_header_menu(page) -> None:
    """Signed in, 我的账户, 大字, the language switch and 退出 sit in the header's 更多 menu."""
    page.locator(".header-menu > summary").click()


class BrowserStory:
    """One person per browser context in a story test: `as_(who)` logs a new phone in,
    `look(page, name)` takes the next numbered screenshot and checks width and axe, and
    `advance_clock_to(moment)` moves the live server's clock forward."""

    def __init__(self, server, browser, args, ids, *, section: str, shot_prefix: str):
        self.server, self.browser, self.args, self.ids = server, browser, args, ids
        self.base = f"{server.url}/c/{ids['compound']}/{section}"
        self.shot_prefix = shot_prefix
        self.shots = 0
        self.without_js = set()  # contexts whose pages axe can't run in (it is a script)

    def as_(self, who, *, js: bool = True):
        context = self.browser.new_context(**self.args, java_script_enabled=js)
        if not js:
            self.without_js.add(id(context))
        login_browser(context, self.server, self.ids[who])
        return context, context.new_page()

    def look(self, page, name):
        self.shots += 1
        screenshot(page, f"{self.shot_prefix}-{self.shots:02d}-{name}")
        assert_no_horizontal_scroll(page)
        if id(page.context) not in self.without_js:
            assert_axe_clean(page)

    def app_now(self):
        """The app's clock, moved forward by the jumps so far."""
        with self.server.app.app_context():
            return utcnow()

    def advance_clock_to(self, moment):
        """The app's clock (CLOCK_OFFSET_SECONDS) jumps to a minute after `moment`."""
        offset = (moment - self.app_now()).total_seconds() + 60
        app = self.server.app
        app.config["CLOCK_OFFSET_SECONDS"] = app.config.get("CLOCK_OFFSET_SECONDS", 0) + offset
