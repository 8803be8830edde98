"""Demo proposals for 锦华苑, so a newcomer can log in and vote at once: one owners' decision
that passed (the lift of building 3, voted by that building's owners: a 列支范围) and one that
failed on quorum (both closed, with results), one owners' decision open for voting (citing the
yearly satisfaction survey, app.proposals.survey_demo), one council resolution, one resident
consultation, one proposal in consultation that residents are discussing (each walked past
consultation has its summary), and the committee's election (app.proposals.demo_election).
Everything goes through the services, so the timeline and the audit log read as they would in
real use."""
import io
import random
from datetime import datetime, timedelta

import segno
from sqlalchemy import select

from app.accounts.models import User
from app.compounds import roles
from app.compounds.access import forget_roles
from app.compounds.demo import ACCOUNTS
from app.compounds.models import Compound
from app.core.periods import earliest_voting_start
from app.core.time import utcnow
from app.core.uploads import store
from app.extensions import db
from app.issues import comments
from app.meetings.demo import hold_deliberation
from app.proposals import ballots, discussion, services, summary
from app.proposals.demo_election import seed_election
from app.proposals.models import ElectorateMember, Proposal
from app.proposals.survey_demo import seed_satisfaction
from app.trustbooks import accounts as trust_accounts

# Demo people who should find their own ballot still open.
LEAVE_FOR_VISITORS = ("19900010001", "19900010002", "19900010003", "19900010005")


def _user(role_word: str) -> User:
    mobile = next(a.mobile for a in ACCOUNTS if role_word in a.role)
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _scan() -> tuple[str, str]:
    """A stand-in for the scanned paper ballots of the demo: one small PNG."""
    buffer = io.BytesIO()
    segno.make("锦华苑 演示纸质票 DEMO", error="m").save(buffer, kind="png", scale=4)
    return store(buffer.getvalue(), "png")


# The written opinions each advance records (审议意见, 商议意见).
REVIEW_OPINION = "议案符合党的方针政策和法律法规，征求意见充分，同意提交议事会商议。"
COUNCIL_OPINION = "经议事会会议商议，同意按公告所列事项和方式付诸表决。"
SUMMARY = "征求意见期间居民普遍支持，提出的施工时间和费用公开等建议已写入方案。"


def walk_to_deliberation(p: Proposal, proposer: User, reviewer: User, before: datetime,
                         summary_text: str = SUMMARY) -> None:
    """征求意见 opened five weeks before `before`, so the minimum consultation has run even
    over a long holiday; then reviewed a week before it by a party-cell member other than the
    proposer, with a written opinion, in time for the council meeting that deliberates it
    (app.meetings.demo)."""
    p.created_at = before - timedelta(days=36)
    services.transition(proposer, p, "open_consultation", now=before - timedelta(days=35))
    summary.write_summary(proposer, p, summary_text)
    services.transition(proposer, p, "submit_review", now=before - timedelta(days=8))
    services.transition(reviewer, p, "approve_review", REVIEW_OPINION,
                        now=before - timedelta(days=7))


def _walk_to_notice(p: Proposal, people: dict, noticed: datetime, days: int) -> datetime:
    walk_to_deliberation(p, people["committee"], people["party_cell"], noticed)
    return _notice_and_open(p, people, noticed, days)


def _notice_and_open(p: Proposal, people: dict, noticed: datetime, days: int) -> datetime:
    """The council meeting that puts it to a vote, the notice, and the opening."""
    compound = db.session.get(Compound, p.compound_id)
    hold_deliberation(compound, p, people["party_cell"], noticed, recorder=people["council"])
    opens = earliest_voting_start(noticed, services.notice_days(p, compound)) \
        if p.kind == "owners" else noticed + timedelta(hours=1)
    services.publish_notice(people["committee"], p, opens_at=opens, opinion=COUNCIL_OPINION,
                            closes_at=opens + timedelta(days=days), now=noticed)
    services.open_voting(p, now=opens)
    return opens


def _paper_votes(p: Proposal, people: dict, share: float, yes: float, when: datetime,
                 rng: random.Random, scan) -> None:
    skip = set(LEAVE_FOR_VISITORS)
    members = db.session.scalars(select(ElectorateMember).where(
        ElectorateMember.proposal_id == p.id).order_by(ElectorateMember.id)).all()
    chosen = [m for m in members if m.designated_mobile not in skip]
    chosen = rng.sample(chosen, int(len(members) * share))
    for n, member in enumerate(chosen, start=1):
        roll = rng.random()
        choice = "yes" if roll < yes else ("no" if roll < yes + (1 - yes) * 0.7 else "abstain")
        ballots.cast(p.id, member.id, people["staff"], choice, channel="paper",
                     paper_ref=f"JH-{p.id:02d}-{n:04d}", scan=scan,
                     now=when + timedelta(minutes=n), actor_role="staff")


def _publish(p: Proposal, people: dict) -> None:
    services.close_voting(p, now=p.voting_closes_at)
    services.publish_result(people["staff"], p, now=p.objection_ends_at + timedelta(hours=2))


