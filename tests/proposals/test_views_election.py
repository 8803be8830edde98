"""An election over HTTP: the seats on the draft form, nominating (oneself, by mobile, as the
preparatory group), joining a nomination, the candidate's own statement, the party cell's
review, the ballot's ticks without JavaScript, paper ballots that tick too many, and the
result page with every candidate against the threshold."""
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.proposals import ballots, elections, services
from app.proposals.models import Ballot, Proposal
from app.proposals.models_election import ElectionCandidate
from tests.proposals.helpers import World, to_deliberation
from tests.proposals.web import open_now, url

pytestmark = pytest.mark.both_databases

PDF = b"%PDF-1.4\n%%EOF\n"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _election(world, seats=2):
    p = services.create(world.party, world.compound, title="选举业委会", body="",
                        kind="owners", matter=3, seats=seats)
    to_deliberation(p, world.party, world.party_deputy)
    db.session.commit()
    return p


def test_the_draft_form_makes_an_election_with_seats(app, client, login_as):
    w = World(n_owners=2)
    login_as(w.party)
    base = {"title": "选举第二届业委会", "kind": "owners", "matter": "3",
            "ballot_type": "election"}
    refused = client.post(f"/c/{w.compound.id}/proposals/new", data={**base, "seats": "0"})
    assert refused.status_code == 400 and "应选名额须在 1 到 15 名之间" in _text(refused)
    assert db.session.scalar(select(Proposal)) is None
    wrong = client.post(f"/c/{w.compound.id}/proposals/new",
                        data={**base, "matter": "4", "seats": "5"})
    assert wrong.status_code == 400 and "第三项" in _text(wrong)
    made = client.post(f"/c/{w.compound.id}/proposals/new", data={**base, "seats": "5"})
    assert made.status_code == 302
    assert db.session.scalar(select(Proposal.seats)) == 5


def test_nominate_support_review_and_statement_over_http(app, client, login_as):
    w = World(n_owners=4)
    w.compound.candidate_nominators = 2
    db.session.commit()
    p = _election(w)
    login_as(w.owners[0])
    page = client.get(url(p, "candidates"))
    assert page.status_code == 200 and "推荐候选人" in _text(page)
    assert client.post(url(p, "candidates/nominate"),
                       data={"statement": "愿意服务"}).status_code == 302
    again = client.post(url(p, "candidates/nominate"), data={})
    assert again.status_code == 409 and "已经被推荐" in _text(again)
    stranger = client.post(url(p, "candidates/nominate"), data={"mobile": "13800000000"})
    assert stranger.status_code == 404 and "没有找到" in _text(stranger)
    row = db.session.scalar(select(ElectionCandidate))
    login_as(w.party_deputy)  # one supporter of two: not yet approvable
    early = client.post(url(p, f"candidates/{row.id}/review"),
                        data={"verdict": "approved", "opinion": "同意"})
    assert early.status_code == 409 and "不足 2 人" in _text(early)
    blank = client.post(url(p, f"candidates/{row.id}/review"), data={"verdict": "approved"})
    assert blank.status_code == 400 and "请填写审议意见" in _text(blank)
    login_as(w.owners[1])
    assert "我也推荐" in _text(client.get(url(p, "candidates")))
    assert client.post(url(p, f"candidates/{row.id}/support")).status_code == 302
    login_as(w.party_deputy)
    assert client.post(url(p, f"candidates/{row.id}/review"),
                       data={"verdict": "approved", "opinion": "符合条件"}).status_code == 302
    login_as(w.owners[0])
    shown = client.post(url(p, f"candidates/{row.id}/statement"),
                        data={"statement": "退休会计", "shows_party_membership": "y"})
    assert shown.status_code == 400 and "尚未经党支部确认" in _text(shown)
    assert client.post(url(p, f"candidates/{row.id}/statement"),
                       data={"statement": "退休会计"}).status_code == 302
    db.session.expire_all()
    row = db.session.get(ElectionCandidate, row.id)
    assert (row.review_verdict, row.statement) == ("approved", "退休会计")
    page = _text(client.get(url(p, "candidates")))
    assert "符合条件" in page and w.owners[0].mobile not in page


