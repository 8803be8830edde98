"""The community and subdistrict desks in a browser at 360 px: they fit, are axe-clean, the
charts carry their numbers in words, and the figures' links open the filtered ticket list."""
import pytest

from app.extensions import db
from tests.dispatch.test_desk import DeskWorld
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(live_server):
    with live_server.app.test_request_context():
        w = DeskWorld()
        ids = {"community": w.community.id, "subdistrict": w.subdistrict.id,
               "staff": w.staff.id, "sub_staff": w.sub_staff.id}
        db.session.commit()
        return ids


def _look(page, url, name):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"desk-{name}")
    assert_axe_clean(page)


def test_community_desk(live_server, context, page, world):
    login_browser(context, live_server, world["staff"])
    _look(page, f"{live_server.url}/community/{world['community']}/", "community")
    charts = page.locator("svg[role=img]")
    assert charts.count() == 3
    label = charts.first.get_attribute("aria-label")
    assert len(label.split("：", 1)[1].split("；")) == 12  # twelve months, said in words
    click_and_wait(page, page.locator("a[href*='open=1']").first)
    assert "/tickets?open=1" in page.url
    assert_no_horizontal_scroll(page)


def test_subdistrict_desk(live_server, context, page, world):
    login_browser(context, live_server, world["sub_staff"])
    _look(page, f"{live_server.url}/subdistrict/{world['subdistrict']}/", "subdistrict")
    assert page.locator("svg[role=img]").count() == 3
