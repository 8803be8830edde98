"""The demo's 居民公约 for 锦华苑, in force: version 1 adopted last year, version 2 (three
articles changed or added) adopted last month, each by a resident consultation that passed;
households' signatures and two party members' public commitments. Everything goes through
the services, so the covenant pages and the audit log read as in real use."""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import set_party_badge_choice
from app.compounds import roles
from app.compounds.access import forget_roles, roles_in
from app.compounds.demo import ACCOUNTS
from app.compounds.models import Compound, Residency
from app.core.time import utcnow
from app.covenants import adoption, household, services
from app.covenants.lifecycle import covenant_of
from app.covenants.models import CovenantVersion
from app.extensions import db
from app.meetings.demo import hold_deliberation
from app.proposals import ballots
from app.proposals import services as proposal_services
from app.proposals.demo import COUNCIL_OPINION, walk_to_deliberation
from app.proposals.models import ElectorateMember

TITLE = "锦华苑居民公约"
VERSION_1 = [
    "爱护小区公共设施和绿化，不损坏、不侵占公共部位。",
    "楼道、消防通道保持畅通，不堆放杂物，不停放电动自行车。",
    "垃圾分类投放，不高空抛物。",
    "文明养犬，出门牵绳，及时清理宠物粪便。",
    "邻里互谅互助，晚上十点后不大声喧哗。",
    "装修在工作日 8:00—12:00、14:00—18:00 进行。",
]
VERSION_2 = [
    "爱护小区公共设施和绿化，不损坏、不侵占公共部位。",
    "楼道、消防通道保持畅通，不堆放杂物；电动自行车到充电棚集中充电，不进楼道、不飞线充电。",
    "垃圾分类投放，不高空抛物。",
    "文明养犬，出门牵绳，及时清理宠物粪便。",
    "邻里互谅互助，晚上十点后不大声喧哗。",
    "装修在工作日 8:30—12:00、14:00—18:00 进行，周末和节假日不进行噪音较大的施工。",
    "关心小区公共事务，积极参加议事协商和表决。",
]
COMMITMENTS = {
    "party_member": "我是党员刘桂兰，带头遵守居民公约，每周六参加楼道清理志愿服务。",
    "neighbour": "我是党员，带头不在楼道充电，并帮助独居老人到充电棚充电。",
}


def _account(word: str) -> User:
    mobile = next(a.mobile for a in ACCOUNTS if word in a.role)
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _vote(version: CovenantVersion, people: dict, noticed: datetime) -> None:
    """A resident consultation on the version, most residents agreeing; result published."""
    p = adoption.create_proposal(people["committee"], version, kind="consultation")
    walk_to_deliberation(p, people["committee"], people["party_cell"], noticed,
                         "居民对公约草案普遍赞同，文字修改意见已采纳。")
    hold_deliberation(db.session.get(Compound, p.compound_id), p, people["party_cell"], noticed)
    opens = noticed + timedelta(hours=1)
    closes = opens + timedelta(days=7)
    proposal_services.publish_notice(people["committee"], p, opens_at=opens, closes_at=closes,
                                     opinion=COUNCIL_OPINION, now=noticed)
    proposal_services.open_voting(p, now=opens)
    members = db.session.scalars(select(ElectorateMember).where(
        ElectorateMember.proposal_id == p.id).order_by(ElectorateMember.id)).all()
    for i, member in enumerate(members):
        if i % 5 == 4:
            continue  # about one in five doesn't take part
        voter = db.session.get(User, member.user_id)
        ballots.cast_in_person(p.id, member.id, voter, "no" if i % 7 == 3 else "yes",
                               now=opens + timedelta(hours=2 + i))
    proposal_services.close_voting(p, now=closes)
    proposal_services.publish_result(people["staff"], p, now=closes + timedelta(days=1))


COMMENTS = {
    1: [(2, "楼道里经常停电动自行车，建议写进公约。"), (5, "建议增加装修时间的约定。"),
        (0, "租户也愿意遵守，希望公约张贴在单元门口。")],
    2: [(2, "建议写明电动自行车不能进楼道充电，也不能飞线充电。"),
        (6, "装修时间建议和物业的装修管理规定一致，周末也要安静。"),
        (0, "希望加一条：大家多参加小区议事。")],
}


def _walk(version: CovenantVersion, people: dict, articles: list[str], noticed: datetime,
          filing_ref: str) -> None:
    authors = [*people["residents"][:2], people["tenant"]]
    for author, (article, text) in zip(authors, COMMENTS[version.number], strict=True):
        services.comment(author, version, article, text)
    services.save_articles(people["party_cell"], version, "\n\n".join(articles))
    services.close_consultation(people["party_cell"], version)
    services.submit_review(people["party_cell"], version)
    services.approve_review(people["staff"], version)
    _vote(version, people, noticed)
    adoption.adopt(people["party_cell"], version)
    adoption.publish(people["staff"], version, filing_ref)


def seed_covenants(compound: Compound) -> CovenantVersion:
    """Runs after the issues demo (its neighbours sign and comment too)."""
    people = {w: _account(w) for w in ("party_cell", "staff", "committee", "party_member",
                                         "tenant")}
    residents = list(db.session.scalars(
        select(User).join(Residency, Residency.user_id == User.id)
        .where(Residency.compound_id == compound.id, Residency.revoked_at.is_(None))
        .order_by(User.id).distinct()))
    people["residents"] = [u for u in residents if u.mobile.startswith("1990002")] or residents
    now = utcnow()
    first = services.create_covenant(people["party_cell"], compound, kind="residents",
                                     title=TITLE, articles="\n\n".join(VERSION_1[:5]))
    _walk(first, people, VERSION_1, now - timedelta(days=400), "玉林街道备〔2025〕12号")
    covenant = covenant_of(first)
    second = services.start_version(people["party_cell"], covenant)
    _walk(second, people, VERSION_2, now - timedelta(days=40), "玉林街道备〔2026〕7号")
    for person in residents[::2]:
        if household.household_signature(person, covenant) is None:
            household.sign(person, covenant)
    # A second party member shows the badge: a neighbour declares, the secretary confirms.
    people["neighbour"] = neighbour = people["residents"][2]
    if "party_member" not in roles_in(neighbour, compound):
        request = roles.declare_party(neighbour, compound)
        roles.confirm_party(people["party_cell"], compound, request)
        forget_roles()
    for word, text in COMMITMENTS.items():
        set_party_badge_choice(people[word], True)
        household.commit(people[word], covenant, text)
    return second
