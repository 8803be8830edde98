"""Pages say where the person stands on each vote: the owner who voted is not invited again
(proposal list, proposal page, compound home), the tenant is told why and gets no button, the
voter finds their own open receipts while logged in, codes are shown in groups of four."""
from app.extensions import db
from app.proposals import ballots, services
from tests.factories import make_resident, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now, shown, url, vote_now


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _list(p):
    return f"/c/{p.compound_id}/proposals/"


def _home(p):
    return f"/c/{p.compound_id}/"


def test_the_owner_who_voted_is_never_invited_to_that_vote_again(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    login_as(w.owners[0])
    assert "待您投票" in _text(client.get(_list(p)))
    assert "去投票" in _text(client.get(url(p)))
    member = ballots.members_for_voter(p, w.owners[0])[0]
    assert client.post(url(p, "vote"), data={"member_id": member.id,
                                             "choice": "yes"}).status_code == 302
    client.get(url(p, "receipt"))
    for page in (_list(p), url(p), _home(p), url(p, "receipt")):
        text = _text(client.get(page))
        assert "去投票" not in text and "待您投票" not in text, page
        assert url(p, "vote") not in text, page
    assert "您已于" in _text(client.get(_list(p)))
    assert "您已于" in _text(client.get(url(p)))


def test_the_tenant_is_told_why_and_gets_no_vote_button(app, client, login_as):
    w = World(n_owners=1)
    tenant = make_user(name="租户")
    make_resident(tenant, w.units[0], "tenant")
    db.session.commit()
    p = open_now(w, w.proposal())
    login_as(tenant)
    for page in (_list(p), url(p), url(p, "vote")):
        text = _text(client.get(page))
        assert "租户、家庭成员不参加业主共同决定，由业主投票。" in text, page
        assert "去投票" not in text and 'type="radio"' not in text, page
    assert url(p, "vote") not in _text(client.get(url(p)))


def test_the_voter_looks_up_their_own_open_receipts_while_logged_in(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, w.proposal(allows_changes=True))
    first = vote_now(p, w.owners[0], "yes")
    second = vote_now(p, w.owners[0], "no")
    other = vote_now(p, w.owners[1], "no")
    login_as(w.owners[0])
    text = _text(client.get(url(p, "receipt")))
    assert shown(first) in text and shown(second) in text and shown(other) not in text
    assert "已改票，不再计入" in text
    assert "截止前可以改票" in _text(client.get(url(p)))  # may still change: a plain link


def test_a_secret_ballots_receipt_is_not_kept_with_the_voter(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, w.proposal(is_secret=True))
    code = vote_now(p, w.owners[0])
    login_as(w.owners[0])
    for page in (url(p), url(p, "receipt"), _list(p)):
        text = _text(client.get(page))
        assert code not in text and shown(code) not in text, page
    assert "不与您的姓名一起保存" in _text(client.get(url(p, "receipt")))
    assert "您已于" in _text(client.get(url(p)))


def test_a_receipt_typed_with_spaces_is_found_and_shown_grouped(app, client, login_as):
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    code = vote_now(p, w.owners[0])
    login_as(w.owners[1])
    text = _text(client.post(url(p, "ballots"), data={"receipt": shown(code).lower()}))
    assert f"回执码 {shown(code)} 的选票已记录" in text


def test_the_list_shows_verdicts_and_stays_within_its_query_budget(app, client, login_as,
                                                                   query_counter):
    w = World(n_owners=3)
    passed = open_now(w, w.proposal())
    for owner in w.owners:
        vote_now(passed, owner, "yes")
    services.close_voting(passed, now=passed.voting_closes_at)
    db.session.commit()
    login_as(w.owners[0])

    def counted():
        client.get(_list(passed))  # loads what the test's commits expired
        with query_counter() as q:
            text = _text(client.get(_list(passed)))
        return q.count, text

    few, text = counted()
    assert "通过" in text and "您已于" in text
    for i in range(4):
        p = open_now(w, w.proposal(is_secret=bool(i % 2)))
        if i < 2:
            vote_now(p, w.owners[0])
    db.session.commit()
    many, text = counted()
    assert text.count("待您投票") == 2 and text.count("您已于") == 3
    assert many == few, (few, many)
