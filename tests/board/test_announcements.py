"""Publishing a final result or an implementation report puts its 公示 notice on the board,
linked both ways, audited in the same transaction, and told to the compound's members."""
from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.time import utcnow
from app.extensions import db
from app.notices.models import Notice
from app.notifications.models import Notification
from app.proposals import services
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url, vote_now


def _closed_now(w, votes):
    """A vote that closed a moment ago with its objection window over, ready to publish."""
    p = w.proposal(matter=4)
    open_now(w, p, closes_in=timedelta(minutes=1))
    for owner, choice in zip(w.owners, votes, strict=False):
        vote_now(p, owner, choice)
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    return p


def _notices(p):
    return db.session.scalars(select(Notice).where(Notice.proposal_id == p.id)
                              .order_by(Notice.id)).all()


def test_final_result_and_implementation_report_make_linked_notices(app, client, login_as):
    w = World(n_owners=4)
    p = _closed_now(w, ["yes", "yes", "yes", "no"])
    assert _notices(p) == []  # a preliminary result is not yet the board's
    services.publish_result(w.staff, p, now=max(utcnow(), p.objection_ends_at))
    db.session.commit()
    [result_notice] = _notices(p)
    assert result_notice.kind == "vote_result" and result_notice.status == "published"
    assert result_notice.title == "表决结果公告：更换电梯"
    assert "表决结果：通过" in result_notice.body_source
    assert f"{url(p, 'result')}" in result_notice.body_source.replace("//", "/")
    publish = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "proposal.publish_result"))
    notice_publish = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "notice.publish", AuditEntry.object_id == result_notice.id))
    assert notice_publish is not None and notice_publish.seq > publish.seq

    # Told to the members, as any new notice is.
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "notice.published")).all()
    assert set(told) >= {o.id for o in w.owners}

    login_as(w.owners[0])
    page = client.get(url(p)).get_data(as_text=True)
    assert "表决结果公示：表决结果公告：更换电梯" in page
    assert f"/c/{w.compound.id}/notices/{result_notice.id}" in page
    notice_page = client.get(f"/c/{w.compound.id}/notices/{result_notice.id}")
    assert url(p, "result").rstrip("/") in notice_page.get_data(as_text=True)

    services.start_implementation(w.committee, p, "施工单位进场")
    services.transition(w.staff, p, "publish_implementation", "两部电梯已更换并通过验收")
    db.session.commit()
    implementation = _notices(p)[-1]
    assert implementation.kind == "implementation"
    assert implementation.title == "实施结果公示：更换电梯"
    assert "两部电梯已更换并通过验收" in implementation.body_source
    page = client.get(url(p)).get_data(as_text=True)
    assert "实施结果公示：实施结果公示：更换电梯" in page
    assert verify().ok


def test_a_result_entered_long_after_the_fact_is_not_announced_again(app):
    """The result of a vote held months ago (entered from paper) gets its notice, but members
    are not told of it as news."""
    w = World(n_owners=3)
    p = w.proposal(matter=4)
    inside = w.to_voting(p)
    services.close_voting(p, now=p.voting_closes_at)
    services.publish_result(w.staff, p, now=p.objection_ends_at)
    db.session.commit()
    assert inside < utcnow() - timedelta(days=30)
    [notice] = _notices(p)
    assert notice.published_at == p.objection_ends_at
    assert db.session.scalar(select(Notification.id).where(
        Notification.kind == "notice.published")) is None
