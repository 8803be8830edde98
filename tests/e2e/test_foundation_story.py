"""The foundation as people meet it, in a phone-sized Chromium with CSRF on, on the seeded
demo compound: a newcomer registers, types back the SMS code that proves their number and
claims a unit with the code on its letter, a second
newcomer asks staff for approval and staff approve through the login form, then every demo
account logs in with its printed password. Every page on the way is axe-clean at 360 px."""
import pytest
from sqlalchemy import select

from app.compounds.demo import ACCOUNTS, DEMO_PASSWORD, demo_compound, seed_demo
from app.compounds.models import Building, InviteCode, Residency, Unit, UnitClaim
from app.extensions import db
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    open_header_menu,
    screenshot,
)
from tests.factories import last_code
from tests.seeded import seeded

pytestmark = pytest.mark.e2e


def _look(page, name):
    assert_no_horizontal_scroll(page)
    screenshot(page, f"story-{name}")
    assert_axe_clean(page)


def _register(page, server, mobile, name):
    base = server.url
    page.goto(base + "/register")
    page.get_by_label("手机号").fill(mobile)
    page.get_by_label("称呼").fill(name)
    page.get_by_label("密码", exact=True).fill("Lanes-of-Jinhua-9")
    page.get_by_label("再次输入密码").fill("Lanes-of-Jinhua-9")
    page.get_by_label("我已阅读并同意隐私说明").check()
    _look(page, f"register-{mobile}")
    click_and_wait(page, page.get_by_role("button", name="注册"))
    assert page.url == base + "/me/phone", page.url
    _look(page, f"verify-phone-{mobile}")
    with server.app.app_context():
        code = last_code(mobile)
    page.get_by_label("短信验证码").fill(code)
    click_and_wait(page, page.get_by_role("button", name="验证", exact=True))
    assert page.url.rstrip("/") == base, page.url


def _login(page, base, mobile, password):
    page.goto(base + "/login")
    page.get_by_label("手机号").fill(mobile)
    page.get_by_label("密码").fill(password)
    click_and_wait(page, page.get_by_role("button", name="登录"))


def _logout(page):
    open_header_menu(page)
    click_and_wait(page, page.get_by_role("button", name="退出"))


def _seed():
    seed_demo()
    db.session.commit()


@pytest.fixture
def demo(live_server):
    with live_server.app.test_request_context():
        seeded("demo", _seed)
        compound = demo_compound()
        claimed = select(Residency.unit_id)
        free = db.session.scalars(select(Unit).where(
            Unit.compound_id == compound.id, Unit.id.not_in(claimed),
            Unit.holding_id.is_not(None)).order_by(Unit.id)).all()
        first, second = free[0], free[1]
        code = db.session.scalar(select(InviteCode.code).where(
            InviteCode.unit_id == first.id, InviteCode.used_at.is_(None),
            InviteCode.revoked_at.is_(None)))
        building = db.session.get(Building, second.building_id)
        return {"compound": compound.id, "code": code, "first": first.id,
                "second": (building.name, second.entrance, second.room), "second_id": second.id}


def test_register_claim_approve_and_every_role_logs_in(live_server, browser,
                                                       browser_context_args, demo):
    base, cid = live_server.url, demo["compound"]
    newcomer = browser.new_context(**browser_context_args)
    page = newcomer.new_page()
    _register(page, live_server, "13912340001", "新来的王阿姨")
    page.goto(base + f"/c/claim?code={demo['code']}")
    page.get_by_label("家庭成员").check()
    _look(page, "claim-code")
    click_and_wait(page, page.get_by_role("button", name="认证"))
    assert page.url.endswith(f"/c/{cid}/")
    _look(page, "overview-newcomer")
    newcomer.close()

    asker = browser.new_context(**browser_context_args)
    page = asker.new_page()
    _register(page, live_server, "13912340002", "小刘")
    building, entrance, room = demo["second"]
    page.goto(base + f"/c/claim/request?compound_id={cid}")
    page.get_by_label("楼栋").select_option(label=f"{building}栋")
    page.get_by_label("单元").fill(entrance)
    page.get_by_label("房号").fill(room)
    page.get_by_label("租户").check()
    page.get_by_label("补充说明（选填）").fill("刚租下这套房")
    _look(page, "claim-request")
    click_and_wait(page, page.get_by_role("button", name="提交申请"))
    _look(page, "claim-requested")
    asker.close()

    staff = browser.new_context(**browser_context_args)
    page = staff.new_page()
    staff_account = next(a for a in ACCOUNTS if "staff" in a.role)
    _login(page, base, staff_account.mobile, DEMO_PASSWORD)
    page.goto(base + f"/c/{cid}/claims")
    _look(page, "claims-queue")
    item = page.locator(".card", has_text="刚租下这套房")
    click_and_wait(page, item.get_by_role("button", name="通过"))
    assert "已通过" in page.content()
    staff.close()
    with live_server.app.app_context():
        claim = db.session.scalar(select(UnitClaim).where(UnitClaim.unit_id == demo["second_id"]))
        assert claim.status == "approved"
        assert db.session.scalar(select(Residency.relation).where(
            Residency.claim_id == claim.id)) == "tenant"

    for account in ACCOUNTS:
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        _login(page, base, account.mobile, DEMO_PASSWORD)
        if "admin" in account.role or "subdistrict" in account.role:
            assert page.url == base + "/", account.role  # both compounds of the subdistrict
        else:
            assert page.url == base + f"/c/{cid}/", account.role  # their only compound
        page.goto(base + "/")
        assert account.name in page.content(), account.role
        _look(page, f"home-{account.mobile}")
        if "admin" not in account.role:
            page.goto(base + f"/c/{cid}/")
            assert page.locator("h1").inner_text() == "锦华苑", account.role
            _look(page, f"overview-{account.mobile}")
        _logout(page)
        assert "登录" in page.content()
        context.close()
