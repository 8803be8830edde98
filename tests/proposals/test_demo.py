from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.core.time import utcnow
from app.extensions import db
from app.proposals import ballots, services, summary
from app.proposals.demo import seed_proposals
from app.proposals.models import ElectorateMember, ElectorateUnit, ProposalEvent


def test_demo_proposals_cover_each_kind_and_leave_a_ballot_for_the_demo_owner(app):
    with app.test_request_context():
        result = seed_demo()
        made = seed_proposals(result.compound)
        db.session.commit()
        passed, failed, survey, open_vote, council, consultation, discussed, election = made
        assert discussed.state == "consultation" and survey.state == "published"
        assert all(summary.get_summary(p) for p in made[:6])
        assert passed.state == "closed" and services.final_result(passed).result["passed"]
        failed_result = services.final_result(failed).result
        assert failed.state == "closed" and not failed_result["quorum_met"]
        assert council.state == "published" and services.final_result(council).result["passed"]
        elected = services.final_result(election).result
        assert election.state == "closed" and elected["quorum_met"] and elected["passed"]
        assert len(elected["elected"]) == 4 and elected["vacant_seats"] == 1  # a seat vacant
        assert elected["invalid_ballots"] == 2
        assert open_vote.state == "voting" and consultation.state == "voting"
        owner = db.session.scalar(select(User).where(User.mobile == "19900010001"))
        mine = ballots.members_for_voter(open_vote, owner)
        assert len(mine) == 1 and len(mine[0].units_label.split()) == 3  # three units, one vote
        receipt = ballots.cast_in_person(open_vote.id, mine[0].id, owner, "yes")
        tenant = db.session.scalar(select(User).where(User.mobile == "19900000006"))
        assert ballots.members_for_voter(open_vote, tenant) == []  # tenants: no owner ballot
        assert len(ballots.members_for_voter(consultation, tenant)) == 1
        db.session.commit()
        assert receipt and verify().ok
        latest = db.session.scalar(select(func.max(ProposalEvent.created_at)))
        assert latest <= utcnow()  # the demo's history lies in the past


def test_demo_lift_vote_is_scoped_to_building_3(app):
    with app.test_request_context():
        result = seed_demo()
        passed = seed_proposals(result.compound)[0]
        db.session.commit()
        assert passed.title == "使用专项维修资金更换3栋两部电梯"
        assert passed.scope_label == "3栋"
        units = db.session.scalars(select(ElectorateUnit.unit_number).where(
            ElectorateUnit.proposal_id == passed.id)).all()
        assert units and all(n.startswith("3-") for n in units)
        owner = db.session.scalar(select(User).where(User.mobile == "19900010001"))
        # Three homes, one in building 3: one owner with the inside area only.
        label = db.session.scalar(select(ElectorateMember.units_label).where(
            ElectorateMember.proposal_id == passed.id,
            ElectorateMember.designated_mobile == owner.mobile))
        assert label == "3-2-502"
        final = services.final_result(passed).result
        assert final["passed"] and final["scope"] == "3栋"
        assert final["total_owners"] == len(db.session.scalars(select(
            ElectorateMember.id).where(ElectorateMember.proposal_id == passed.id)).all())
