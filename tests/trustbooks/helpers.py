"""A compound with a 物业费 (trust-model) fund of 2026 kept by the property manager, plus an
approved budget when asked."""
from datetime import date

from app.extensions import db
from app.trustbooks import budgets
from tests.funds.helpers import YEAR, FundWorld

BUDGET = {("income", "fee"): 120_000_000, ("expense", "staff"): 60_000_000,
          ("expense", "cleaning"): 12_000_000, ("expense", "greening"): 6_000_000}


class TrustWorld(FundWorld):
    def __init__(self, *, approved: bool = True):
        super().__init__()
        self.fund = self.fee_fund
        self.budget = None
        if approved:
            self.budget = budgets.draft(self.fund, self.property, BUDGET)
            budgets.approve(self.budget, self.committee, note="2025年12月业主大会书面表决通过")
            db.session.commit()

    def spend(self, amount_fen, category="staff", day=date(YEAR, 1, 20), kind="expense", **kw):
        return self.post(self.fund, kind=kind, amount_fen=amount_fen, day=day,
                         category=category, **kw)
