"""Every compounds route that takes a compound_id, whoever added it: a member of compound A
gets 403 on compound B, an anonymous visitor is sent to log in, a missing compound is 404.
Routes are read from the URL map, so routes added later are covered without editing this."""
import pytest
from sqlalchemy import select

from app.compounds.models import Building, RoleRequest, UnitClaim
from app.core.time import utcnow
from app.extensions import db
from tests.factories import (
    grant,
    make_compound,
    make_invite,
    make_resident,
    make_staff,
    make_unit,
    make_user,
)

MISSING = 999_999


def _compound_rules(app):
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint.startswith("compounds.") and "compound_id" in r.arguments]
    assert len(rules) >= 10, "the compounds blueprint lost its routes"
    return rules


def _urls(app, compound_id):
    """(url, method) for every compound route, other ids filled with 1 (which, in a fresh
    database, are compound B's rows: B's objects are made first)."""
    out = []
    for rule in _compound_rules(app):
        values = dict.fromkeys(rule.arguments, 1)
        values["compound_id"] = compound_id
        _, url = rule.build(values)
        for method in sorted(rule.methods & {"GET", "POST"}):
            out.append((rule.endpoint, url, method))
    return out


@pytest.fixture
def two_compounds(app):
    """Compound B with one of everything (ids 1), then compound A in another community."""
    b = make_compound(name="乙小区")
    b_unit = make_unit(b, owners=[("业主乙", "13900009999")])
    b_user = make_user()
    make_resident(b_user, b_unit, "owner")
    db.session.add(UnitClaim(compound_id=b.id, unit_id=b_unit.id, user_id=b_user.id,
                             relation="tenant", method="request"))
    db.session.add(RoleRequest(compound_id=b.id, user_id=b_user.id, role="party_member",
                               created_at=utcnow()))
    grant(b_user, b, "council")
    make_invite(b_unit)
    b_staff = make_staff(b)
    a = make_compound(name="甲小区")
    a_member = make_user()
    make_resident(a_member, make_unit(a), "owner")
    grant(a_member, a, "committee")
    a_staff = make_staff(a)
    db.session.commit()
    assert db.session.scalar(select(Building.compound_id).where(Building.id == 1)) == b.id
    return {"a": a, "b": b, "a_member": a_member, "a_staff": a_staff, "b_staff": b_staff}


def _call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_anonymous_is_sent_to_login(app, client, two_compounds):
    for endpoint, url, method in _urls(app, two_compounds["b"].id):
        response = _call(client, method, url)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/login" in response.headers["Location"], (endpoint, method)


@pytest.mark.parametrize("who", ["a_member", "a_staff"])
def test_people_of_compound_a_get_403_on_compound_b(app, client, login_as, two_compounds, who):
    login_as(two_compounds[who])
    for endpoint, url, method in _urls(app, two_compounds["b"].id):
        response = _call(client, method, url)
        assert response.status_code == 403, (endpoint, method, response.status_code)


def test_missing_compound_is_404(app, client, login_as, two_compounds):
    login_as(two_compounds["a_staff"])
    for endpoint, url, method in _urls(app, MISSING):
        response = _call(client, method, url)
        assert response.status_code == 404, (endpoint, method, response.status_code)


def test_staff_of_compound_b_are_let_in(app, client, login_as, two_compounds):
    """The control: the same GET pages open for B's own staff, so the 403s above are real."""
    login_as(two_compounds["b_staff"])
    for endpoint, url, method in _urls(app, two_compounds["b"].id):
        if method != "GET":
            continue
        response = _call(client, method, url)
        assert response.status_code not in (401, 403), (endpoint, response.status_code)
        assert response.status_code < 500, (endpoint, response.status_code)
