"""Verification and roles pages in a phone-sized Chromium (CSRF on): accessible (axe, WCAG 2.1
A/AA), no sideways scrolling at 360 px, and the claim → approve story through real forms."""
import pytest

from app.compounds.models import Residency, RoleRequest, UnitClaim
from app.extensions import db
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    screenshot,
)
from tests.factories import (
    grant,
    make_compound,
    make_invite,
    make_resident,
    make_staff,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(live_server):
    with live_server.app.app_context():
        compound = make_compound(name="锦华苑")
        unit = make_unit(compound, building="3", entrance="2", room="501",
                         owners=[("王建国", "13900000001")])
        other_unit = make_unit(compound, building="3", entrance="2", room="502")
        make_invite(unit, code="JHYA2345")
        resident = make_user(name="李阿姨", mobile="13700000001")
        make_resident(resident, other_unit, "owner")
        asker = make_user(name="小赵", mobile="13700000002")
        db.session.add(UnitClaim(compound_id=compound.id, unit_id=unit.id, user_id=asker.id,
                                 relation="tenant", method="request", note="刚搬来"))
        db.session.add(RoleRequest(compound_id=compound.id, user_id=resident.id,
                                   role="party_member"))
        council = make_user(name="周议员")
        make_resident(council, make_unit(compound, room="601"), "family")
        grant(council, compound, "council")
        staff = make_staff(compound)
        newcomer = make_user(name="新住户", mobile="13700000003")
        db.session.commit()
        return {"compound": compound.id, "resident": resident.id, "staff": staff.id,
                "newcomer": newcomer.id}


def _check(page, url, name):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert page.locator("h1").count() == 1
    assert_no_horizontal_scroll(page)
    screenshot(page, f"compounds-{name}")
    assert_axe_clean(page)


def test_resident_pages(live_server, context, page, world):
    login_browser(context, live_server, world["resident"])
    base, cid = live_server.url, world["compound"]
    for name, path in [("overview-resident", f"/c/{cid}/"), ("my-roles", f"/c/{cid}/me"),
                       ("claim-code", "/c/claim?code=JHYA2345"),
                       ("claim-request-search", "/c/claim/request?q=锦华"),
                       ("claim-request-form", f"/c/claim/request?compound_id={cid}"),
                       ("my-claims", "/c/my-claims")]:
        _check(page, base + path, name)


def test_staff_pages(live_server, context, page, world):
    login_browser(context, live_server, world["staff"])
    base, cid = live_server.url, world["compound"]
    for name, path in [("overview-staff", f"/c/{cid}/"), ("claims-queue", f"/c/{cid}/claims"),
                       ("proxy-register", f"/c/{cid}/proxy-register"),
                       ("roles", f"/c/{cid}/roles"), ("party-queue", f"/c/{cid}/party")]:
        _check(page, base + path, name)


def test_claim_by_code_then_staff_approve_and_reject(live_server, context, page, world):
    base, cid = live_server.url, world["compound"]
    login_browser(context, live_server, world["newcomer"])
    page.goto(base + "/c/claim?code=jhya-2345")
    page.get_by_label("租户").check()
    click_and_wait(page, page.get_by_role("button", name="认证"))
    assert page.url.endswith(f"/c/{cid}/")
    assert "认证成功" in page.content()
    assert_axe_clean(page)  # with the flash message shown

    context.clear_cookies()
    login_browser(context, live_server, world["staff"])
    page.goto(base + f"/c/{cid}/claims")
    page.locator("summary", has_text="驳回").click()
    # No reason: refused, with the message next to the field.
    click_and_wait(page, page.get_by_role("button", name="确认驳回"))
    assert "请写明理由" in page.content()
    screenshot(page, "compounds-claims-queue-error")
    assert_axe_clean(page)
    click_and_wait(page, page.get_by_role("button", name="通过"))
    assert "已通过" in page.content()
    with live_server.app.app_context():
        assert db.session.query(Residency).count() == 4
        assert db.session.query(UnitClaim).filter_by(status="pending").count() == 0
