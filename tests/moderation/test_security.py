"""Cross-compound access: every moderation.* route, enumerated from the url map, is 403 for a
member of another compound (even one who moderates there), and nothing changes. Ids of
another compound's rows are 404 for this compound's moderators."""
import pytest

from app.extensions import db
from app.moderation import mutes, services
from tests.factories import grant
from tests.moderation.helpers import ModerationWorld, snapshot

FORM = {"reason": "x", "hide-reason": "x", "restore-reason": "x", "dismiss-note": "x",
        "mute-days": "7", "mute-reason": "x", "lift-reason": "x"}


@pytest.fixture
def w(app):
    world = ModerationWorld()
    services.report(world.owners[2], world.compound, services.target_of(world.rude), "骂人")
    world.mute = mutes.mute(world.party, world.compound, world.owners[3], 3, "骂人")
    db.session.commit()
    return world


def _url(rule, values):
    path = rule.rule
    for key, value in values.items():
        path = path.replace(f"<int:{key}>", str(value))
    return path.replace("<any(issue,comment):kind>", values["kind"])


def _rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("moderation.")]
    assert len(rules) >= 9
    return rules


@pytest.mark.parametrize("kind", ["issue", "comment"])
def test_every_route_is_403_for_another_compound(app, client, login_as, w, kind):
    grant(w.outsider, w.other, "party_cell")  # a moderator, but of another compound
    db.session.commit()
    values = {"compound_id": w.compound.id, "kind": kind,
              "target_id": w.rude.id if kind == "comment" else w.topic.id,
              "mute_id": w.mute.id}
    before = snapshot()
    login_as(w.outsider)
    for rule in _rules(app):
        url = _url(rule, values)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data=FORM)
            assert response.status_code == 403, (method, url, response.status_code)
    db.session.expire_all()
    assert snapshot() == before
    assert not w.rude.is_hidden and not w.topic.is_hidden
    assert mutes.active_mute(w.owners[3], w.compound) is not None


def test_another_compounds_ids_are_404_here(app, client, login_as, w):
    """The other compound's party cell addresses this compound's rows through its own
    compound id: not found, nothing changes."""
    grant(w.outsider, w.other, "party_cell")
    db.session.commit()
    values = {"compound_id": w.other.id, "kind": "comment", "target_id": w.rude.id,
              "mute_id": w.mute.id}
    before = snapshot()
    login_as(w.outsider)
    for rule in _rules(app):
        if "<int:target_id>" not in rule.rule and "<int:mute_id>" not in rule.rule:
            continue
        url = _url(rule, values)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data=FORM)
            assert response.status_code == 404, (method, url, response.status_code)
    db.session.expire_all()
    assert snapshot() == before and not w.rude.is_hidden


def test_ordinary_members_get_403_on_every_moderator_route(app, client, login_as, w):
    values = {"compound_id": w.compound.id, "kind": "comment", "target_id": w.rude.id,
              "mute_id": w.mute.id}
    open_to_members = {"moderation.report", "moderation.log"}
    before = snapshot()
    login_as(w.council)
    for rule in _rules(app):
        if rule.endpoint in open_to_members:
            continue
        url = _url(rule, values)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data=FORM)
            assert response.status_code == 403, (method, url, response.status_code)
    db.session.expire_all()
    assert snapshot() == before and not w.rude.is_hidden
