"""A compound (IssueWorld's roles, owners and tenant) with a 公共收益 fund kept by the
committee, a 物业费 fund kept by the property manager, and its community's 社区保障资金."""
from datetime import date

from app.compounds.models import Community
from app.extensions import db
from app.funds import services
from tests.issues.helpers import IssueWorld

YEAR = 2026


class FundWorld(IssueWorld):
    def __init__(self):
        super().__init__()
        self.community = db.session.get(Community, self.compound.community_id)
        self.income_fund = services.create_fund(
            self.committee, source="public_income", year=YEAR, name="2026年公共收益",
            compound=self.compound)
        self.fee_fund = services.create_fund(
            self.property, source="property_fee", year=YEAR, name="2026年物业费（信托制）",
            compound=self.compound)
        self.security_fund = services.create_fund(
            self.staff, source="community_security", year=YEAR, name="2026年社区保障资金",
            community=self.community, budget_fen=35_000_000)
        db.session.commit()

    def post(self, fund=None, kind="income", amount_fen=10_000, day=date(YEAR, 1, 5),
             category=None, actor=None, **kw):
        fund = fund or self.income_fund
        category = category or {"income": "parking"}.get(kind, "repair")
        actor = actor or {"public_income": self.committee, "property_fee": self.property,
                          "community_security": self.staff}[fund.source]
        entry = services.post_entry(fund, actor, kind=kind, amount_fen=amount_fen,
                                    entry_date=day, category=category, **kw)
        db.session.commit()
        return entry
