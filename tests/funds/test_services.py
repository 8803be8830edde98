"""Funds and ledgers through the services: who keeps what, posting, transfers, corrections
(never edits), derived balances and commitments, and what the database refuses."""
from datetime import date

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.extensions import db
from app.funds import access, services
from app.funds.balances import balances, totals_by_category
from app.funds.models import LedgerEntry
from tests.funds.helpers import YEAR, FundWorld


def test_a_fund_belongs_to_one_owner_once_per_source_and_year(app):
    w = FundWorld()
    with pytest.raises(Conflict):
        services.create_fund(w.committee, source="public_income", year=YEAR, name="重复",
                             compound=w.compound)
    db.session.rollback()
    with pytest.raises(ServiceError):  # community money cannot belong to a compound
        services.create_fund(w.staff, source="community_fund", year=YEAR, name="错",
                             compound=w.compound)
    with pytest.raises(PermissionDenied):  # the property manager keeps no 公共收益
        services.create_fund(w.property, source="public_income", year=YEAR + 1,
                             name="2027", compound=w.compound)
    assert verify().ok


def test_keepers_follow_the_source(app):
    w = FundWorld()
    assert access.is_keeper(w.committee, w.income_fund)
    assert not access.is_keeper(w.property, w.income_fund)
    assert access.is_keeper(w.property, w.fee_fund)
    assert not access.is_keeper(w.committee, w.fee_fund)
    assert access.may_publish(w.committee, w.fee_fund)
    assert access.is_keeper(w.staff, w.security_fund)
    assert not access.is_keeper(w.committee, w.security_fund)
    # Owners ask about compound money; tenants read it but do not ask.
    assert access.may_ask(w.owners[0], w.income_fund)
    assert not access.may_ask(w.tenant, w.income_fund)
    assert access.may_read_fund(w.tenant, w.income_fund)
    assert access.may_ask(w.tenant, w.security_fund)  # a resident of the community
    assert not access.may_read_fund(w.outsider, w.income_fund)
    assert not access.may_ask(w.outsider, w.security_fund)


def test_entries_are_numbered_per_fund_and_balances_derived(app):
    w = FundWorld()
    a = w.post(kind="income", amount_fen=500_000)
    b = w.post(kind="expense", amount_fen=120_050, category="repair")
    c = w.post(fund=w.fee_fund, kind="income", amount_fen=9_900, category="fee")
    assert (a.seq, b.seq, c.seq) == (1, 2, 1)
    figures = balances(w.income_fund)
    assert figures.balance_fen == 379_950 and figures.committed_fen == 0
    assert totals_by_category(w.income_fund.id) == {("income", "parking"): 500_000,
                                                    ("expense", "repair"): 120_050}
    assert verify().ok


def test_commitments_reserve_without_moving_money(app):
    w = FundWorld()
    w.post(kind="income", amount_fen=1_000_000)
    promise = w.post(kind="commitment", amount_fen=300_000, category="repair",
                     counterparty="防水公司")
    w.post(kind="expense", amount_fen=100_000, commitment_id=promise.id)
    figures = balances(w.income_fund)
    assert figures.balance_fen == 900_000
    assert figures.committed_fen == 200_000 and figures.available_fen == 700_000
    # Spending more than was committed leaves nothing outstanding, never a negative.
    w.post(kind="expense", amount_fen=250_000, commitment_id=promise.id)
    assert balances(w.income_fund).committed_fen == 0
    with pytest.raises(ServiceError):
        w.post(kind="income", amount_fen=1, commitment_id=promise.id)


def test_a_transfer_is_two_lines_and_moves_the_money(app):
    w = FundWorld()
    w.post(fund=w.security_fund, kind="income", amount_fen=35_000_000, category="allocation")
    out, incoming = services.post_transfer(w.security_fund, w.staff, to_fund=w.income_fund,
                                           amount_fen=2_000_000, entry_date=date(YEAR, 2, 1))
    db.session.commit()
    assert incoming.transfer_of_id == out.id and incoming.fund_id == w.income_fund.id
    assert balances(w.security_fund).balance_fen == 33_000_000
    assert balances(w.income_fund).balance_fen == 2_000_000
    # Correcting it reverses both lines.
    services.correct_entry(out, w.staff, reason="划错了账户", entry_date=date(YEAR, 2, 2))
    db.session.commit()
    assert balances(w.security_fund).balance_fen == 35_000_000
    assert balances(w.income_fund).balance_fen == 0
    assert verify().ok


def test_a_correction_reverses_and_replaces_once_with_its_reason(app):
    w = FundWorld()
    wrong = w.post(kind="expense", amount_fen=10_000, category="repair")
    with pytest.raises(ServiceError):
        services.correct_entry(wrong, w.committee, reason="  ")
    reversal, replacement = services.correct_entry(
        wrong, w.committee, reason="发票金额是 1000 元", entry_date=date(YEAR, 1, 6),
        replacement={"amount_fen": 100_000})
    db.session.commit()
    assert reversal.is_reversal and reversal.corrects_id == wrong.id
    assert replacement.corrects_id == wrong.id and replacement.amount_fen == 100_000
    assert (reversal.seq, replacement.seq) == (2, 3)
    assert balances(w.income_fund).expense_fen == 100_000
    with pytest.raises(Conflict):
        services.correct_entry(wrong, w.committee, reason="再改一次")
    db.session.rollback()
    with pytest.raises(ServiceError):
        services.correct_entry(reversal, w.committee, reason="冲销不能再改")
    assert verify().ok


def test_the_database_refuses_to_edit_or_delete_an_entry(app):
    w = FundWorld()
    entry = w.post(kind="income", amount_fen=10_000)
    with pytest.raises(DBAPIError):
        db.session.execute(update(LedgerEntry).where(LedgerEntry.id == entry.id)
                           .values(amount_fen=1))
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(text("DELETE FROM ledger_entries WHERE id = :id"), {"id": entry.id})
    db.session.rollback()
    assert db.session.scalar(select(LedgerEntry.amount_fen)) == 10_000


def test_bad_entries_are_refused_and_nothing_is_written(app):
    w = FundWorld()
    for kw, field in [({"category": "parking", "kind": "expense"}, "category"),
                      ({"day": date(2999, 1, 1)}, "entry_date"),
                      ({"counterparty": "很" * 81}, "counterparty")]:
        with pytest.raises(ServiceError) as refused:
            w.post(**kw)
        assert refused.value.field == field
        db.session.rollback()
    with pytest.raises(PermissionDenied):
        w.post(actor=w.owners[0])
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        w.post(actor=w.property)  # 公共收益 is the committee's to keep
    db.session.rollback()
    assert db.session.scalar(select(LedgerEntry.id)) is None
