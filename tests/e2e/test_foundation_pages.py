"""Every page of the foundation on the seeded demo, as the role that uses it: answers 200,
fits a 360 px screen, is axe-clean (WCAG 2.1 A/AA), and is screenshotted for a look.
The error pages are checked too, in both languages."""
import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.compounds.demo import demo_compound, seed_demo
from app.compounds.models import Building
from app.compounds.roster import export_xlsx
from app.extensions import db
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    open_header_menu,
    screenshot,
)
from tests.seeded import seeded

pytestmark = pytest.mark.e2e

STAFF, OWNER, TENANT = "19900000002", "19900010001", "19900000006"


def _seed():
    seed_demo()
    db.session.commit()


@pytest.fixture
def demo(live_server):
    with live_server.app.test_request_context():
        seeded("demo", _seed)
        compound = demo_compound()
        users = {m: db.session.scalar(select(User.id).where(User.mobile == m))
                 for m in (STAFF, OWNER, TENANT)}
        building = db.session.scalar(select(Building.id).where(
            Building.compound_id == compound.id).order_by(Building.id))
        return {"compound": compound.id, "building": building, **users}


def _visit(page, url, name):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert page.locator("h1").count() >= 1, url
    assert_no_horizontal_scroll(page)
    screenshot(page, f"pages-{name}")
    assert_axe_clean(page)


def test_staff_pages(live_server, context, page, demo):
    login_browser(context, live_server, demo[STAFF])
    base, cid = live_server.url, demo["compound"]
    for name, path in [
        ("home-staff", "/"), ("overview-staff", f"/c/{cid}/"),
        ("roster", f"/c/{cid}/roster"), ("roster-import", f"/c/{cid}/roster/import"),
        ("letters", f"/c/{cid}/letters"),
        ("letters-print", f"/c/{cid}/letters/{demo['building']}"),
        ("claims-queue", f"/c/{cid}/claims"), ("proxy-register", f"/c/{cid}/proxy-register"),
        ("roles", f"/c/{cid}/roles"), ("party-queue", f"/c/{cid}/party"),
        ("audit-trail", f"/c/{cid}/audit"), ("notifications", "/notifications/"),
    ]:
        _visit(page, base + path, name)


def test_roster_preview_page(live_server, context, page, demo, tmp_path):
    """The import preview of a re-uploaded export: every unit unchanged."""
    with live_server.app.test_request_context():
        from app.compounds.models import Compound
        data = export_xlsx(db.session.get(Compound, demo["compound"]))
    path = tmp_path / "roster.xlsx"
    path.write_bytes(data)
    login_browser(context, live_server, demo[STAFF])
    page.goto(live_server.url + f"/c/{demo['compound']}/roster/import")
    page.locator("input[type=file]").set_input_files(str(path))
    click_and_wait(page, page.locator("form button[type=submit]").last)
    assert "/roster/import/" in page.url
    assert_no_horizontal_scroll(page)
    screenshot(page, "pages-roster-preview")
    assert_axe_clean(page)


def test_resident_and_account_pages(live_server, context, page, demo):
    login_browser(context, live_server, demo[OWNER])
    base, cid = live_server.url, demo["compound"]
    for name, path in [
        ("home-owner", "/"), ("overview-owner", f"/c/{cid}/"), ("my-roles", f"/c/{cid}/me"),
        ("my-claims", "/c/my-claims"), ("claim-code", "/c/claim"),
        ("claim-request", f"/c/claim/request?compound_id={cid}"),
        ("profile", "/me"), ("password", "/me/password"), ("delete", "/me/delete"),
        ("privacy", "/privacy"),
    ]:
        _visit(page, base + path, name)


def test_error_pages_are_friendly_and_accessible(live_server, context, page, demo):
    login_browser(context, live_server, demo[TENANT])
    base = live_server.url
    for status, path in [(404, "/no/such/page"), (403, f"/c/{demo['compound']}/roster")]:
        response = page.goto(base + path)
        assert response.status == status
        assert_no_horizontal_scroll(page)
        screenshot(page, f"pages-error-{status}")
        assert_axe_clean(page)
    open_header_menu(page)
    click_and_wait(page, page.get_by_role("button", name="English"))
    response = page.goto(base + "/no/such/page")
    assert response.status == 404 and "not" in page.content().lower()
    assert_axe_clean(page)
