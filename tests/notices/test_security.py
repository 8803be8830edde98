"""Cross-compound access: every notices.* route answers 403 to a member of another compound
(resident or that compound's staff) and nothing changes; user text on every notice page is
inert."""
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.notices import services
from app.notices.models import Notice, NoticeAck, NoticeRead, NoticeRevision
from tests.issues.test_security import XSS, assert_inert
from tests.notices.helpers import NoticeWorld


@pytest.fixture
def w(app):
    return NoticeWorld()


def _snapshot():
    counts = tuple(db.session.scalar(select(func.count()).select_from(m))
                   for m in (Notice, NoticeRevision, NoticeRead, NoticeAck, AuditEntry))
    states = tuple(db.session.execute(select(Notice.id, Notice.status, Notice.title,
                                             Notice.revision_count).order_by(Notice.id)))
    return counts, states


@pytest.mark.parametrize("who", ["outsider", "outside_staff"])
def test_every_route_is_403_for_another_compound(app, client, login_as, w, who):
    draft = w.draft()
    live = w.published()
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("notices.")]
    assert len(rules) >= 9
    before = _snapshot()
    login_as(getattr(w, who))
    for notice in (draft, live):
        for rule in rules:
            url = rule.rule.replace("<int:compound_id>", str(w.compound.id)).replace(
                "<int:notice_id>", str(notice.id))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                response = client.open(url, method=method, data={
                    "kind": "general", "title": "x", "body": "y", "reason": "z",
                    "proposal": "0", "action": "publish"})
                assert response.status_code == 403, (method, url, response.status_code)
    db.session.expire_all()
    assert _snapshot() == before
    # And another compound's notice id through this compound's own URLs is not found.
    login_as(w.staff)
    foreign = services.create_draft(w.outside_staff, w.other, kind="general", title="外",
                                    body="外")
    db.session.commit()
    assert client.get(f"/c/{w.compound.id}/notices/{foreign.id}").status_code == 404
    assert client.post(f"/c/{w.compound.id}/notices/{foreign.id}/publish").status_code == 404
    db.session.expire_all()
    assert foreign.status == "draft"


def test_xss_corpus_is_inert_on_every_notice_page(client, login_as, w):
    payload = "\n\n".join(XSS)
    notices = [w.published(title=p[:120], body=payload) for p in XSS]
    services.correct(w.staff, notices[0], title=XSS[1][:120], body=payload + "\n\n更正",
                     reason=payload)
    services.withdraw(w.staff, notices[1], payload)
    db.session.commit()
    base = f"/c/{w.compound.id}/notices"
    pages = [f"/c/{w.compound.id}/", base + "/"]
    for n in notices[:3]:
        pages += [f"{base}/{n.id}", f"{base}/{n.id}/print"]
    pages.append(f"{base}/{notices[2].id}/correct")
    for viewer in (w.staff, w.owners[1]):
        login_as(viewer)
        for url in pages:
            response = client.get(url)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, url
            assert_inert(response.get_data(as_text=True), url)
    login_as(w.staff)
    response = client.post(base + "/new", data={"kind": "general", "title": payload[:120],
                                               "body": "", "proposal": "0"})
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True), "new")
