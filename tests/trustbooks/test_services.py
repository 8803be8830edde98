"""The trust-model books through the services: budget versions and their approval, disputed
lines, the annual account and its citation by a matter-4 proposal."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from app.funds import services as fund_services
from app.proposals import services as proposal_services
from app.proposals.citations import citations
from app.trustbooks import accounts, budgets, disputes
from app.trustbooks.models import TrustBudget
from app.trustbooks.queries import books
from tests.funds.helpers import YEAR
from tests.trustbooks.helpers import BUDGET, TrustWorld

AFTER_YEAR = datetime(YEAR + 1, 1, 2, 2, tzinfo=timezone.utc)


def test_a_budget_is_entered_approved_and_frozen(app):
    w = TrustWorld(approved=False)
    with pytest.raises(PermissionDenied):
        budgets.draft(w.fund, w.owners[0], BUDGET)
    with pytest.raises(ServiceError):  # nothing budgeted
        budgets.draft(w.fund, w.property, {})
    draft = budgets.draft(w.fund, w.property, BUDGET)
    db.session.commit()
    with pytest.raises(Conflict):  # one draft at a time, by the partial unique index
        budgets.draft(w.fund, w.committee, {("expense", "staff"): 1})
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # the manager does not approve its own budget
        budgets.approve(draft, w.property, note="自己批准")
    with pytest.raises(ServiceError):  # how the owners approved it must be said
        budgets.approve(draft, w.committee)
    budgets.approve(draft, w.committee, note="业主大会书面表决通过")
    db.session.commit()
    assert draft.state == "approved" and budgets.current(w.fund.id).id == draft.id
    with pytest.raises(ServiceError):  # frozen
        budgets.edit(draft, w.property, {("expense", "staff"): 1})
    assert verify().ok


def test_a_new_version_needs_a_reason_and_supersedes_the_old_one(app):
    w = TrustWorld()
    with pytest.raises(ServiceError) as refused:
        budgets.draft(w.fund, w.property, {**BUDGET, ("expense", "staff"): 65_000_000})
    assert refused.value.field == "reason"
    second = budgets.draft(w.fund, w.property, {**BUDGET, ("expense", "staff"): 65_000_000},
                           reason="最低工资标准上调")
    budgets.approve(second, w.committee, note="临时业主大会表决通过")
    db.session.commit()
    states = dict(db.session.execute(select(TrustBudget.version, TrustBudget.state)).all())
    assert states == {1: "superseded", 2: "approved"}
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"trust_budget.draft", "trust_budget.approve", "trust_budget.supersede"} <= actions


def test_only_a_passed_owners_decision_of_the_compound_approves_a_budget(app):
    w = TrustWorld(approved=False)
    draft = budgets.draft(w.fund, w.property, BUDGET)
    proposal = proposal_services.create(w.committee, w.compound, kind="owners", matter=9,
                                        title="2026年物业费预算", body="", ballot_text="同意")
    db.session.commit()
    with pytest.raises(ServiceError):  # still a draft: not passed
        budgets.approve(draft, w.committee, proposal_id=proposal.id)


def test_disputes_are_marked_and_cleared_by_the_committee_with_reasons(app):
    w = TrustWorld()
    entry = w.spend(3_000_000, "cleaning")
    with pytest.raises(PermissionDenied):
        disputes.mark(w.fund, entry, w.owners[0], "为什么这么贵")
    with pytest.raises(ServiceError):
        disputes.mark(w.fund, entry, w.committee, "  ")
    dispute = disputes.mark(w.fund, entry, w.committee, "保洁合同每月只有50万")
    db.session.commit()
    with pytest.raises(Conflict):  # once at a time
        disputes.mark(w.fund, entry, w.committee, "再标一次")
    db.session.rollback()
    assert disputes.open_count(w.fund.id) == 1
    by = {(line.direction, line.category): line
          for line in books(w.fund, today=date(YEAR, 2, 1)).lines}
    assert by[("expense", "cleaning")].disputed == 1 and by[("expense", "staff")].disputed == 0
    with pytest.raises(ServiceError):  # a reason to clear
        disputes.clear(dispute, w.committee, "")
    disputes.clear(dispute, w.committee, "物业已补充合同和验收单")
    db.session.commit()
    assert dispute.state == "cleared" and disputes.open_count(w.fund.id) == 0
    disputes.mark(w.fund, entry, w.committee, "验收单日期不对")  # again, a new row
    db.session.commit()
    assert disputes.open_count(w.fund.id) == 1
    assert verify().ok


def test_only_trust_funds_have_budgets_and_disputes(app):
    w = TrustWorld()
    line = w.post(w.income_fund, kind="income", amount_fen=100)
    with pytest.raises(ServiceError):
        budgets.draft(w.income_fund, w.committee, BUDGET)
    with pytest.raises(ServiceError):
        disputes.mark(w.income_fund, line, w.committee, "理由")


def test_books_compare_the_year_to_date_with_the_budget(app):
    w = TrustWorld()
    w.spend(40_000_000, "staff", day=date(YEAR, 1, 10))
    w.spend(30_000_000, "staff", day=date(YEAR, 2, 10))  # 70万 > 60万: over budget
    w.spend(1_000_000, "office", day=date(YEAR, 2, 11))  # no budget at all
    w.post(w.fund, kind="income", amount_fen=10_000_000, day=date(YEAR, 1, 5), category="fee")
    w.post(w.fund, kind="commitment", amount_fen=5_000_000, day=date(YEAR, 2, 5),
           category="greening")  # not actual spending
    shown = books(w.fund, today=date(YEAR, 3, 15))
    assert shown.through == 3  # this month counts too
    by = {(line.direction, line.category): line for line in shown.lines}
    assert by[("expense", "staff")].actual_fen == 70_000_000 and by[("expense", "staff")].over
    assert by[("expense", "office")].budget_fen == 0 and by[("expense", "office")].over
    assert by[("expense", "greening")].actual_fen == 0
    assert shown.expense.actual_fen == 71_000_000 and shown.expense.budget_fen == 78_000_000
    assert shown.over_count == 2
    assert [m.expense_fen for m in shown.months] == [40_000_000, 31_000_000, 0]


def test_a_correction_counts_in_the_books(app):
    w = TrustWorld()
    entry = w.spend(5_000_000, "staff")
    fund_services.correct_entry(entry, w.property, reason="金额录错",
                                entry_date=date(YEAR, 1, 21),
                                replacement={"amount_fen": 500_000})
    db.session.commit()
    by = {(line.direction, line.category): line
          for line in books(w.fund, today=date(YEAR, 2, 1)).lines}
    assert by[("expense", "staff")].actual_fen == 500_000


def test_the_annual_account_is_published_once_after_the_year_and_frozen(app):
    w = TrustWorld()
    w.spend(1_000_000)
    dispute_line = w.spend(200_000, "cleaning")
    disputes.mark(w.fund, dispute_line, w.committee, "没有验收单")
    db.session.commit()
    with pytest.raises(Conflict):  # the year is not over
        accounts.publish(w.fund, w.committee, now=datetime(YEAR, 12, 31, 1, tzinfo=timezone.utc))
    with pytest.raises(PermissionDenied):
        accounts.publish(w.fund, w.property, now=AFTER_YEAR)
    account = accounts.publish(w.fund, w.committee, now=AFTER_YEAR)
    db.session.commit()
    assert account.digest == accounts.digest_of(account.figures)
    assert account.figures["totals"]["expense"]["actual_fen"] == 1_200_000
    assert account.figures["disputed"] == [{"seq": dispute_line.seq, "reason": "没有验收单"}]
    with pytest.raises(Conflict):
        accounts.publish(w.fund, w.committee, now=AFTER_YEAR)
    db.session.rollback()
    with pytest.raises(Exception):  # the table refuses updates
        db.session.execute(text("UPDATE trust_annual_accounts SET digest = 'x'"))
        db.session.flush()
    db.session.rollback()
    assert verify().ok


def test_a_matter_4_proposal_cites_a_published_account(app):
    w = TrustWorld()
    w.spend(1_000_000)
    account = accounts.publish(w.fund, w.committee, now=AFTER_YEAR)
    db.session.commit()
    with pytest.raises(ServiceError):  # not a matter-4 decision
        proposal_services.create(w.committee, w.compound, kind="owners", matter=9, title="其他",
                                 body="", cites_account_id=account.id)
    with pytest.raises(ServiceError):  # not an account of this compound
        proposal_services.create(w.committee, w.compound, kind="owners", matter=4,
                                 title="续聘", body="", cites_account_id=account.id + 1)
    proposal = proposal_services.create(w.committee, w.compound, kind="owners", matter=4,
                                        title="续聘物业", body="", cites_account_id=account.id)
    db.session.commit()
    survey, cited = citations(proposal)
    assert survey is None
    assert cited["year"] == YEAR and cited["expense_fen"] == 1_000_000
    assert cited["expense_share"] == "1.28%"  # 1,000,000 of 78,000,000 分, half up
