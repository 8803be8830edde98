"""Micro-project services: proposing and seconding, the reviews, the household vote under the
cap, the count and the council's decision, owners' money, milestones, acceptance, ratings
and the spending."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from app.funds import services as funds
from app.microprojects import delivery, ideas, rounds, votes
from app.microprojects.models import MicroProject, ProjectBallot
from app.notices.models import Notice
from app.proposals.models import Proposal
from tests.factories import make_user
from tests.microprojects.helpers import World


@pytest.fixture
def w(app):
    return World()


def test_a_resident_proposes_and_households_second_once(w):
    r = w.round()
    p = w.idea(r)
    assert p.estimate == 3_000_000 and p.state == "proposed"
    ideas.second(w.owners[1], p)
    with pytest.raises(Conflict, match="每户只能附议一次"):
        ideas.second(w.owners[1], p)
    with pytest.raises(ServiceError, match="无需附议"):
        ideas.second(w.owners[0], p)
    with pytest.raises(PermissionDenied):
        ideas.second(make_user(), p)
    assert p.second_count == 1


def test_an_estimate_is_read_in_yuan_exactly_and_never_above_the_cap(w):
    r = w.round(cap=100_000)
    p = ideas.propose(w.owners[0], r, title="长椅", body="", location="花园",
                      estimate="1,000.00")
    assert p.estimate == 100_000
    with pytest.raises(ServiceError, match="超过了本轮的预算上限"):
        ideas.propose(w.owners[0], r, title="长椅", body="", location="花园",
                      estimate="1000.01")
    with pytest.raises(ServiceError):
        ideas.propose(w.owners[0], r, title="长椅", body="", location="花园", estimate="1e3")


def test_the_council_rejects_with_a_published_reason_and_the_party_cell_reviews(w):
    r = w.round()
    kept, dropped = w.idea(r), w.idea(r, title="装喷泉")
    with pytest.raises(ServiceError, match="这一轮现在不在这个审核阶段"):
        ideas.review(w.council, kept, "shortlist")
    rounds.close_collection(w.staff, r, now=r.collect_until + timedelta(minutes=1))
    with pytest.raises(ServiceError, match="请写明理由"):
        ideas.review(w.council, dropped, "reject", "")
    with pytest.raises(PermissionDenied):
        ideas.review(w.owners[1], kept, "shortlist")
    ideas.review(w.council, dropped, "reject", "维护费用过高，不适合小区")
    with pytest.raises(ServiceError, match="还有微项目没有初审"):
        rounds.finish_review(w.council, r)
    ideas.review(w.council, kept, "shortlist")
    rounds.finish_review(w.council, r)
    with pytest.raises(PermissionDenied):
        ideas.review(w.council, kept, "endorse", "好")
    ideas.review(w.party, kept, "endorse", "方便老人，支持")
    assert dropped.state == "rejected" and dropped.review_note == "维护费用过高，不适合小区"
    assert kept.state == "candidate" and kept.party_opinion == "方便老人，支持"
    rounds.publish_candidates(w.party, r)
    notice = db.session.get(Notice, r.candidates_notice_id)
    assert notice.status == "published" and "加装晾衣架" in notice.body_source
    assert "装喷泉" not in notice.body_source
    assert verify().ok


def test_voting_opens_only_after_the_candidates_publicity(w):
    r = w.round()
    p = w.idea(r)
    now = w.to_candidates(r, [p])
    with pytest.raises(ServiceError, match="最早可于"):
        rounds.open_voting(w.staff, r, now=now)
    rounds.open_voting(w.staff, r, now=r.candidates_until + timedelta(seconds=1))
    assert r.state == "voting" and r.voting_closes_at > r.candidates_until


def test_a_household_votes_within_the_cap_once(w):
    r = w.round(cap=5_000_000)
    a, b = w.idea(r, estimate=3_000_000), w.idea(r, title="修路灯", estimate=2_500_000)
    now = w.to_voting(r, [a, b])
    with pytest.raises(ServiceError, match="超过了本轮预算上限 ¥50,000.00"):
        w.vote(r, 0, [a, b], now)
    with pytest.raises(ServiceError, match="至少选择一个"):
        w.vote(r, 0, [], now)
    w.vote(r, 0, [a], now)
    with pytest.raises(Conflict, match="投出后不能更改"):
        w.vote(r, 0, [b], now)
    with pytest.raises(ServiceError, match="不在投票期内"):
        w.vote(r, 1, [b], r.voting_closes_at)
    assert r.ballot_count == 1
    assert db.session.scalar(select(func.count(ProjectBallot.id))) == 1


def test_the_count_funds_greedily_and_the_council_decides(w):
    r = w.round(cap=5_000_000)
    big = w.idea(r, title="大项目", estimate=4_000_000)
    mid = w.idea(r, title="中项目", estimate=2_000_000)
    small = w.idea(r, title="小项目", estimate=1_000_000)
    now = w.to_voting(r, [big, mid, small])
    w.vote(r, 0, [big, small], now)
    w.vote(r, 1, [big], now)
    w.vote(r, 2, [mid, small], now)
    w.vote(r, 3, [mid], now)
    end = r.voting_closes_at + timedelta(minutes=1)
    rounds.close_voting(w.staff, r, now=end)
    rows = {row["title"]: row for row in r.result["rows"]}
    # big 2 votes (earlier), mid 2 votes: big funded (5M→1M), mid skipped, small funded.
    assert [row["title"] for row in r.result["rows"]] == ["大项目", "中项目", "小项目"]
    assert rows["中项目"]["reason"] == "over_budget"
    assert rows["中项目"]["remaining_before"] == 1_000_000
    assert rows["小项目"]["funded"] and r.result["total_funded"] == 5_000_000
    with pytest.raises(ServiceError, match="请写明理由"):
        rounds.decide(w.council, r, "", now=end)
    rounds.decide(w.council, r, "采纳居民意见征集结果。", now=end)
    assert (big.state, mid.state, small.state) == ("funded", "unfunded", "funded")
    rounds.publish_result(w.staff, r, now=end)
    assert big.state == "implementing" and r.result_notice_id
    assert db.session.get(Notice, r.result_notice_id).kind == "vote_result"
    assert verify().ok


def test_owners_money_has_no_household_vote_and_links_the_owners_decision(app):
    w = World(source="public_income")
    r = w.round()
    assert r.route == "owners"
    p = w.idea(r)
    w.to_candidates(r, [p])
    later = r.candidates_until + timedelta(minutes=1)
    with pytest.raises(ServiceError, match="业主共同决定"):
        rounds.open_voting(w.staff, r, now=later)
    with pytest.raises(ServiceError, match="业主共同决定"):
        votes.cast(w.owners[0], r, [p.id], now=later)
    rounds.refer_to_owners(w.committee, r, now=later)
    proposal = db.session.get(Proposal, r.owners_proposal_id)
    assert proposal.kind == "owners" and proposal.matter == 9 and proposal.state == "draft"
    with pytest.raises(ServiceError, match="尚未通过"):
        rounds.adopt_owners_decision(w.staff, r, now=later)


def test_milestones_acceptance_ratings_and_spending(w):
    r = w.round()
    p = w.idea(r)
    w.to_implementing(r, [p], [[p]])
    with pytest.raises(PermissionDenied):
        delivery.post_milestone(w.owners[1], p, note="x", progress=10)
    delivery.post_milestone(w.property, p, note="材料进场", progress=40)
    with pytest.raises(ServiceError, match="须高于上一次"):
        delivery.post_milestone(w.property, p, note="返工", progress=40)
    with pytest.raises(ServiceError, match="尚未达到 100%"):
        delivery.accept(w.council, p, "验收合格")
    delivery.post_milestone(w.property, p, note="完工", progress=100)
    with pytest.raises(ServiceError, match="验收后才能评价"):
        delivery.rate(w.owners[1], p, 5)
    delivery.accept(w.council, p, "验收合格")
    delivery.rate(w.owners[1], p, 4)
    with pytest.raises(Conflict, match="每人只能评价一次"):
        delivery.rate(w.owners[1], p, 5)
    with pytest.raises(ServiceError, match="1 到 5"):
        delivery.rate(w.owners[2], p, 6)
    assert delivery.rating_summary(p) == (1, 4)
    expense = funds.post_entry(w.fund, w.staff, kind="expense", amount_fen=2_800_000,
                               entry_date=date(2026, 1, 5), category=_expense_category(w),
                               counterparty="锦华五金", project_id=p.id)
    assert expense.project_id == p.id
    delivery.disclose(w.staff, p)
    notice = db.session.get(Notice, p.disclosure_notice_id)
    assert notice.kind == "accounts" and "¥28,000.00" in notice.body_source
    assert "结余 ¥2,000.00" in notice.body_source
    with pytest.raises(ServiceError):
        funds.post_entry(w.fund, w.staff, kind="expense", amount_fen=1,
                         category=_expense_category(w), entry_date=date(2026, 1, 6),
                         project_id=p.id)
    assert verify().ok


def _expense_category(w):
    from app.funds.labels import categories_for

    return next(iter(categories_for(w.fund.source, "expense")))


def test_a_project_of_another_fund_is_refused_on_a_ledger_line(w):
    r = w.round()
    p = w.idea(r)
    other = World()
    with pytest.raises(ServiceError, match="微项目"):
        funds.post_entry(other.fund, other.staff, kind="expense", amount_fen=100,
                         entry_date=date(2026, 1, 5), category=_expense_category(other),
                         project_id=p.id)
    assert db.session.get(MicroProject, p.id).state == "proposed"
