"""Personal tokens: made and revoked on /me/api-tokens (CSRF-protected, audited, shown once,
stored hashed, at most five), read only what their person reads on the site, refused at once
when revoked; rate-limited per token."""
import re

import pytest
from sqlalchemy import select

from app.api.models import MAX_LIVE_TOKENS, ApiToken
from app.api.tokens import hash_token
from app.audit.models import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.issues import services as issue_services
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import World

CSRF = {"WTF_CSRF_ENABLED": True}


def _csrf(page) -> str:
    html = page.get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("app_overrides", [CSRF])
def test_a_token_is_made_shown_once_audited_and_revoked_on_me(app, client, login_as, api):
    user = make_user(name="张三")
    db.session.commit()
    login_as(user)
    assert "/me/api-tokens" in client.get("/me").get_data(as_text=True)
    page = client.get("/me/api-tokens")
    assert page.status_code == 200
    assert client.post("/me/api-tokens", data={"name": "记账"}).status_code == 400  # no CSRF
    assert db.session.scalar(select(ApiToken)) is None
    made = client.post("/me/api-tokens", data={"name": "记账", "csrf_token": _csrf(page)})
    assert made.status_code == 200
    plain = re.search(r"(yst_[A-Za-z0-9_-]+)", made.get_data(as_text=True)).group(1)
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hash_token(plain) and plain not in repr(vars(row))
    assert plain not in client.get("/me/api-tokens").get_data(as_text=True)  # shown once
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.created"))
    assert entry.actor_id == user.id and entry.object_id == row.id
    me = api.get("/api/v1/me", token=plain).get_json()
    assert me["id"] == user.id and me["token_name"] == "记账"
    listed = client.get("/me/api-tokens").get_data(as_text=True)
    assert "最近使用" in listed  # the use above was noted
    revoke = f"/me/api-tokens/{row.id}/revoke"
    assert client.post(revoke).status_code == 400  # no CSRF
    assert client.post(revoke, data={"csrf_token": _csrf(page)}).status_code == 302
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "api_token.revoked")).object_id == row.id
    refused = api.get("/api/v1/me", token=plain)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    # Even on public data, a revoked token is refused rather than read as anonymous.
    assert api.get("/api/v1/compounds", token=plain).status_code == 401


def test_at_most_five_live_tokens(app):
    from app.api import tokens

    user = make_user()
    for i in range(MAX_LIVE_TOKENS):
        tokens.create_token(user, f"t{i}")
    with pytest.raises(ServiceError) as refused:
        tokens.create_token(user, "one more")
    assert refused.value.status == 409
    first = db.session.scalar(select(ApiToken).where(ApiToken.name == "t0"))
    tokens.revoke_token(user, first.id)
    tokens.create_token(user, "after revoking")
    db.session.commit()
    with pytest.raises(ServiceError):
        tokens.revoke_token(make_user(), first.id)  # nobody revokes another's token


@pytest.mark.both_databases
def test_the_database_refuses_a_sixth_live_token_in_a_taken_slot(app):
    from sqlalchemy.exc import IntegrityError

    user = make_user()
    db.session.add(ApiToken(user_id=user.id, name="a", slot=1, token_hash="a" * 64, prefix="a"))
    db.session.flush()
    db.session.add(ApiToken(user_id=user.id, name="b", slot=1, token_hash="b" * 64, prefix="b"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _issue(w, title="楼道灯坏了"):
    issue_services.post_issue(w.owners[0], w.compound, title=title, body="2栋楼道灯不亮。",
                              category="公共设施", show_as="anonymous")
    db.session.commit()


def test_members_read_their_compound_and_nobody_else_does(app, api, token_for):
    w = World(n_owners=2)
    _issue(w)
    base = f"/api/v1/compounds/{w.compound.id}"
    for part in ("issues", "proposals", "meetings"):
        assert api.get(f"{base}/{part}").status_code == 401  # anonymous: members only
    outsider = make_user(name="外小区业主")
    make_resident(outsider, make_unit(make_compound("别的小区"), room="901"))
    db.session.commit()
    other = token_for(outsider)
    for part in ("issues", "proposals", "meetings"):
        refused = api.get(f"{base}/{part}", token=other)
        assert refused.status_code == 403 and "楼道灯" not in refused.get_data(as_text=True)
    neighbour = api.get(f"{base}/issues", token=token_for(w.owners[1])).get_json()
    assert [i["title"] for i in neighbour["items"]] == ["楼道灯坏了"]
    assert neighbour["items"][0]["author"] != w.owners[0].display_name  # anonymous, as on site
    staff = api.get(f"{base}/issues", token=token_for(w.staff)).get_json()
    assert staff["items"][0]["author"] == w.owners[0].display_name  # staff see who, as on site
    mine = api.get("/api/v1/me", token=token_for(w.owners[1])).get_json()
    assert [c["id"] for c in mine["compounds"]] == [w.compound.id]
    assert "owner" in mine["compounds"][0]["roles"]
    text = api.get(f"{base}/issues", token=token_for(w.owners[1])).get_data(as_text=True)
    assert not any(o.mobile in text for o in w.owners)


def test_a_closed_account_s_tokens_stop_at_once(app, api, token_for):
    from app.accounts.personal_data import delete_account
    from tests.factories import DEFAULT_PASSWORD

    w = World(n_owners=1)
    plain = token_for(w.owners[0])
    assert api.get("/api/v1/me", token=plain).status_code == 200
    delete_account(w.owners[0], DEFAULT_PASSWORD)
    db.session.commit()
    assert api.get("/api/v1/me", token=plain).status_code == 401


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True,
                                            "API_RATE_LIMIT": "3 per minute"}])
def test_the_rate_limit_counts_per_token(app, api, token_for):
    w = World(n_owners=2)
    first, second = token_for(w.owners[0]), token_for(w.owners[1])
    for _ in range(3):
        assert api.get("/api/v1/me", token=first).status_code == 200
    limited = api.get("/api/v1/me", token=first)
    assert limited.status_code == 429 and limited.get_json()["status"] == "TOO_MANY_REQUESTS"
    assert api.get("/api/v1/me", token=second).status_code == 200  # its own count
    assert api.get("/api/v1/compounds").status_code == 200  # anonymous: by address
