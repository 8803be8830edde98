from sqlalchemy import func, select

from app.accounts.models import User, UserSession
from app.audit.models import AuditEntry
from app.extensions import db
from tests.factories import make_user, sms_to

GOOD = {"mobile": "138 0013 8000", "display_name": "王阿姨", "password": "Jinhua-2026-pass",
        "confirm": "Jinhua-2026-pass", "consent": "y"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post(client, **changes):
    data = {**GOOD, **changes}
    return client.post("/register", data={k: v for k, v in data.items() if v is not None})


def test_register_page_shows_privacy_notice_and_consent(client):
    page = client.get("/register")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<details" in html and "保存多久" in html
    assert 'name="consent"' in html and 'type="tel"' in html


def test_register_creates_account_logs_in_and_asks_for_the_sms_code(client):
    response = _post(client)
    assert response.status_code == 302 and response.headers["Location"] == "/me/phone"
    user = db.session.scalar(select(User))
    assert user.mobile == "13800138000" and user.display_name == "王阿姨"
    assert user.privacy_consented_at is not None
    assert user.password_hash != GOOD["password"]
    assert _count(UserSession) == 1
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions == ["account.registered", "account.login", "phone_code.issued"]
    assert len(sms_to("13800138000")) == 1
    page = client.get("/me/phone").get_data(as_text=True)
    assert "验证手机号" in page and "以后再验证" in page
    home = client.get("/")
    assert "您好，王阿姨" in home.get_data(as_text=True)


def test_duplicate_mobile_is_refused_next_to_the_field_and_writes_nothing(client):
    make_user(mobile="13800138000")
    db.session.commit()
    before = (_count(User), _count(AuditEntry), _count(UserSession))
    response = _post(client, display_name="冒名者")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "这个手机号已经注册过了" in html
    assert 'id="mobile-err"' in html
    assert (_count(User), _count(AuditEntry), _count(UserSession)) == before
    # What was typed is kept, passwords are not.
    assert 'value="冒名者"' in html
    assert GOOD["password"] not in html


def _refused(client, response, message):
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    assert message in html
    assert _count(User) == 0 and _count(AuditEntry) == 0 and _count(UserSession) == 0
    assert client.get("/me").status_code == 302  # not logged in
    return html


def test_bad_mobile(client):
    html = _refused(client, _post(client, mobile="1234567"), "请输入正确的 11 位手机号")
    assert 'value="1234567"' in html


def test_short_password(client):
    _refused(client, _post(client, password="Ab1!x", confirm="Ab1!x"), "密码至少需要 8 位")


def test_common_password(client):
    _refused(client, _post(client, password="password123", confirm="password123"),
             "这个密码太常见")


def test_password_containing_the_mobile(client):
    _refused(client, _post(client, password="x13800138000", confirm="x13800138000"),
             "密码不能包含手机号")


def test_confirmation_mismatch(client):
    _refused(client, _post(client, confirm="Jinhua-2026-pasS"), "两次输入的密码不一致")


def test_no_consent(client):
    html = _refused(client, _post(client, consent=None), "请阅读并同意隐私说明")
    assert 'value="王阿姨"' in html


def test_missing_name(client):
    _refused(client, _post(client, display_name="  "), "请填写称呼")


def test_logged_in_user_is_sent_home_from_register(client, login_as):
    login_as(make_user())
    assert client.get("/register").status_code == 302