def _open_election(w, seats=2, n=3):
    p = _election(w, seats)
    for owner in w.owners[:n]:
        row = elections.nominate(owner, p, owner)
        elections.review(w.party_deputy, row, "approved", "同意")
    db.session.commit()
    return open_now(w, p)


def test_the_ballot_ticks_candidates_without_javascript(app, client, login_as):
    w = World(n_owners=4)
    p = _open_election(w)
    voter = w.owners[3]
    member = ballots.members_for_voter(p, voter)[0]
    login_as(voter)
    page = _text(client.get(url(p, "vote")))
    assert 'type="checkbox"' in page and w.owners[0].display_name in page
    form = {"member_id": member.id, "choice": "marks"}
    empty = client.post(url(p, "vote"), data=form)
    assert empty.status_code == 400 and "不选任何候选人" in _text(empty)
    too_many = client.post(url(p, "vote"), data={**form, "mark": ["1", "2", "3"]})
    assert too_many.status_code == 400 and "最多只能选 2 人" in _text(too_many)
    assert 'value="3" checked' in _text(too_many)  # the ticks are kept
    assert db.session.scalar(select(Ballot)) is None
    assert client.post(url(p, "vote"), data={**form, "mark": ["2", "1"]}).status_code == 302
    assert db.session.scalar(select(Ballot.choice)) == "c1+c2"
    login_as(w.owners[2])
    other = ballots.members_for_voter(p, w.owners[2])[0]
    assert client.post(url(p, "vote"), data={"member_id": other.id, "choice": "marks",
                                             "mark_none": "1"}).status_code == 302
    assert set(db.session.scalars(select(Ballot.choice))) == {"c1+c2", "none"}


def test_paper_ballot_ticking_too_many_is_entered_invalid(app, client, login_as):
    w = World(n_owners=4)
    p = _open_election(w)
    login_as(w.staff)
    response = client.post(url(p, "paper"), data={
        "member": w.units[0].number, "paper_ref": "P-01", "choice": "marks",
        "mark": ["1", "2", "3"], "scan": (io.BytesIO(PDF), "p.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(Ballot.choice)) == "invalid"


def test_result_page_shows_each_candidate_against_the_threshold(app, client, login_as):
    from datetime import timedelta
    w = World(n_owners=3)
    p = _open_election(w, seats=2, n=3)
    for owner, choice in zip(w.owners, ("c1+c2", "c1+c2", "c1+c3"), strict=True):
        member = ballots.members_for_voter(p, owner)[0]
        ballots.cast_in_person(p.id, member.id, owner, choice)
    db.session.commit()
    services.close_voting(db.session.get(Proposal, p.id),
                          now=p.voting_closes_at + timedelta(seconds=1))
    db.session.commit()
    login_as(w.owners[0])
    page = _text(client.get(url(p, "result")))
    assert "当选：" in page and w.owners[0].display_name in page
    assert "未过半数" in page  # the third candidate, 1 of 3
    assert client.get(url(p, "export.xlsx")).status_code == 200
    doc = client.get(url(p, "export.json")).get_json()
    assert doc["kind"] == "election" and doc["seats"] == 2


def test_candidates_awaiting_review_are_on_the_party_cells_home(app, client, login_as):
    w = World(n_owners=2)
    p = _election(w)
    elections.nominate(w.owners[0], p, w.owners[0])
    elections.nominate(w.owners[1], p, w.owners[1])
    db.session.commit()
    login_as(w.party_deputy)
    home = _text(client.get("/"))
    assert "审议 2 名业委会委员候选人" in home and url(p, "candidates") in home
    row = db.session.scalar(select(ElectionCandidate).order_by(ElectionCandidate.id))
    elections.review(w.party_deputy, row, "rejected", "不符合条件")
    db.session.commit()
    assert "审议 1 名业委会委员候选人" in _text(client.get("/"))
    login_as(w.owners[0])
    assert "业委会委员候选人" not in _text(client.get("/"))
