"""Every redirect whose target comes from the request stays on this site, as a browser reads
the Location: it drops tabs and line breaks anywhere and takes a backslash for a slash."""
import re

import pytest

from app.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.security.crawler import off_site

LEAVING = ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\r\n/evil.example",
           "\t//evil.example", " //evil.example", "https://evil.example/", "javascript:alert(1)",
           "/\\\t\\evil.example", "http:/\\evil.example"]
PREFERENCES = ["/prefs/language", "/prefs/large-text"]


def _hidden_next(html: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S).group(0)
    return re.search(r'name="next" value="([^"]*)"', form).group(1)


@pytest.mark.parametrize("action", PREFERENCES)
def test_a_tab_slash_page_address_does_not_send_the_language_switch_off_site(client, action):
    """/%09/evil.example: the page's own address goes into the 大字/English forms."""
    page = client.get("/%09/evil.example")
    assert page.status_code in (400, 404)
    target = _hidden_next(page.get_data(as_text=True), action)
    response = client.post(action, data={"lang": "en", "next": target.replace("&#9;", "\t")})
    assert response.status_code == 302
    assert not off_site(response.headers["Location"])
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", LEAVING)
@pytest.mark.parametrize("action", PREFERENCES)
def test_preferences_never_redirect_off_site(client, action, target):
    response = client.post(action, data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert not off_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", LEAVING)
def test_login_never_redirects_off_site(client, app, target):
    user = make_user()
    db.session.commit()
    response = client.post("/login", data={"mobile": user.mobile, "password": DEFAULT_PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    assert not off_site(response.headers["Location"]), response.headers["Location"]


def test_a_path_of_this_site_is_kept(client):
    response = client.post("/prefs/large-text", data={"next": "/c/1/issues/?page=2"})
    assert response.headers["Location"] == "/c/1/issues/?page=2"
