"""What the two-host test needs in its database, written through the app's services (so the
audit chain covers it): a compound with an owners' vote open now, an owner of two units with
one ballot to cast, a second owner whose password is tried wrongly, and an open issue."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app import create_app
from app.core.time import utcnow
from app.extensions import db

PASSWORD = "Two-Hosts-2026-pass"  # noqa: S105  (a test account's)
OWNER_MOBILE = "13700007001"
OTHER_MOBILE = "13700007002"


@dataclass(frozen=True)
class Seeded:
    compound: int
    proposal: int
    member: int  # the owner's one electorate member (both units)
    issue: int


def seed(url: str) -> Seeded:
    """Into the migrated database at `url`; returns the ids the test requests."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "seeding-only",
                      "RATELIMIT_ENABLED": False})
    try:
        with app.app_context():
            seeded = _seed()
            db.session.commit()
            return seeded
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _seed() -> Seeded:
    from app.issues import services as issues
    from app.meetings.demo import hold_deliberation
    from app.proposals import services
    from app.proposals.demo import COUNCIL_OPINION, walk_to_deliberation
    from app.proposals.models import ElectorateMember
    from app.proposals.periods import earliest_voting_start
    from tests.factories import (
        grant,
        make_compound,
        make_resident,
        make_staff,
        make_unit,
        make_user,
    )

    compound = make_compound("双机小区")
    party, committee = make_user(name="书记"), make_user(name="主任")
    grant(party, compound, "party_cell")
    grant(committee, compound, "committee")
    for person in (party, committee, make_user(name="议事")):
        grant(person, compound, "council")
    make_staff(compound)
    owner = make_user(mobile=OWNER_MOBILE, name="业主甲", password=PASSWORD)
    other = make_user(mobile=OTHER_MOBILE, name="业主乙", password=PASSWORD)
    for room in ("101", "102"):
        unit = make_unit(compound, room=room, area="88.50",
                         owners=[(owner.display_name, owner.mobile)])
        make_resident(owner, unit)
    unit = make_unit(compound, room="201", owners=[(other.display_name, other.mobile)])
    make_resident(other, unit)
    db.session.commit()  # the rows read back as the database keeps them (areas as Decimal)

    # The whole procedure, dated in the past as the demo does it, so the vote is open now.
    now = utcnow()
    p = services.create(committee, compound, title="更换电梯", body="理由", kind="owners",
                        matter=4)
    noticed = now - timedelta(days=30)
    walk_to_deliberation(p, committee, party, noticed)
    hold_deliberation(compound, p, party, noticed, recorder=committee)
    opens = earliest_voting_start(noticed, services.notice_days(p, compound))
    services.publish_notice(committee, p, opens_at=opens, opinion=COUNCIL_OPINION,
                            closes_at=now + timedelta(days=2), now=noticed)
    services.open_voting(p, now=opens)
    member = db.session.scalar(select(ElectorateMember.id).where(
        ElectorateMember.proposal_id == p.id, ElectorateMember.holding_id == unit_holding(
            compound.id, owner.mobile)))
    issue = issues.post_issue(owner, compound, title="楼道灯坏了", body="三楼的灯不亮",
                              category=issues.categories_for(compound)[0])
    return Seeded(compound=compound.id, proposal=p.id, member=member, issue=issue.id)


def unit_holding(compound_id: int, mobile: str) -> int:
    from app.compounds.models import Holding

    return db.session.scalar(select(Holding.id).where(Holding.compound_id == compound_id,
                                                      Holding.key == mobile))
