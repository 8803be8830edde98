"""The demo's closed election of the owners' committee (业委会换届选举): six candidates for five
seats (差额), nominated by owners and by the preparatory group, reviewed by the party cell,
listed with the notice, voted by secret ballot on paper, with two paper ballots that ticked too
many (entered as invalid, still taking part). Four candidates pass; the fifth seat stays vacant
and the result says so. Everything goes through the services."""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.recovery import prove
from app.accounts.services import register_user
from app.compounds import claims
from app.compounds.demo import DEMO_PASSWORD, code_for
from app.compounds.models import Compound
from app.extensions import db
from app.proposals import ballots, elections, services
from app.proposals.models import ElectorateMember, Proposal

# Owners on the demo roster who stand for election besides the demo accounts (they can log
# in with the demo password too).
STANDING = (("19900011001", "叶国强", "1-1-101"), ("19900011002", "蔡秀兰", "1-1-201"),
            ("19900011003", "袁建军", "1-1-202"))
STATEMENTS = {
    "张德明": "连任一届业委会委员，熟悉维修资金使用程序，承诺账目每月公开。",
    "王建国": "退休工程师，愿意跟进电梯、管网等设施维修。",
    "刘桂兰": "在小区居住十五年，愿为老年住户多跑腿、多反映意见。",
    "叶国强": "从事财务工作，愿意协助审核公共收益账目。",
    "蔡秀兰": "希望推动垃圾分类和绿化管理。",
    "袁建军": "愿意为停车管理出主意。",
}
# The share of ballots that tick each candidate, in ballot order: four pass, two do not.
SUPPORT = (0.82, 0.78, 0.74, 0.70, 0.38, 0.30)
SEATS = 5


def _standing_owners(compound: Compound) -> list[User]:
    users = []
    for mobile, name, unit in STANDING:
        user = register_user(mobile, name, DEMO_PASSWORD, consented=True)
        prove(user, "demo_seed")
        claims.claim_by_code(user, code_for(compound, unit), "owner")
        users.append(user)
    return users


def seed_election(compound: Compound, people: dict, noticed: datetime, scan,
                  rng: random.Random, notice_and_open) -> Proposal:
    """Flushes; the caller commits. `notice_and_open(p, noticed, days)` is the demo's own walk
    from deliberation through the council meeting and the notice to the opening."""
    others = _standing_owners(compound)
    p = services.create(
        people["committee"], compound, kind="owners", matter=3, seats=SEATS, is_secret=True,
        title="选举锦华苑第二届业主委员会委员",
        body="第一届业主委员会任期届满。经业主大会筹备组研究，选举第二届业主委员会委员5名，"
             "实行差额选举。候选人由业主推荐或筹备组推荐，经小区党支部审议后公布。",
        ballot_text="选举锦华苑第二届业主委员会委员（应选5名，每票最多选5人）",
        voting_method="无记名投票；纸质选票投入各楼栋票箱，由社区工作人员录入")
    # Imported here: app.proposals.demo imports this module to call seed_election.
    from app.proposals.demo import walk_to_deliberation
    walk_to_deliberation(p, people["committee"], people["party_cell"], noticed)
    nominated_at = noticed - timedelta(days=20)
    rows = []
    for user in (people["committee"], people["council"], people["party_member"], *others):
        row = elections.nominate(user, p, user, statement=STATEMENTS[user.display_name],
                                 now=nominated_at)
        if user is people["party_member"]:
            elections.edit_statement(user, row, row.statement, shows_party_membership=True)
        rows.append(row)
    group = elections.nominate(people["party_cell"], p, people["owner"], as_group=True,
                               now=nominated_at)
    elections.withdraw(people["owner"], group, now=nominated_at + timedelta(days=2))
    for row in rows:
        elections.review(people["party_cell"], row, "approved",
                         "经审议，该业主遵守管理规约，热心公益，符合候选人条件。",
                         now=noticed - timedelta(days=8))
    opens = notice_and_open(p, noticed, 10)
    _paper_ballots(p, people["staff"], opens + timedelta(hours=3), scan, rng)
    services.close_voting(p, now=p.voting_closes_at)
    services.publish_result(people["staff"], p, now=p.objection_ends_at + timedelta(hours=2))
    done = p.result_published_at
    services.start_implementation(people["committee"], p, "当选委员已向街道办事处备案",
                                  now=done + timedelta(days=3))
    services.transition(people["staff"], p, "publish_implementation",
                        "第二届业委会成立，空缺的一名委员将另行补选", now=done + timedelta(days=10))
    services.close(people["staff"], p, "公示期满", now=done + timedelta(days=15))
    return p


def _paper_ballots(p: Proposal, staff: User, when: datetime, scan, rng: random.Random):
    members = db.session.scalars(select(ElectorateMember).where(
        ElectorateMember.proposal_id == p.id).order_by(ElectorateMember.id)).all()
    voters = rng.sample(members, int(len(members) * 0.76))
    for n, member in enumerate(voters, start=1):
        if n in (7, 41):  # two papers ticked all six: invalid, but their owners took part
            ticked = list(range(1, len(SUPPORT) + 1))
        else:
            ticked = [i for i, share in enumerate(SUPPORT, start=1) if rng.random() < share]
            ticked = ticked[:SEATS]
        ballots.cast(p.id, member.id, staff, elections.paper_choice(ticked, SEATS),
                     channel="paper", paper_ref=f"XJ-{n:04d}", scan=scan,
                     now=when + timedelta(minutes=n), actor_role="staff")
