"""Staff pages: paper ballots with their scans, written authorisations and proxy votes."""
import hashlib
import io
from pathlib import Path

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.extensions import db
from app.proposals import ballots
from app.proposals.models import Ballot, ProxyAuthorisation, SecretParticipation
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now, shown, url, vote_now

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _text(response) -> str:
    return response.get_data(as_text=True)


def _paper(client, proposal, *, member, ref="P-001", choice="yes", data=PDF, name="scan.pdf"):
    return client.post(url(proposal, "paper"), content_type="multipart/form-data", data={
        "member": member, "paper_ref": ref, "choice": choice,
        "scan": (io.BytesIO(data), name)})


def test_staff_enter_a_paper_ballot_with_its_scan(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal())
    login_as(w.staff)
    assert client.get(url(p, "paper")).status_code == 200
    response = _paper(client, p, member=w.units[1].number, ref="3栋-017")
    assert response.status_code == 302
    ballot = db.session.scalar(select(Ballot))
    sha = hashlib.sha256(PDF).hexdigest()
    assert (ballot.channel, ballot.paper_ref, ballot.cast_by_id) == ("paper", "3栋-017",
                                                                     w.staff.id)
    assert ballot.scan_sha256 == sha and ballot.scan_path == f"{sha[:2]}/{sha}.pdf"
    stored = Path(app.config["UPLOAD_DIR"]) / ballot.scan_path
    assert stored.read_bytes() == PDF
    page = _text(client.get(url(p, "paper")))
    assert shown(ballot.receipt) in page  # flashed once for the paper stub
    assert shown(ballot.receipt) not in _text(client.get(url(p, "paper")))
    document = client.get(url(p, f"documents/{sha}"))
    assert document.status_code == 200 and document.data == PDF
    assert document.mimetype == "application/pdf"
    # The owner on the web afterwards: one ballot whatever the channel.
    login_as(w.owners[1])
    member = ballots.members_for_voter(p, w.owners[1])[0]
    response = client.post(url(p, "vote"), data={"member_id": member.id, "choice": "no"})
    assert response.status_code == 409 and "这一票已经投过了" in _text(response)
    assert client.get(url(p, f"documents/{sha}")).status_code == 403


def test_paper_ballot_refusals(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal())
    vote_now(p, w.owners[0])
    login_as(w.staff)
    response = _paper(client, p, member=w.units[0].number)
    assert response.status_code == 409 and "这一票已经投过了" in _text(response)
    assert _paper(client, p, member=w.units[1].number, ref="A1").status_code == 302
    response = _paper(client, p, member=w.units[2].number, ref="A1")
    assert response.status_code == 409 and "纸质票编号已经录入过了" in _text(response)
    response = _paper(client, p, member="9-9-999", ref="A2")
    assert response.status_code == 404 and "没有这个房号" in _text(response)
    response = _paper(client, p, member=w.units[2].number, ref="A3", data=b"GIF89a...",
                      name="fake.pdf")
    assert response.status_code == 400 and "只能上传 PDF、JPEG 或 PNG" in _text(response)
    app.config["UPLOAD_MAX_BYTES"] = 1024
    response = _paper(client, p, member=w.units[2].number, ref="A4", data=PDF + b"0" * 2000)
    assert response.status_code == 413 and "文件不能超过" in _text(response)
    response = client.post(url(p, "paper"), data={"member": w.units[2].number,
                                                  "paper_ref": "A5", "choice": "yes"})
    assert response.status_code == 400 and "请选择要上传的文件" in _text(response)
    assert db.session.scalar(select(func.count(Ballot.id))) == 2
    login_as(w.owners[2])
    assert client.get(url(p, "paper")).status_code == 403
    assert _paper(client, p, member=w.units[2].number, ref="A6").status_code == 403


def test_secret_paper_ballot_reference_is_unique_too(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(is_secret=True))
    login_as(w.staff)
    assert _paper(client, p, member=w.units[0].number, ref="S1", data=JPEG,
                  name="a.jpg").status_code == 302
    response = _paper(client, p, member=w.units[1].number, ref="S1", data=PNG, name="b.png")
    assert response.status_code == 409 and "纸质票编号已经录入过了" in _text(response)
    assert db.session.scalar(select(func.count(SecretParticipation.id))) == 1


