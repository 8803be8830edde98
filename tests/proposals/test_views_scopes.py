"""Pages of a scoped owners' decision (列支范围): an owner outside the scope reads the proposal,
gives an opinion while the discussion is open, and is told in plain words why there is no
ballot for them; the scope is named on the notice, the ballot, the result and the exports."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.core.time import utcnow
from app.extensions import db
from app.proposals import ballots, services
from tests.factories import make_resident, make_unit, make_user
from tests.proposals.helpers import World, summarise
from tests.proposals.web import open_now, url

pytestmark = pytest.mark.both_databases


class Lift(World):
    """Owners in building 1 (World's) and three in building 3; a lift vote scoped to 3栋."""

    def __init__(self):
        super().__init__(n_owners=2)
        self.inside = []
        for room in ("301", "302", "303"):
            person = make_user(name=f"3栋业主{room}")
            unit = make_unit(self.compound, building="3", room=room, area="100.00",
                             owners=[(person.display_name, person.mobile)])
            make_resident(person, unit)
            self.inside.append(person)
        self.outside = self.owners[0]
        db.session.commit()
        self.p = services.create(self.party, self.compound, title="更换3栋电梯", body="",
                                 kind="owners", matter=5, scope=["3栋"])
        services.transition(self.party, self.p, "open_consultation",
                            now=utcnow() - timedelta(days=30))
        db.session.commit()


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_outside_owner_reads_and_comments_but_gets_no_ballot(app, client, login_as):
    w = Lift()
    login_as(w.outside)
    page = _text(client.get(url(w.p)))
    assert "列支范围：" in page and "这项表决只由3栋的业主投票" in page
    response = client.post(url(w.p, "comments"), data={"body": "支持3栋换电梯"})
    assert response.status_code == 302
    summarise(w.party, w.p)
    services.transition(w.party, w.p, "submit_review")
    services.transition(w.party_deputy, w.p, "approve_review", "同意。")
    db.session.commit()
    p = open_now(w, w.p)
    page = _text(client.get(url(p)))
    assert "支持3栋换电梯" in page and "3栋" in page
    assert "这项表决只由3栋的业主投票，您的房屋不在其中" in page
    assert "去投票" not in page
    vote = client.get(url(p, "vote"))
    assert vote.status_code == 200
    assert "您不在本次表决的投票人名单中" in _text(vote) and "只由3栋的业主投票" in _text(vote)
    assert 'name="choice"' not in _text(vote)
    # Posting a ballot for an inside owner's seat is refused, nothing cast.
    seat = ballots.members_for_voter(p, w.inside[0])[0]
    response = client.post(url(p, "vote"), data={"member_id": seat.id, "choice": "yes"})
    assert response.status_code in (403, 409) and ballots.voted_member_ids(p, [seat.id]) == set()
    # The to-do list on the home page asks nothing of the outside owner.
    assert "更换3栋电梯" not in _text(client.get("/"))
    # Inside, the to-do list asks, and the ballot is there and names the scope.
    login_as(w.inside[0])
    assert "更换3栋电梯" in _text(client.get("/"))
    vote = _text(client.get(url(p, "vote")))
    assert 'name="choice"' in vote and "列支范围：" in vote and "3-1-301" in vote
    response = client.post(url(p, "vote"), data={"member_id": seat.id, "choice": "yes"})
    assert response.status_code == 302 and ballots.voted_member_ids(p, [seat.id]) == {seat.id}


def test_scope_is_named_on_the_result_and_the_exports(app, client, login_as):
    w = Lift()
    summarise(w.party, w.p)
    services.transition(w.party, w.p, "submit_review")
    services.transition(w.party_deputy, w.p, "approve_review", "同意。")
    db.session.commit()
    p = open_now(w, w.p)
    for person in w.inside:
        member = ballots.members_for_voter(p, person)[0]
        ballots.cast_in_person(p.id, member.id, person, "yes", now=utcnow())
    db.session.commit()
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    login_as(w.outside)
    result = _text(client.get(url(p, "result")))
    assert "列支范围：" in result and "3栋" in result and "300.00 m²" in result
    assert "列支范围：" in _text(client.get(url(p, "print")))
    rows = [c for r in load_workbook(io.BytesIO(client.get(url(p, "export.xlsx")).data))[
        "汇总"].iter_rows(values_only=True) for c in r if c is not None]
    assert "列支范围" in rows and "3栋" in rows
    doc = client.get(url(p, "export.json")).get_json()
    assert doc["scope"] == "3栋" and len(doc["units"]) == 3


def test_the_draft_form_takes_a_scope_and_refuses_a_wrong_one_beside_the_field(
        app, client, login_as):
    w = Lift()
    login_as(w.party)
    fields = {"title": "更换3栋电梯", "kind": "owners", "matter": "5", "ballot_type": "simple",
              "council_body": "council"}
    response = client.post(f"/c/{w.compound.id}/proposals/new",
                           data={**fields, "scope": "9栋"})
    assert response.status_code == 400
    page = _text(response)
    assert "本小区没有这些楼栋或房屋：9栋" in page and 'value="9栋"' in page
    response = client.post(f"/c/{w.compound.id}/proposals/new",
                           data={**fields, "scope": "3栋 1-1-101"})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "3栋、1栋1单元101" in page
    edit = _text(client.get(response.headers["Location"] + "edit"))
    assert 'value="3栋、1-1-101"' in edit
