"""Concurrent casts over HTTP: many requests for the same owner's one ballot, each on its own
test client in its own thread (so its own database connection), released together by a
barrier. Exactly one ballot is stored; every other response is a 409 refusal; none a 500.
Runs on a SQLite file and on PostgreSQL (TEST_DATABASE_URL)."""
import io
import secrets

import pytest
from sqlalchemy import func, select

from app.accounts.models import UserSession
from app.accounts.session import SESSION_KEY, _hash
from app.extensions import db
from app.proposals import ballots
from app.proposals.models import Ballot, ProxyAuthorisation, SealedVote, SecretParticipation
from tests.factories import make_user, pool_for_threads, run_together
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url

pytestmark = pytest.mark.both_databases

PDF = b"%PDF-1.4\n%%EOF\n"
ALREADY = "这一票已经投过了"


@pytest.fixture
def app_overrides():
    return pool_for_threads(40)


def _token(user) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    db.session.commit()
    return token


def _client(app, user_id: int, token: str):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess[SESSION_KEY] = token
        sess["_user_id"] = str(user_id)
    return client


def race(app, jobs):
    """jobs: [(client, request function)]. Start them all at once; return (status, body) of
    each response."""
    def answer(client, request):
        response = request(client)
        return response.status_code, response.get_data(as_text=True)

    return run_together([lambda c=c, r=r: answer(c, r) for c, r in jobs])


def _assert_one_winner(responses, winner_status=302):
    statuses = [status for status, _ in responses]
    assert 500 not in statuses
    assert statuses.count(winner_status) == 1, statuses
    for status, body in responses:
        if status != winner_status:
            assert status == 409, status
            assert ALREADY in body


@pytest.mark.parametrize("secret", [False, True])
def test_200_concurrent_casts_of_one_owners_ballot(app, secret):
    w = World(n_owners=2)
    p = open_now(w, w.proposal(is_secret=secret))
    owner = w.owners[0]
    member_id = ballots.members_for_voter(p, owner)[0].id
    token, owner_id = _token(owner), owner.id
    choices = ["yes", "no", "abstain"]
    vote_url = url(p, "vote")  # worker threads have no app context: no ORM access there
    jobs = [(_client(app, owner_id, token),
             lambda c, i=i: c.post(vote_url, data={"member_id": member_id,
                                                   "choice": choices[i % 3]}))
            for i in range(200)]
    responses = race(app, jobs)
    _assert_one_winner(responses)
    db.session.expire_all()
    if secret:
        assert db.session.scalar(select(func.count(SecretParticipation.id))) == 1
        assert db.session.scalar(select(func.count(SealedVote.id))) == 1
    else:
        assert db.session.scalar(select(func.count(Ballot.id))) == 1


def test_designated_co_owner_races_staff_entering_a_paper_ballot(app):
    w = World(n_owners=1)
    wife, husband, unit = w.co_owners()
    p = open_now(w, w.proposal())
    member_id = ballots.members_for_voter(p, wife)[0].id
    wife_token, staff_token, husband_token = _token(wife), _token(w.staff), _token(husband)
    vote_url, paper_url, number = url(p, "vote"), url(p, "paper"), unit.number

    def web(c):
        return c.post(vote_url, data={"member_id": member_id, "choice": "yes"})

    def paper(c, n):
        return c.post(paper_url, content_type="multipart/form-data", data={
            "member": number, "paper_ref": f"P-{n:03d}", "choice": "no",
            "scan": (io.BytesIO(PDF), "scan.pdf")})

    def other_co_owner(c):
        return c.post(vote_url, data={"member_id": member_id, "choice": "no"})

    wife_id, staff_id, husband_id = wife.id, w.staff.id, husband.id
    jobs = []
    for n in range(100):
        jobs.append((_client(app, wife_id, wife_token), web))
        jobs.append((_client(app, staff_id, staff_token), lambda c, n=n: paper(c, n)))
    jobs += [(_client(app, husband_id, husband_token), other_co_owner) for _ in range(10)]
    responses = race(app, jobs)
    husband_responses, responses = responses[200:], responses[:200]
    # The co-owner who is not designated is refused outright.
    assert all(status == 403 for status, _ in husband_responses)
    _assert_one_winner(responses)
    db.session.expire_all()
    stored = db.session.scalars(select(Ballot)).all()
    assert len(stored) == 1 and stored[0].member_id == member_id
    winner = next(i for i, (status, _) in enumerate(responses) if status == 302)
    assert stored[0].channel == ("web" if winner % 2 == 0 else "paper")


def test_concurrent_authorisations_never_exceed_the_cap(app):
    """Twelve owners' authorisations for one proxy person at the same moment: the unique
    (proposal, proxy, slot) index keeps them at the compound's cap of 3."""
    w = World(n_owners=12)
    proxy = make_user(name="受托人")
    db.session.commit()
    p = open_now(w, w.proposal())
    token, staff_id, mobile = _token(w.staff), w.staff.id, proxy.mobile
    proxies_url, numbers = url(p, "proxies"), [u.number for u in w.units]

    def register(c, number):
        return c.post(proxies_url, content_type="multipart/form-data", data={
            "member": number, "proxy_mobile": mobile, "document": (io.BytesIO(PDF), "a.pdf")})

    responses = race(app, [(_client(app, staff_id, token), lambda c, n=n: register(c, n))
                           for n in numbers])
    statuses = [status for status, _ in responses]
    assert set(statuses) <= {302, 409}, statuses
    for status, body in responses:
        if status == 409:
            assert "最多代理 3 位业主" in body or "同时有其他委托在登记" in body
    db.session.expire_all()
    slots = db.session.scalars(select(ProxyAuthorisation.slot).where(
        ProxyAuthorisation.proxy_user_id == proxy.id)).all()
    assert 1 <= len(slots) <= 3 and len(set(slots)) == len(slots) and max(slots) <= 3
    assert statuses.count(302) == len(slots)
