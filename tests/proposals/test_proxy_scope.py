"""A proxy from outside the compound sees only the proposal they hold a live written
authorisation for: its page and its voting pages. Every other proposal and every other page
of the compound stays closed, and revoking the authorisation closes that one too."""
import io

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db
from app.proposals import ballots
from app.proposals.models import Ballot, ProxyAuthorisation
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _register(client, proposal, *, member, mobile):
    return client.post(url(proposal, "proxies"), content_type="multipart/form-data", data={
        "member": member, "proxy_mobile": mobile, "document": (io.BytesIO(PDF), "a.pdf")})


def _world_with_outside_proxy(client, login_as):
    w = World(n_owners=3)
    neighbour = make_user(name="邻居老赵")
    make_resident(neighbour, make_unit(make_compound("别的小区"), room="1"))
    db.session.commit()
    held = open_now(w, w.proposal())
    other = open_now(w, w.proposal())
    login_as(w.staff)
    assert _register(client, held, member=w.units[0].number,
                     mobile=neighbour.mobile).status_code == 302
    return w, neighbour, held, other


def test_outside_proxy_reaches_only_the_authorised_proposal(app, client, login_as):
    w, neighbour, held, other = _world_with_outside_proxy(client, login_as)
    login_as(neighbour)
    # The attack: the proxy opening another proposal of the compound.
    for tail in ("vote", "", "ballots", "receipt", "result", "export.json"):
        assert client.get(url(other, tail)).status_code == 403, tail
    for tail in ("", "vote", "ballots", "receipt", "result"):
        assert client.get(url(held, tail)).status_code == 200, tail
    assert "提出异议" not in client.get(url(held, "result")).get_data(as_text=True)
    member = ballots.find_member(other, w.units[0].number)
    response = client.post(url(other, "vote"), data={"member_id": member.id, "choice": "no",
                                                     "as_proxy": "1"})
    assert response.status_code == 403
    c = w.compound.id
    for path in (f"/c/{c}/", f"/c/{c}/proposals/", f"/c/{c}/issues/", f"/c/{c}/notices/",
                 f"/c/{c}/meetings/", f"/c/{c}/covenants/", f"/c/{c}/audit", f"/c/{c}/me"):
        assert client.get(path).status_code == 403, path
    assert db.session.scalar(select(func.count(Ballot.id))) == 0


def test_revoking_the_authorisation_closes_the_proposal_to_the_proxy(app, client, login_as):
    w, neighbour, held, _other = _world_with_outside_proxy(client, login_as)
    auth = db.session.scalar(select(ProxyAuthorisation))
    revoke = url(held, f"proxies/{auth.id}/revoke")
    login_as(neighbour)
    assert client.post(revoke, data={"reason": "我自己撤"}).status_code == 403
    login_as(w.staff)
    response = client.post(revoke, data={"reason": ""})
    assert response.status_code == 400 and "请写明撤销委托的理由" in response.get_data(as_text=True)
    assert client.post(revoke, data={"reason": "业主本人撤回委托"}).status_code == 302
    page = client.get(url(held, "proxies")).get_data(as_text=True)
    assert "已撤销" in page
    response = client.post(revoke, data={"reason": "再撤一次"})
    assert response.status_code == 409 and "已经撤销" in response.get_data(as_text=True)

    login_as(neighbour)
    for tail in ("", "vote", "ballots", "receipt", "result"):
        assert client.get(url(held, tail)).status_code == 403, tail
    member = ballots.find_member(held, w.units[0].number)
    response = client.post(url(held, "vote"), data={"member_id": member.id, "choice": "no",
                                                    "as_proxy": "1"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Ballot.id))) == 0
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("proxy.%")).order_by(AuditEntry.seq)).all()
    assert actions == ["proxy.register", "proxy.revoke"]
    assert verify().ok


def test_a_ballot_cast_before_revocation_stands(app, client, login_as):
    w, neighbour, held, _other = _world_with_outside_proxy(client, login_as)
    login_as(neighbour)
    member = ballots.find_member(held, w.units[0].number)
    assert client.post(url(held, "vote"), data={"member_id": member.id, "choice": "yes",
                                                "as_proxy": "1"}).status_code == 302
    auth = db.session.scalar(select(ProxyAuthorisation))
    login_as(w.staff)
    assert client.post(url(held, f"proxies/{auth.id}/revoke"),
                       data={"reason": "登记有误"}).status_code == 302
    ballot = db.session.scalar(select(Ballot))
    assert ballot.superseded_at is None and ballot.channel == "proxy"