def test_refused_paper_ballots_and_proxies_store_no_scan(app, client, login_as):
    """Each refusal carries a different file: none of them reaches the disk."""
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    vote_now(p, w.owners[0])
    login_as(w.staff)
    assert _paper(client, p, member=w.units[0].number, data=PDF + b"1").status_code == 409
    assert _paper(client, p, member="9-9-999", data=PDF + b"2").status_code == 404
    assert _register(client, p, member=w.units[1].number, mobile="13800000000",
                     data=PDF + b"3").status_code == 400
    assert not [f for f in Path(app.config["UPLOAD_DIR"]).rglob("*") if f.is_file()]


def _register(client, proposal, *, member, mobile, data=PDF):
    return client.post(url(proposal, "proxies"), content_type="multipart/form-data", data={
        "member": member, "proxy_mobile": mobile, "document": (io.BytesIO(data), "a.pdf")})


def test_proxy_registered_by_staff_votes_for_the_owner(app, client, login_as):
    w = World(n_owners=3)
    w.compound.max_proxies_per_holder = 2
    neighbour = make_user(name="邻居老赵")  # has an account, lives elsewhere
    other = make_compound("别的小区")
    make_resident(neighbour, make_unit(other, room="1"))
    db.session.commit()
    p = open_now(w, w.proposal())
    login_as(w.staff)
    assert _register(client, p, member=w.units[0].number,
                     mobile="13800000000").status_code == 400  # no such account
    assert _register(client, p, member=w.units[0].number,
                     mobile=neighbour.mobile).status_code == 302
    response = _register(client, p, member=w.units[0].number, mobile=w.owners[2].mobile)
    assert response.status_code == 409 and "已经登记过委托人" in _text(response)
    assert _register(client, p, member=w.units[1].number,
                     mobile=neighbour.mobile).status_code == 302
    response = _register(client, p, member=w.units[2].number, mobile=neighbour.mobile)
    assert response.status_code == 409 and "最多代理 2 位业主" in _text(response)
    slots = db.session.scalars(select(ProxyAuthorisation.slot).order_by(
        ProxyAuthorisation.slot)).all()
    assert slots == [1, 2]
    assert neighbour.mobile in _text(client.get(url(p, "proxies")))  # staff see it in full

    login_as(neighbour)  # not a member of this compound, but holds authorisations
    page = _text(client.get(url(p, "vote")))
    assert w.units[0].number in page and w.units[1].number in page and "受委托" in page
    assert client.get(url(p)).status_code == 200  # the proposal they vote on, nothing else
    assert client.get(f"/c/{w.compound.id}/proposals/").status_code == 403
    member = ballots.find_member(p, w.units[0].number)
    response = client.post(url(p, "vote"), data={"member_id": member.id, "choice": "no",
                                                 "as_proxy": "1"})
    assert response.status_code == 302
    assert client.get(url(p, "receipt")).status_code == 200
    ballot = db.session.scalar(select(Ballot))
    assert (ballot.channel, ballot.cast_by_id, ballot.member_id) == ("proxy", neighbour.id,
                                                                     member.id)
    assert ballot.proxy_id is not None
    stranger = ballots.find_member(p, w.units[2].number)
    response = client.post(url(p, "vote"), data={"member_id": stranger.id, "choice": "no",
                                                 "as_proxy": "1"})
    assert response.status_code == 403 and "没有这位业主的有效委托书" in _text(response)
    entries = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.in_(["proxy.register", "ballot.cast"]))).all()
    assert sorted(entries) == ["ballot.cast", "proxy.register", "proxy.register"]
    assert verify().ok


def test_council_resolutions_take_no_proxies(app, client, login_as):
    w = World(n_owners=1)
    p = open_now(w, w.proposal(kind="council"))
    login_as(w.staff)
    page = _text(client.get(url(p, "proxies")))
    assert "不能委托" in page and 'name="proxy_mobile"' not in page
    response = _register(client, p, member=w.council[0].mobile, mobile=w.owners[0].mobile)
    assert response.status_code == 409 and "不能委托" in _text(response)
    assert db.session.scalar(select(func.count(ProxyAuthorisation.id))) == 0
    # A paper ballot for a council member, found by mobile, is fine.
    assert _paper(client, p, member=w.council[0].mobile, ref="C1").status_code == 302
