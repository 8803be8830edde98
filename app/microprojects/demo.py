"""The demo's micro-projects: the community's 社区保障资金 for 2026 (350,000 元, its income
entered) and a round of 锦华苑 on it with its whole history: four ideas, one rejected by the
council with its reason, the party cell's opinions, the candidates' publicity, the
households' vote, the council's resolution and the result's 公示; one project finished
(accepted, rated, its spending published) and one being carried out (60 %), a third skipped
because it no longer fitted the budget. Everything goes through the services, dated in the
past."""
import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from app.accounts.models import User
from app.compounds.models import Community, Compound, Residency
from app.core.periods import local_date
from app.core.time import utcnow
from app.extensions import db
from app.funds import services as funds
from app.funds.labels import categories_for
from app.funds.models import Fund
from app.issues import photos
from app.microprojects import delivery, ideas, rounds, votes

FUND_NAME = "2026年社区保障资金"
IDEAS = (  # title, place, estimate (分), who proposes
    ("加装楼道扶手", "2栋、3栋各单元楼道", 6_000_000, "19900010002"),
    ("花园休闲座椅", "中心花园", 4_500_000, "19900010001"),
    ("电动自行车充电棚", "东门停车区", 12_000_000, "19900010001"),
    ("中心花园喷泉", "中心花园", 9_000_000, "19900000006"),
)


def _user(mobile: str) -> User:
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _community_fund(compound: Compound, staff: User, start) -> Fund:
    fund = db.session.scalar(select(Fund).where(
        Fund.community_id == compound.community_id, Fund.source == "community_security",
        Fund.year == 2026))
    if fund is None:
        fund = funds.create_fund(staff, source="community_security", year=2026,
                                 name=FUND_NAME, budget_fen=35_000_000,
                                 community=db.session.get(Community, compound.community_id))
        funds.post_entry(fund, staff, kind="income", amount_fen=35_000_000,
                         entry_date=local_date(start),
                         category=next(iter(categories_for(fund.source, "income"))),
                         counterparty="街道办事处", description="2026年社区保障资金拨付")
    return fund


def _voters(compound: Compound) -> list[User]:
    ids = db.session.scalars(select(Residency.user_id).where(
        Residency.compound_id == compound.id, Residency.revoked_at.is_(None))
        .group_by(Residency.user_id).order_by(Residency.user_id))
    return [db.session.get(User, i) for i in ids]


def seed_micro_projects(compound: Compound) -> None:
    """Flushes; the caller commits."""
    now = utcnow()
    start = now - timedelta(days=150)
    staff, party = _user("19900000002"), _user("19900000003")
    council, prop = _user("19900010003"), _user("19900000004")
    fund = _community_fund(compound, staff, start)
    r = rounds.create_round(staff, compound, fund_id=fund.id, title="2026年锦华苑微项目",
                            body="社区保障资金中安排 15 万元，用于居民提出的小区微项目。",
                            budget_cap=15_000_000, collect_until=start + timedelta(days=14),
                            candidate_days=5, voting_days=7, now=start)
    made = [ideas.propose(_user(mobile), r, title=title, body="", location=place,
                          estimate=cost, now=start + timedelta(days=i + 1))
            for i, (title, place, cost, mobile) in enumerate(IDEAS)]
    handrail, benches, shed, fountain = made
    voters = _voters(compound)
    for voter in voters[:3]:
        if voter.id != handrail.author_id:
            ideas.second(voter, handrail)
    t = r.collect_until + timedelta(hours=1)
    rounds.close_collection(staff, r, now=t)
    for p in (handrail, benches, shed):
        ideas.review(council, p, "shortlist", "符合微项目范围，估算合理。")
    ideas.review(council, fountain, "reject", "喷泉日常维护和水电费用较高，不适合以微项目实施。")
    rounds.finish_review(council, r, now=t)
    for p in (handrail, benches, shed):
        ideas.review(party, p, "endorse", "方便老人和儿童，支持列为候选项目。")
    rounds.publish_candidates(party, r, now=t)
    t = r.candidates_until + timedelta(hours=1)
    rounds.open_voting(staff, r, now=t)
    # The handrails and the shed tie on votes; the shed no longer fits after the handrails
    # and is skipped; the benches, fewer votes, still fit and are funded.
    choices = ((handrail, benches), (handrail, benches), (handrail,), (shed,), (shed,),
               (shed,))
    for voter, chosen in zip(voters, choices, strict=False):
        votes.cast(voter, r, [p.id for p in chosen], now=t + timedelta(hours=2))
    t = r.voting_closes_at + timedelta(hours=1)
    rounds.close_voting(staff, r, now=t)
    rounds.decide(council, r, "经议事会会议讨论，采纳居民意见征集结果，按得票和预算实施。", now=t)
    rounds.publish_result(staff, r, now=t)
    # The handrails: done, accepted, rated, paid and published.
    t += timedelta(days=10)
    delivery.post_milestone(prop, handrail, note="材料进场，开始安装。", progress=40, now=t)
    delivery.post_milestone(prop, handrail, note="全部安装完成。", progress=100,
                            now=t + timedelta(days=12))
    delivery.accept(council, handrail, "扶手牢固，验收合格。", now=t + timedelta(days=14))
    for voter, stars in zip(voters[:3], (5, 4, 5), strict=False):
        delivery.rate(voter, handrail, stars, now=t + timedelta(days=15))
    expense = next(iter(categories_for(fund.source, "expense")))
    for day, amount, who in ((3, 2_000_000, "锦华五金（材料预付）"),
                             (27, 3_650_000, "锦华五金（安装尾款）")):
        funds.post_entry(fund, staff, kind="expense", amount_fen=amount,
                         entry_date=local_date(t + timedelta(days=day)), category=expense,
                         counterparty=who, description="加装楼道扶手", project_id=handrail.id,
                         now=now)
    delivery.disclose(staff, handrail, now=t + timedelta(days=30))
    # The benches: under way.
    delivery.post_milestone(prop, benches, note="座椅已订购，基础施工完成。", progress=60,
                            photos=_photo(), now=now - timedelta(days=5))


def _photo() -> list:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (140, 110, 80)).save(buffer, "JPEG")
    return [photos.prepare(photos.check(buffer.getvalue()))]
