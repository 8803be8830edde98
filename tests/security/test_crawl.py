"""Hostile ordinary input on every route of the URL map, as a visitor, an outsider, a resident
and staff of the demo compound (every domain has rows there): ids no column holds, NUL and
control characters in every query parameter and form field, redirect targets that leave the
site. Nothing may answer 500 or send the browser to another site."""
import pytest
from flask import redirect
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.session import SESSION_KEY
from app.compounds.demo import demo_compound
from app.extensions import db
from tests.factories import make_user
from tests.security.crawler import Crawler, Identity
from tests.seeded import seed_demo_once

pytestmark = pytest.mark.both_databases

# seed-demo's accounts (app.compounds.demo.ACCOUNTS)
STAFF_MOBILE, OWNER_MOBILE = "19900000002", "19900010001"


def test_no_route_answers_500_or_redirects_off_site(app, login_as):
    seed_demo_once()
    compound_id = demo_compound().id
    users = {u.mobile: u for u in db.session.scalars(
        select(User).where(User.mobile.in_([STAFF_MOBILE, OWNER_MOBILE])))}
    outsider = make_user()
    db.session.commit()

    cookies = app.session_interface.get_signing_serializer(app)

    def identity(name, user, member):
        client = login_as(user, app.test_client())

        def still_logged_in():
            cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
            if cookie is None or SESSION_KEY not in cookies.loads(cookie.value):
                login_as(user, client)

        return Identity(name, client, still_logged_in, member)

    staff = identity("staff", users[STAFF_MOBILE], True)
    resident = identity("resident", users[OWNER_MOBILE], True)
    visitor = Identity("visitor", app.test_client())
    crawler = Crawler(app)
    for who in (staff, resident):
        crawler.explore(who, ["/", "/me", "/notifications/", f"/c/{compound_id}/"])
    crawler.explore(visitor, ["/", "/login", "/register", "/privacy"])
    for who in (staff, resident, identity("outsider", outsider, False)):
        crawler.attack(who)
    crawler.attack(visitor, ids=False)  # every id path sends a visitor to log in first
    assert not crawler.failures, "\n".join(crawler.failures)


def test_the_crawler_sees_a_crash_and_a_redirect_off_site(app):
    """With this app's error handling under test, a crash must reach the crawler."""

    @app.get("/crash-for-the-crawler")
    def crash():
        raise RuntimeError("boom")

    @app.get("/leave-for-the-crawler")
    def leave():
        return redirect("/\t/evil.example")

    crawler = Crawler(app)
    who = Identity("visitor", app.test_client())
    crawler.send(who, "GET", "/crash-for-the-crawler")
    crawler.send(who, "GET", "/leave-for-the-crawler")
    assert len(crawler.failures) == 2, crawler.failures
