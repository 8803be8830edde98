"""Browser-test fixtures, loaded for the whole suite (tests/conftest.py `pytest_plugins`):
a live server on 127.0.0.1 and Debian's Chromium driven by Playwright at phone size.

They replace pytest-playwright's `playwright`, `browser`, `browser_context_args`, `context` and
`page`, so nothing tries to download a browser; Chromium comes from PATH. A missing Chromium
fails the tests (it never skips them): `make test` installs it where it can.

Use them by name in any test (`def test_x(live_server, page): ...`) and mark the module with
`pytestmark = pytest.mark.e2e`; helpers are in tests/e2e/harness.py."""
import shutil
import threading
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app.extensions import db
from tests.app_pool import pool

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN",
         "timezone_id": "Asia/Shanghai", "bypass_csp": True}
TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    app: Flask
    url: str


LIVE_OVERRIDES = {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False}
_servers: dict[int, tuple] = {}  # id(app) -> (server, thread), one per pooled app


def _serve(app: Flask):
    if id(app) not in _servers:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        _servers[id(app)] = (server, thread)
    return _servers[id(app)][0]


def _stop(app: Flask) -> None:
    server, thread = _servers.pop(id(app))
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def live_server(tmp_path):
    """The app on a SQLite file, served on a free port in a thread; CSRF on (as in real use),
    rate limits off. Seed data with `with live_server.app.app_context(): ...; commit()`.
    The server and its app stay up for the next test, which gets an empty database."""
    app = pool.check_out("sqlite", LIVE_OVERRIDES, tmp_path)
    server = _serve(app)
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        with app.app_context():
            db.session.remove()
        pool.check_in("sqlite", LIVE_OVERRIDES)
        if not pool.holds(app):
            _stop(app)


class _Shared:
    """One Playwright driver and one Chromium per test run, however many fixture definitions
    ask for them (a second sync Playwright in the same process would fail)."""

    users = 0
    playwright = None
    browser = None

    @classmethod
    def acquire(cls):
        if cls.users == 0:
            executable = shutil.which("chromium")
            if executable is None:
                pytest.fail("Chromium is not installed: browser tests need Debian's `chromium` "
                            "on PATH (as root: apt-get install -y chromium fonts-noto-cjk; "
                            "`make test` does this when it can).", pytrace=False)
            from playwright.sync_api import sync_playwright

            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        cls.users += 1
        return cls

    @classmethod
    def release(cls):
        cls.users -= 1
        if cls.users == 0:
            cls.browser.close()
            cls.playwright.stop()
            cls.browser = cls.playwright = None


@pytest.fixture(scope="session")
def playwright():
    yield _Shared.acquire().playwright
    _Shared.release()


@pytest.fixture(scope="session")
def browser():
    yield _Shared.acquire().browser
    _Shared.release()


@pytest.fixture(scope="session")
def browser_context_args():
    return dict(PHONE)


@pytest.fixture
def context(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def nojs_page(browser, browser_context_args):
    """A phone without JavaScript: every page must still work."""
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()
