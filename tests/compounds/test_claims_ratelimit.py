"""Claiming by code is rate limited per account, against guessing codes."""
import pytest

from app.extensions import db
from tests.factories import make_compound, make_invite, make_unit, make_user


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "CLAIM_LIMIT_PER_USER": "3 per hour"}


def test_claim_attempts_are_limited_per_account(app, client, login_as):
    unit = make_unit(make_compound())
    make_invite(unit, code="GOOD2345")
    guesser = make_user()
    other = make_user()
    db.session.commit()
    login_as(guesser)
    for guess in ("AAAA2345", "BBBB2345", "CCCC2345"):
        response = client.post("/c/claim", data={"code": guess, "relation": "tenant"})
        assert response.status_code == 400
    assert client.get("/c/claim").status_code == 200  # looking at the form costs nothing
    response = client.post("/c/claim", data={"code": "GOOD2345", "relation": "tenant"})
    assert response.status_code == 429  # even the right code, once over the limit
    # Someone else (on the same network) is not affected.
    login_as(other)
    response = client.post("/c/claim", data={"code": "GOOD2345", "relation": "tenant"})
    assert response.status_code == 302
