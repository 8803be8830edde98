"""The demo's trust-model books: last year's account published and cited by the open renewal
vote; this year's budget, months, vouchers, statements, questions and a disputed line, all
through the services (the audit chain verifies)."""
from sqlalchemy import func, select

from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds.models import FundQuestion, FundStatement, FundVoucher
from app.proposals.demo import seed_proposals
from app.proposals.models import Proposal
from app.trustbooks import accounts
from app.trustbooks.demo import seed_trust_books
from app.trustbooks.models import TrustAnnualAccount, TrustDispute
from app.trustbooks.queries import books, trust_funds


def test_demo_trust_books(app):
    with app.test_request_context():
        result = seed_demo()
        seed_trust_books(result.compound)
        seed_proposals(result.compound)
        db.session.commit()
        this_year, last_year = trust_funds(result.compound.id)
        account = db.session.scalar(select(TrustAnnualAccount))
        assert account.fund_id == last_year.id
        assert account.digest == accounts.digest_of(account.figures)
        renewal = db.session.scalar(select(Proposal).where(Proposal.matter == 4,
                                                           Proposal.state == "voting"))
        assert renewal.cites_account_id == account.id
        shown = books(this_year)
        assert shown.budget is not None and shown.over_count >= 1  # the lift repair
        today = china_date(utcnow())
        months = {m for (m,) in db.session.execute(select(FundStatement.month).where(
            FundStatement.fund_id == this_year.id))}
        last = today.month - 1 if today.month > 1 else 12
        assert months == set(range(1, last))  # last month waits for the committee
        assert db.session.scalar(select(func.count(FundVoucher.id))) >= 3
        answered = db.session.scalars(select(FundQuestion.answered_at).where(
            FundQuestion.fund_id == this_year.id)).all()
        assert sorted(a is None for a in answered) == [False, True]
        assert db.session.scalar(select(TrustDispute.state)) == "open"
        assert verify().ok
