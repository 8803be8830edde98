import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.core.phones import mask_mobile
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user


def test_mask_mobile():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("") == "" and mask_mobile(None) == ""
    assert mask_mobile("12345") == "*****"
    assert "2341" not in mask_mobile("13812341234")[3:-4]
    assert len(mask_mobile("13900001111")) == 11


def test_user_masked_mobile_property(app):
    assert make_user(mobile="13900001111").masked_mobile == "139****1111"


def test_session_cookie_is_httponly_and_samesite_lax(client):
    make_user(mobile="13200000001")
    db.session.commit()
    response = client.post("/login", data={"mobile": "13200000001",
                                           "password": DEFAULT_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain http


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    response = app.test_client().get("/login", base_url="https://localhost")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_the_default_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_is_enforced_when_enabled(client):
    data = {"mobile": "13200000002", "display_name": "王阿姨", "password": "Jinhua-2026-pass",
            "confirm": "Jinhua-2026-pass", "consent": "y"}
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    # With the token from the page, the same request goes through.
    page = client.get("/register").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/register", data={**data, "csrf_token": token}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_logout_without_token_is_refused(client, login_as):
    login_as(make_user())
    assert client.post("/logout").status_code == 400
    assert client.get("/me").status_code == 200
