"""One-time codes as people meet them, in a phone-sized Chromium with CSRF on: an owner
registers, proves their number from the claim page and becomes owner with the letter; a
resident who forgot the password gets back in by SMS; the unlock pages; staff hand a reset
code to a resident without a phone. Every page is axe-clean at 360 px, with screenshots."""
import re

import pytest

from app.accounts.services import find_by_mobile
from app.compounds.access import roles_in
from app.extensions import db
from tests.e2e.harness import (
    assert_axe_clean,
    assert_no_horizontal_scroll,
    click_and_wait,
    login_browser,
    open_header_menu,
    screenshot,
)
from tests.factories import (
    last_code,
    make_compound,
    make_invite,
    make_resident,
    make_staff,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.e2e
PASSWORD = "Lanes-of-Jinhua-9"


@pytest.fixture
def world(live_server):
    with live_server.app.app_context():
        compound = make_compound(name="锦华苑")
        unit = make_unit(compound, building="2", entrance="1", room="601",
                         owners=[("陈阿姨", "13900000201")])
        make_invite(unit, code="OWNR2345")
        forgetful = make_user(mobile="13900000202", name="忘了密码的老李")
        make_resident(forgetful, make_unit(compound), "owner")
        no_phone = make_user(mobile="13900000203", name="没有手机的刘奶奶")
        make_resident(no_phone, make_unit(compound), "owner")
        staff = make_staff(compound)
        db.session.commit()
        return {"compound": compound.id, "staff": staff.id}


def _look(page, name):
    assert_no_horizontal_scroll(page)
    screenshot(page, f"codes-{name}")
    assert_axe_clean(page)


def _code(server, mobile):
    with server.app.app_context():
        return last_code(mobile)


def test_owner_proves_the_number_then_claims(live_server, page, world):
    base = live_server.url
    page.goto(base + "/register")
    page.get_by_label("手机号").fill("13900000201")
    page.get_by_label("称呼").fill("陈阿姨")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("我已阅读并同意隐私说明").check()
    click_and_wait(page, page.get_by_role("button", name="注册"))
    wrong = f"{(int(_code(live_server, '13900000201')) + 1) % 10**6:06d}"
    page.get_by_label("短信验证码").fill(wrong)
    click_and_wait(page, page.get_by_role("button", name="验证", exact=True))
    assert "还可以再试 4 次" in page.content()
    _look(page, "verify-phone-wrong")
    page.goto(base + "/c/claim?code=OWNR2345")
    assert "您的手机号还没有验证" in page.content()
    _look(page, "claim-unproven")
    click_and_wait(page, page.get_by_role("link", name="先验证手机号"))
    page.get_by_label("短信验证码").fill(_code(live_server, "13900000201"))
    click_and_wait(page, page.get_by_role("button", name="验证", exact=True))
    assert page.url == base + "/c/claim?code=OWNR2345"  # back, the letter's code kept
    page.get_by_label("业主本人").check()
    click_and_wait(page, page.get_by_role("button", name="认证"))
    assert "认证成功" in page.content()
    with live_server.app.app_context():
        assert "owner" in roles_in(find_by_mobile("13900000201"), world["compound"])


def test_forgotten_password_by_sms_and_the_unlock_pages(live_server, page, world):
    base = live_server.url
    page.goto(base + "/login")
    click_and_wait(page, page.get_by_role("link", name="忘记密码？"))
    _look(page, "forgot")
    page.get_by_label("手机号").fill("139 0000 0202")
    click_and_wait(page, page.get_by_role("button", name="获取验证码"))
    assert page.url == base + "/password/reset"
    _look(page, "reset")
    page.get_by_label("验证码或重置码").fill(_code(live_server, "13900000202"))
    page.get_by_label("新密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入新密码").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="设置新密码"))
    assert "密码已重置" in page.content()
    page.get_by_label("手机号").fill("13900000202")
    page.get_by_label("密码").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="登录"))
    assert "/login" not in page.url  # in: landed on the home of the one compound
    page.goto(base + "/")
    assert "忘了密码的老李" in page.content()
    open_header_menu(page)
    click_and_wait(page, page.get_by_role("button", name="退出"))
    page.goto(base + "/login/unlock")
    _look(page, "unlock-request")
    page.get_by_label("手机号").fill("13900000202")
    click_and_wait(page, page.get_by_role("button", name="获取验证码"))
    _look(page, "unlock")


def test_staff_hand_out_a_reset_code(live_server, context, page, world):
    base, cid = live_server.url, world["compound"]
    login_browser(context, live_server, world["staff"])
    page.goto(base + f"/c/{cid}/reset-code")
    _look(page, "staff-reset-code")
    page.get_by_label("居民手机号").fill("13900000203")
    click_and_wait(page, page.get_by_role("button", name="发放重置码"))
    code = re.search(r"\b\d{8}\b", page.locator(".receipt-code").inner_text()).group()
    _look(page, "staff-reset-code-issued")
    context.clear_cookies()
    page.goto(base + "/password/reset")
    page.get_by_label("手机号").fill("13900000203")
    page.get_by_label("验证码或重置码").fill(code)
    page.get_by_label("新密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入新密码").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="设置新密码"))
    assert "密码已重置" in page.content()
