"""Voting over HTTP: the ballot form, the receipt shown once, duplicates refused with 409,
turnout while open, and the public ballot list (open and secret)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.proposals import ballots, services
from app.proposals.models import Ballot, SecretParticipation, SecretVote
from tests.factories import make_resident
from tests.proposals.helpers import World
from tests.proposals.web import open_now, shown, url, vote_now

pytestmark = pytest.mark.both_databases

RECEIPT = re.compile(r"[0-9A-F]{4}(?: [0-9A-F]{4}){4}")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _member(proposal, user):
    return ballots.members_for_voter(proposal, user)[0]


def test_vote_page_casts_and_shows_the_receipt_once(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal())
    owner = w.owners[0]
    login_as(owner)
    page = _text(client.get(url(p, "vote")))
    assert w.units[0].number in page and 'type="radio"' in page and "同意" in page
    member = _member(p, owner)
    response = client.post(url(p, "vote"), data={"member_id": member.id, "choice": "no"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url(p, "receipt"))
    ballot = db.session.scalar(select(Ballot))
    assert (ballot.choice, ballot.channel, ballot.cast_by_id) == ("no", "web", owner.id)
    first = _text(client.get(url(p, "receipt")))
    assert f'class="receipt-code" aria-label="回执码">{shown(ballot.receipt)}<' in first
    second = _text(client.get(url(p, "receipt")))
    assert 'class="receipt-code"' not in second
    assert shown(ballot.receipt) not in _text(client.get(url(p, "vote")))
    assert "已投票" in _text(client.get(url(p, "vote")))


def test_a_second_ballot_gets_409_not_500(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    login_as(w.owners[0])
    member = _member(p, w.owners[0])
    assert client.post(url(p, "vote"), data={"member_id": member.id,
                                             "choice": "yes"}).status_code == 302
    response = client.post(url(p, "vote"), data={"member_id": member.id, "choice": "no"})
    assert response.status_code == 409
    assert "这一票已经投过了" in _text(response)
    assert db.session.scalar(select(func.count(Ballot.id))) == 1


def test_invalid_choice_and_foreign_member_are_refused(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    login_as(w.owners[0])
    mine, theirs = _member(p, w.owners[0]), _member(p, w.owners[1])
    response = client.post(url(p, "vote"), data={"member_id": mine.id, "choice": "maybe"})
    assert response.status_code == 400
    response = client.post(url(p, "vote"), data={"member_id": theirs.id, "choice": "yes"})
    assert response.status_code == 403 and "不在本次表决的投票人名单中" in _text(response)
    assert db.session.scalar(select(func.count(Ballot.id))) == 0


def test_only_the_designated_co_owner_votes_for_a_shared_unit(app, client, login_as):
    w = World(n_owners=1)
    wife, husband, _unit = w.co_owners()
    p = open_now(w, w.proposal())
    login_as(husband)
    page = _text(client.get(url(p, "vote")))
    assert "不在本次表决的投票人名单中" in page and "指定的共有人" in page
    login_as(wife)
    assert "808" in _text(client.get(url(p, "vote")))


def test_changes_allowed_before_close_keep_the_earlier_ballot(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, w.proposal(allows_changes=True))
    login_as(w.owners[0])
    member = _member(p, w.owners[0])
    client.post(url(p, "vote"), data={"member_id": member.id, "choice": "yes"})
    client.get(url(p, "receipt"))
    page = _text(client.get(url(p, "vote")))
    assert "截止前可以改票" in page and 'type="radio"' in page
    assert client.post(url(p, "vote"), data={"member_id": member.id,
                                             "choice": "no"}).status_code == 302
    rows = db.session.scalars(select(Ballot).order_by(Ballot.id)).all()
    assert [(b.choice, b.superseded_at is not None) for b in rows] == [("yes", True),
                                                                      ("no", False)]
    assert "已改票" in _text(client.get(url(p, "ballots")))


def test_turnout_partial_for_htmx_and_a_reload_without_it(app, client, login_as):
    w = World(n_owners=3, area="100.00")
    p = open_now(w, w.proposal())
    vote_now(p, w.owners[0], "yes")
    vote_now(p, w.owners[1], "no")
    login_as(w.owners[2])
    page = _text(client.get(url(p)))
    assert 'hx-trigger="every 30s"' in page and "<progress" in page
    partial = client.get(url(p, "turnout"), headers={"HX-Request": "true"})
    text = _text(partial)
    assert partial.status_code == 200 and "<html" not in text
    assert 'hx-get="' + url(p, "turnout") + '"' in text and 'hx-trigger="every 30s"' in text
    # 2 of 3 owners, 200.00 of 300.00 m²: exactly two thirds reaches the line (以上).
    assert "200.00 m² / 300.00 m²" in text and "2 / 3" in text and "已达到" in text
    assert 'value="20000"' in text and 'max="30000"' in text
    assert "各选项的票数在投票截止后公布" in text and "反对：" not in text
    plain = client.get(url(p, "turnout"))
    assert plain.status_code == 302 and plain.headers["Location"].endswith(
        url(p) + "#turnout")


def test_split_shown_while_open_only_when_the_proposal_says_so(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(shows_split_while_open=True))
    vote_now(p, w.owners[0], "yes")
    vote_now(p, w.owners[1], "no")
    login_as(w.owners[2])
    text = _text(client.get(url(p, "turnout"), headers={"HX-Request": "true"}))
    assert "目前各选项票数" in text and "同意：1 票" in text and "反对：1 票" in text


def test_public_ballot_list_shows_units_and_areas_and_choices_only_after_close(
        app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal())
    receipt = vote_now(p, w.owners[0], "no")
    login_as(w.owners[2])
    page = _text(client.get(url(p, "ballots")))
    assert shown(receipt) in page and w.units[0].number in page and "100.00 m²" in page
    assert "反对" not in page  # not before close
    for owner in w.owners:
        assert owner.display_name not in page and owner.mobile not in page
        assert owner.mobile[-4:] not in page
    found = _text(client.get(url(p, "ballots"), query_string={"receipt": receipt.lower()}))
    assert "的选票已记录" in found and "反对" not in found
    missing = _text(client.get(url(p, "ballots"), query_string={"receipt": "NOPE"}))
    assert "没有找到这个回执码" in missing
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    page = _text(client.get(url(p, "ballots")))
    assert "反对" in page
    found = _text(client.get(url(p, "ballots"), query_string={"receipt": receipt}))
    assert "选择：<strong>反对</strong>" in found


def test_secret_ballot_pages_never_tie_a_voter_to_a_choice(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(is_secret=True))
    receipts = {}
    for owner, choice in zip(w.owners, ["yes", "no", "abstain"], strict=True):
        login_as(owner)
        member = _member(p, owner)
        assert client.post(url(p, "vote"), data={"member_id": member.id,
                                                 "choice": choice}).status_code == 302
        receipts[owner.id] = RECEIPT.search(
            _text(client.get(url(p, "receipt")))).group(0).replace(" ", "")
    assert db.session.scalar(select(func.count(SecretParticipation.id))) == 3
    assert db.session.scalar(select(func.count(Ballot.id))) == 0
    page = _text(client.get(url(p, "ballots")))
    for receipt in receipts.values():
        assert shown(receipt) not in page  # while open, no receipt is listed at all
    assert all(u.number in page for u in w.units)
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    page = _text(client.get(url(p, "ballots")))
    participants, votes = page.split('id="votes-h"')
    assert all(u.number in participants for u in w.units)
    assert not any(shown(r) in participants for r in receipts.values())
    assert all(shown(r) in votes for r in receipts.values())
    assert not any(u.number in votes for u in w.units)
    assert [v.receipt for v in db.session.scalars(select(SecretVote).order_by(
        SecretVote.receipt))] == sorted(receipts.values())
    # The receipt finds the choice, never the unit.
    found = _text(client.get(url(p, "ballots"), query_string={"receipt": receipts[w.owners[1].id]}))
    section = found.split('id="found-h"')[1].split("</section>")[0]
    assert "反对" in section and w.units[1].number not in section
    for path in ("", "result", "vote", "receipt"):
        text = _text(client.get(url(p, path)))
        assert not any(shown(r) in text or r in text for r in receipts.values()), path


def test_voting_page_outside_the_window(app, client, login_as):
    w = World(n_owners=2)
    p = w.proposal()
    login_as(w.owners[0])
    assert "不在投票阶段" in _text(client.get(url(p, "vote")))
    open_now(w, p, closes_in=timedelta(seconds=-1))  # deadline already passed
    response = client.get(url(p, "vote"))
    assert "投票已经截止" in _text(response)
    db.session.expire_all()
    assert p.state == "objection"


def test_a_ballot_sent_to_the_wrong_address_is_refused_and_stores_nothing(
        app, client, login_as):
    """The casting path checks the proposal's compound in its own statement; every refusal
    still answers like the page does (404 / 403), never 500."""
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    owner = w.owners[0]
    member = _member(p, owner)
    other = World(n_owners=1)
    make_resident(owner, other.units[0], "tenant")  # a member of the other compound too
    db.session.commit()
    login_as(owner)
    ballot = {"member_id": member.id, "choice": "yes"}
    through_other = f"/c/{other.compound.id}/proposals/{p.id}/vote"
    assert client.post(through_other, data=ballot).status_code == 404
    assert client.post(f"/c/999999/proposals/{p.id}/vote", data=ballot).status_code == 404
    missing = f"/c/{p.compound_id}/proposals/999999/vote"
    assert client.post(missing, data=ballot).status_code == 404
    assert client.post(missing, data={**ballot, "as_proxy": "1"}).status_code == 404
    login_as(other.owners[0])
    assert client.post(url(p, "vote"), data=ballot).status_code == 403
    assert db.session.scalar(select(func.count(Ballot.id))) == 0
    login_as(owner)
    assert client.post(url(p, "vote"), data=ballot).status_code == 302
    assert db.session.scalar(select(func.count(Ballot.id))) == 1


def test_an_option_ballot_takes_only_the_choices_it_offers(app, client, login_as):
    w = World(n_owners=1)
    p = open_now(w, w.proposal(matter=4, options=["甲物业", "乙物业"]))
    owner = w.owners[0]
    member = _member(p, owner)
    login_as(owner)
    for wrong in ("opt01", "opt3", "opt0", "yes", "opt"):
        response = client.post(url(p, "vote"), data={"member_id": member.id, "choice": wrong})
        assert response.status_code == 400, wrong
        beside_the_choice = re.search(rf'id="choice-{member.id}-err">([^<]*)<', _text(response))
        assert beside_the_choice and "请选择一个有效的选项" in beside_the_choice.group(1)
    assert db.session.scalar(select(func.count(Ballot.id))) == 0
    response = client.post(url(p, "vote"), data={"member_id": member.id, "choice": "opt2"})
    assert response.status_code == 302
    assert db.session.scalar(select(Ballot.choice)) == "opt2"