def seed_proposals(compound: Compound) -> list[Proposal]:
    """Flushes; the caller commits."""
    now = utcnow()
    rng = random.Random(2026)
    people = {word: _user(word) for word in
              ("staff", "party_cell", "council", "committee", "owner", "tenant", "property",
               "party_member")}
    for word in ("party_cell", "committee"):  # a council of three: secretary, committee, resident
        roles.grant_role(people["staff"], compound, people[word], "council")
    forget_roles()
    scan = _scan()
    made = []
    # The committee's election came first in the compound's history (its own random draw,
    # so the other votes' demo ballots stay as they were).
    election = seed_election(compound, people, now - timedelta(days=220), scan,
                             random.Random(3),
                             lambda p, noticed, days: _notice_and_open(p, people, noticed, days))

    passed = services.create(
        people["committee"], compound, kind="owners", matter=5,
        title="使用专项维修资金更换3栋两部电梯",
        body="3栋两部电梯已运行18年，年检多次整改。拟使用专项维修资金约68万元更换。\n\n"
             "- 预算：68万元（以招标结果为准）\n- 工期：约45天，分两部依次施工",
        ballot_text="是否同意使用专项维修资金更换3栋两部电梯", voting_method="线上投票与纸质票",
        scope=["3栋"])  # 列支范围: 3栋's maintenance fund pays, 3栋's owners decide
    opens = _walk_to_notice(passed, people, now - timedelta(days=120), days=10)
    _paper_votes(passed, people, 0.82, 0.78, opens + timedelta(hours=2), rng, scan)
    _publish(passed, people)
    done = passed.result_published_at
    services.start_implementation(people["committee"], passed, "已完成招标，施工单位进场",
                                  now=done + timedelta(days=5))
    services.transition(people["staff"], passed, "publish_implementation",
                        "两部电梯已更换并通过验收，费用明细已公示", now=done + timedelta(days=40))
    services.close(people["staff"], passed, "实施结果公示期满", now=done + timedelta(days=45))
    made.append(passed)

    failed = services.create(
        people["committee"], compound, kind="owners", matter=8,
        title="将北门临时停车区改为收费停车场",
        body="拟将北门临时停车区改为收费停车场，收益纳入公共收益账户。",
        ballot_text="是否同意将北门临时停车区改为收费停车场", voting_method="线上投票与纸质票")
    opens = _walk_to_notice(failed, people, now - timedelta(days=50), days=10)
    _paper_votes(failed, people, 0.45, 0.8, opens + timedelta(hours=2), rng, scan)
    _publish(failed, people)
    services.close(people["staff"], failed, "参与表决人数和面积未达到三分之二，本次表决未生效",
                   now=failed.result_published_at + timedelta(days=1))
    made.append(failed)

    # The yearly satisfaction survey the renewal below cites (its own random stream, so the
    # other demo figures stay as they were).
    survey = seed_satisfaction(compound, people, now - timedelta(days=75), random.Random(2027),
                               _walk_to_notice)
    made.append(survey)
    open_vote = services.create(
        people["committee"], compound, kind="owners", matter=4, cites_survey_id=survey.id,
        cites_account_id=next(iter(dict(trust_accounts.citable(compound.id))), None),
        title="续聘锦华物业服务有限公司（2027—2029年）",
        body="现物业服务合同将于年底到期。业委会经满意度调查和比选，提请续聘三年，"
             "物业费标准不变。", ballot_text="是否同意续聘锦华物业服务有限公司，合同期三年",
        voting_method="线上投票；行动不便的业主可向社区工作人员领取纸质票")
    opens = _walk_to_notice(open_vote, people, now - timedelta(days=20), days=14)
    _paper_votes(open_vote, people, 0.3, 0.7, opens + timedelta(hours=2), rng, scan)
    made.append(open_vote)

    council = services.create(
        people["committee"], compound, kind="council", council_body="council",
        title="增设小区充电桩的议事规则", body="议事会商议充电桩的选址与安全管理办法。",
        ballot_text="是否同意在南门停车区增设8个充电桩")
    opens = _walk_to_notice(council, people, now - timedelta(days=12), days=3)
    for word, choice in (("party_cell", "yes"), ("committee", "yes")):
        member = ballots.members_for_voter(council, people[word])[0]
        ballots.cast(council.id, member.id, people[word], choice, now=opens + timedelta(hours=3),
                     actor_role="council")
    _publish(council, people)
    made.append(council)

    consultation = services.create(
        people["committee"], compound, kind="consultation",
        title="小区中心花园改造方案征集意见",
        body="中心花园改造有两个方案，请居民（含租户）选择更喜欢的一个。",
        options=["方案一：增加儿童游乐设施", "方案二：增加老年人健身步道"])
    _walk_to_notice(consultation, people, now - timedelta(days=2), days=20)
    made.append(consultation)
    made.append(_in_consultation(compound, people, now))
    made.append(election)
    return made


def _in_consultation(compound: Compound, people: dict, now: datetime) -> Proposal:
    """A proposal residents are discussing now: opinions with stances, one anonymous, a
    reply, and the property manager's official answer."""
    p = services.create(
        people["committee"], compound, kind="owners", matter=8,
        title="在南门空地建设电动自行车充电棚",
        body="为解决电动自行车楼道充电的安全隐患，拟在南门空地建设充电棚（约40个车位），"
             "由物业运营，按度收费。请大家发表意见。",
        ballot_text="是否同意在南门空地建设电动自行车充电棚", voting_method="线上投票与纸质票")
    services.transition(people["committee"], p, "open_consultation",
                        now=now - timedelta(days=3))
    subject = discussion.proposal_subject(p)
    first = comments.post_comment(people["owner"], subject, "支持，楼道里充电太危险了。",
                                  stance="support")
    comments.post_comment(people["party_member"], subject, "同意，希望尽快建好。", parent=first)
    comments.post_comment(people["tenant"], subject,
                          "建议充电棚加装烟感报警和监控，收费标准提前公示。",
                          stance="suggest", show_as="anonymous")
    comments.post_comment(people["council"], subject,
                          "南门空地平时有老人活动，建议把位置往东边挪一些。", stance="other")
    comments.post_comment(people["property"], subject,
                          "物业答复：充电棚将配置烟感报警、监控和自动断电，收费标准公示后执行。",
                          official=True)
    return p
