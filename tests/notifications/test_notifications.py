import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.notifications import services
from app.notifications.models import Follow, Notification
from tests.proposals.helpers import World

pytestmark = pytest.mark.both_databases


def test_proposal_followers_hear_of_transitions_but_not_of_their_own(app):
    w = World(n_owners=2)
    watcher = w.owners[0]
    p = w.proposal()  # the party cell created it and follows it
    services.follow(watcher, w.compound.id, "proposal", p.id)
    services.follow(watcher, w.compound.id, "proposal", p.id)  # idempotent
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Follow).where(
        Follow.user_id == watcher.id)) == 1
    from app.proposals import services as proposals
    proposals.transition(w.party, p, "return", reason="补充材料")
    db.session.commit()
    mine = db.session.scalars(select(Notification).where(
        Notification.user_id == watcher.id)).all()
    assert len(mine) == 1 and "已退回" in mine[0].message
    assert mine[0].link == f"/c/{w.compound.id}/proposals/{p.id}"
    # The party secretary made the change: no notification to them for it.
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == w.party.id, Notification.kind == "proposal.return")) == 0


def test_notification_centre_shows_only_my_notifications(app, client, login_as):
    w = World(n_owners=2)
    me, other = w.owners
    services.notify([me.id], w.compound.id, "test", "给我的通知")
    services.notify([other.id], w.compound.id, "test", "别人的通知")
    db.session.commit()
    login_as(me)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "给我的通知" in page and "别人的通知" not in page
    home = client.get("/").get_data(as_text=True)
    assert "1 条未读" in home
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert services.unread_counts(me)[0] == 0
    assert services.unread_counts(other)[0] == 1
