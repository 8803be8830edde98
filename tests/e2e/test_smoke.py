"""The public pages at phone width: accessible, no sideways scrolling, fine without JS."""
import pytest

from app.audit.services import record
from app.extensions import db
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)
from tests.factories import make_compound, make_resident, make_unit, make_user

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [("home", "/"), ("login", "/login"), ("register", "/register"),
                ("privacy", "/privacy")]


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES)
def test_public_page_at_360px(live_server, page, name, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert page.locator("h1").count() >= 1, f"{path} has no heading"
    assert_no_horizontal_scroll(page)
    screenshot(page, f"smoke-{name}")
    assert_axe_clean(page)


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES)
def test_public_page_without_javascript(live_server, nojs_page, name, path):
    response = nojs_page.goto(live_server.url + path)
    assert response.status == 200
    assert nojs_page.locator("h1").first.is_visible()
    assert nojs_page.locator("footer a[href='/privacy']").is_visible()
    screenshot(nojs_page, f"smoke-nojs-{name}")


def test_language_switch_and_large_text_without_javascript(live_server, nojs_page):
    nojs_page.goto(live_server.url + "/")
    click_and_wait(nojs_page, nojs_page.get_by_role("button", name="English"))
    assert nojs_page.locator("html").get_attribute("lang") == "en"
    click_and_wait(nojs_page, nojs_page.get_by_role("button", name="中文"))
    assert nojs_page.locator("html").get_attribute("lang") == "zh-Hans"
    click_and_wait(nojs_page, nojs_page.get_by_role("button", name="大字"))
    assert "large-text" in (nojs_page.locator("body").get_attribute("class") or "")


def test_audit_trail_at_360px(live_server, context, page):
    with live_server.app.app_context():
        compound = make_compound(name="锦华苑")
        viewer = make_user(name="王小明")
        make_resident(viewer, make_unit(compound))
        for i in range(8):
            record(viewer, compound, "account.registered" if i % 2 else "role.granted",
                   viewer, {"i": i}, actor_role="owner" if i % 2 else "staff")
        db.session.commit()
        compound_id, viewer_id = compound.id, viewer.id
    login_browser(context, live_server, viewer_id)
    response = page.goto(f"{live_server.url}/c/{compound_id}/audit")
    assert response.status == 200
    assert not page.locator("#head-hash").is_visible()  # folded under 如何核验
    page.locator("summary", has_text="如何核验").first.click()
    assert page.locator("#head-hash").is_visible()
    assert page.locator(".audit-list > li").count() == 9  # and the viewer's verified home
    assert_no_horizontal_scroll(page)
    screenshot(page, "audit-trail")
    assert_axe_clean(page)


def test_axe_helper_fails_on_a_violation(page):
    page.set_content('<!doctype html><html lang="zh-Hans"><head><title>t</title></head>'
                     '<body><main><h1>t</h1><img src="x.png"><input type="text"></main></body>'
                     '</html>')
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_axe_clean(page)
    assert "image-alt" in str(failure.value) and "label" in str(failure.value)


def test_english_home_at_360px(live_server, page):
    page.goto(live_server.url + "/")
    click_and_wait(page, page.get_by_role("button", name="English"))
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Compound Deliberation Platform"
    assert_no_horizontal_scroll(page)
    screenshot(page, "smoke-home-en")
    assert_axe_clean(page)
