"""Where a person stands on each vote (app.proposals.standing): to vote, voted (when), missed,
or outside the electorate with the reason the data gives; and the closed votes' verdicts."""
from sqlalchemy import select

from app.core.time import utcnow
from app.extensions import db
from app.proposals import ballots, proxies, services, standing
from app.proposals.models import Ballot, SecretParticipation
from tests.factories import grant, make_resident, make_unit, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now, vote_now


def _of(p, user):
    return standing.standing(p, user)


def test_an_owner_goes_from_to_vote_to_voted_at_the_ballots_time(app):
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    before = _of(p, w.owners[0])
    assert (before.kind, before.pending, before.deadline) == ("to_vote", 1, p.voting_closes_at)
    vote_now(p, w.owners[0])
    after = _of(p, w.owners[0])
    cast_at = db.session.scalar(select(Ballot.cast_at))
    assert (after.kind, after.voted_at, after.pending, after.can_change) == (
        "voted", cast_at, 0, False)
    assert _of(p, w.owners[1]).kind == "to_vote"


def test_a_changed_ballot_counts_from_its_latest_time_and_may_still_change(app):
    w = World(n_owners=2)
    p = open_now(w, w.proposal(allows_changes=True))
    vote_now(p, w.owners[0], "yes")
    vote_now(p, w.owners[0], "no")
    current = db.session.scalar(select(Ballot.cast_at).where(Ballot.superseded_at.is_(None)))
    s = _of(p, w.owners[0])
    assert (s.kind, s.voted_at, s.can_change) == ("voted", current, True)


def test_a_secret_ballot_takes_its_time_from_the_public_participation(app):
    w = World(n_owners=2)
    p = open_now(w, w.proposal(is_secret=True))
    vote_now(p, w.owners[0])
    s = _of(p, w.owners[0])
    assert s.kind == "voted" and s.is_secret
    assert s.voted_at == db.session.scalar(select(SecretParticipation.cast_at))


def test_after_close_a_voter_who_did_not_vote_missed_it(app):
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    vote_now(p, w.owners[0])
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    assert _of(p, w.owners[0]).kind == "voted"
    assert _of(p, w.owners[1]).kind == "missed"


def test_tenant_family_staff_and_outsiders_are_told_why_they_have_no_ballot(app):
    w = World(n_owners=1)
    tenant, child = make_user(name="租户"), make_user(name="子女")
    make_resident(tenant, w.units[0], "tenant")
    make_resident(child, w.units[0], "family")
    db.session.commit()
    p = open_now(w, w.proposal())
    for user in (tenant, child):
        s = _of(p, user)
        assert s.kind == "not_voter" and "租户、家庭成员不参加业主共同决定" in str(s.reason)
    assert "社区工作人员" in str(_of(p, w.staff).reason)
    assert "只有本小区的业主" in str(_of(p, w.council[0]).reason)


def test_the_co_owner_who_is_not_designated_is_told_who_votes(app):
    w = World(n_owners=1)
    wife, husband, _unit = w.co_owners()
    p = open_now(w, w.proposal())
    assert _of(p, wife).kind == "to_vote"
    s = _of(p, husband)
    assert s.kind == "not_voter" and "指定的共有人" in str(s.reason)


def test_an_owner_verified_after_the_electorate_froze_is_told_the_list_was_fixed(app):
    w = World(n_owners=1)
    p = open_now(w, w.proposal())
    late = make_user(name="新业主")
    make_resident(late, make_unit(w.compound, room="909",
                                  owners=[(late.display_name, late.mobile)]))
    db.session.commit()
    s = _of(p, late)
    assert s.kind == "not_voter" and "投票开始时确定" in str(s.reason)


def test_council_and_consultation_reasons(app):
    w = World(n_owners=1)
    council = open_now(w, w.proposal(kind="council"))
    assert _of(council, w.council[0]).kind == "to_vote"
    assert "只有议事会成员" in str(_of(council, w.owners[0]).reason)
    late = make_user(name="新成员")
    grant(late, w.compound, "council")
    db.session.commit()
    assert "您当时还不是成员" in str(_of(council, late).reason)
    consultation = open_now(w, w.proposal(kind="consultation"))
    assert _of(consultation, w.owners[0]).kind == "to_vote"
    assert "不参加居民意见征集" in str(_of(consultation, w.staff).reason)


def test_a_proxy_stands_for_the_owners_they_represent(app):
    w = World(n_owners=2)
    p = open_now(w, w.proposal())
    neighbour = make_user(name="邻居")
    member = ballots.members_for_voter(p, w.owners[1])[0]
    proxies.register(w.staff, p, member, neighbour.mobile, ("proposals/a.pdf", "a" * 64))
    db.session.commit()
    assert _of(p, neighbour).kind == "to_vote"
    proxies.cast(p.id, member.id, neighbour, "yes",
                 now=min(p.voting_closes_at, utcnow()))
    db.session.commit()
    assert _of(p, neighbour).kind == "voted"
    assert _of(p, w.owners[1]).kind == "voted"  # their ballot was cast for them


def test_verdicts_from_the_stored_result(app):
    w = World(n_owners=3)
    passed, failed = open_now(w, w.proposal()), open_now(w, w.proposal())
    consultation = open_now(w, w.proposal(kind="consultation"))
    for owner in w.owners:
        vote_now(passed, owner, "yes")
        vote_now(consultation, owner, "yes")
    vote_now(failed, w.owners[0], "no")
    for p in (passed, failed, consultation):
        services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    found = {k: str(v) for k, v in standing.verdicts([passed, failed, consultation]).items()}
    assert found == {passed.id: "通过", failed.id: "未通过", consultation.id: "已截止"}
