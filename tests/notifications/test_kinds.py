"""Notifications that matter: important ones (a vote you can cast opened, it closes within a
day and you have not voted, your home verified or refused) stand alone and are counted apart;
routine ones about one item fold into one line per day."""
from datetime import timedelta

from sqlalchemy import select

from app.compounds import claims
from app.core.time import utcnow
from app.extensions import db
from app.notifications import services
from app.notifications.models import Notification
from app.proposals.reminders import remind_closing
from tests.factories import make_unit, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now, vote_now


def _mine(user, **where):
    stmt = select(Notification).where(Notification.user_id == user.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Notification, key) == value)
    return db.session.scalars(stmt.order_by(Notification.id)).all()


def test_routine_news_of_one_item_folds_into_one_line_a_day(app):
    w = World(n_owners=1)
    me = w.owners[0]
    for n in range(3):
        services.notify([me.id], w.compound.id, "issue.comment", f"新评论 {n}",
                        f"/c/1/issues/7#c{n}")
    services.notify([me.id], w.compound.id, "issue.comment", "另一件事", "/c/1/issues/8")
    db.session.commit()
    rows = _mine(me)
    assert [(r.link, r.repeats, r.message) for r in rows] == [
        ("/c/1/issues/7#c2", 3, "新评论 2"), ("/c/1/issues/8", 1, "另一件事")]
    services.mark_all_read(me)
    services.notify([me.id], w.compound.id, "issue.comment", "读过以后的新评论", "/c/1/issues/7")
    db.session.commit()
    assert len(_mine(me)) == 3  # once read, the next one is a new line


def test_opening_a_vote_tells_each_voter_and_not_the_tenant(app):
    w = World(n_owners=2)
    tenant = make_user(name="租户")
    from tests.factories import make_resident
    make_resident(tenant, w.units[0], "tenant")
    db.session.commit()
    p = open_now(w, w.proposal())
    for owner in w.owners:
        [row] = _mine(owner, kind="proposal.vote_open")
        assert row.is_important and row.link.endswith(f"/proposals/{p.id}/vote")
        assert "开始投票" in row.message
    assert _mine(tenant, kind="proposal.vote_open") == []
    assert services.unread_counts(w.owners[0])[1] >= 1


def test_voters_who_have_not_voted_are_reminded_once_on_the_last_day(app):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(), closes_in=timedelta(hours=20))
    vote_now(p, w.owners[0], "yes")
    assert remind_closing() == 2
    db.session.commit()
    assert remind_closing() == 0  # the database keeps the once, however often cron runs
    db.session.commit()
    assert _mine(w.owners[0], kind="proposal.closing_soon") == []
    [row] = _mine(w.owners[1], kind="proposal.closing_soon")
    assert row.is_important and "您还没有投票" in row.message
    later = open_now(w, w.proposal(), closes_in=timedelta(days=3))
    assert remind_closing(utcnow()) == 0 and later.id  # more than a day left: no reminder


def test_a_verified_or_refused_home_is_important_news(app):
    w = World(n_owners=0)
    alice, bob = make_user(name="申请人甲"), make_user(name="申请人乙")
    unit_a, unit_b = make_unit(w.compound, room="301"), make_unit(w.compound, room="302")
    db.session.commit()
    claim_a = claims.request_claim(alice, unit_a, "owner", "")
    claim_b = claims.request_claim(bob, unit_b, "tenant", "")
    db.session.commit()
    claims.approve_claim(w.staff, claim_a)
    claims.reject_claim(w.staff, claim_b, "租赁合同已到期")
    db.session.commit()
    [ok] = _mine(alice, kind="claim.approved")
    [no] = _mine(bob, kind="claim.rejected")
    assert ok.is_important and no.is_important and "租赁合同已到期" in no.message


def test_the_centre_lists_unread_important_news_first_and_marks_it(app, client, login_as):
    w = World(n_owners=1)
    me = w.owners[0]
    services.notify([me.id], w.compound.id, "issue.comment", "例行消息", "/c/1/issues/1")
    services.notify([me.id], w.compound.id, "claim.approved", "重要消息", "/c/1/", important=True)
    services.notify([me.id], w.compound.id, "issue.comment", "更新的例行消息", "/c/1/issues/2")
    db.session.commit()
    assert services.unread_counts(me) == (3, 1)
    page = login_as(me).get("/notifications/").get_data(as_text=True)
    assert page.index("重要消息") < page.index("更新的例行消息") < page.index("例行消息")
    assert "重要" in page
