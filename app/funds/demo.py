"""The demo's funds: the compound's 公共收益 kept by the owners' committee, with three months of
parking, advertising and rent income, a repair commitment partly spent, a corrected entry and a
transfer to the 维修资金; the first two months published as 财务公开; an owner's question
answered and another left unanswered for ten days (it shows on the compound's home). Everything
goes through the services. Micro-projects and trust-model books add their own."""
from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.compounds.models import Compound
from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds import questions, services, statements
from app.funds.models import LedgerEntry

COMMITTEE = "19900010005"
OWNER = "19900010001"


def _user(mobile: str) -> User:
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _month_start(day: date, back: int) -> date:
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def seed_funds(compound: Compound) -> None:
    committee, owner = _user(COMMITTEE), _user(OWNER)
    now = utcnow()
    today = china_date(now)
    year = today.year
    income = services.create_fund(committee, source="public_income", year=year,
                                  name=f"{year}年公共收益", compound=compound)
    repairs = services.create_fund(committee, source="maintenance", year=year,
                                   name=f"{year}年维修资金（小区账户）", compound=compound)
    first, second, third = (_month_start(today, back) for back in (3, 2, 1))

    def post(day, kind, yuan, category, counterparty, description="", **kw):
        return services.post_entry(income, committee, kind=kind, amount_fen=yuan * 100,
                                   entry_date=day, category=category,
                                   counterparty=counterparty, description=description,
                                   now=now, **kw)

    for start in (first, second, third):
        post(start + timedelta(days=4), "income", 18_600, "parking", "锦华停车管理公司",
             "地面停车位 62 个，按月结算")
        post(start + timedelta(days=9), "income", 3_000, "advertising", "电梯广告公司",
             "电梯轿厢广告位租金")
    post(first + timedelta(days=14), "income", 2_400, "rent", "便民理发店", "架空层场地租金")
    promise = post(first + timedelta(days=20), "commitment", 48_000, "repair", "蜀安防水工程",
                   "3 栋、5 栋屋面防水（业主大会决定，合同价 4.8 万元）")
    post(second + timedelta(days=11), "expense", 24_000, "repair", "蜀安防水工程",
         "防水工程首付款 50%", commitment_id=promise.id)
    wrong = post(second + timedelta(days=17), "expense", 1_250, "committee", "文印店",
                 "业委会公示打印费")
    services.correct_entry(wrong, committee, reason="发票金额为 125 元，误记为 1250 元",
                           entry_date=second + timedelta(days=19),
                           replacement={"amount_fen": 12_500}, now=now)
    services.post_transfer(income, committee, to_fund=repairs, amount_fen=1_000_000,
                           entry_date=third + timedelta(days=2),
                           description="按业主大会决定，公共收益 1 万元补充维修资金", now=now)
    for start in (first, second):
        statements.publish_statement(
            income, committee, start.year, start.month, now=now,
            page_url=f"/funds/{income.id}/statements/{start.year}/{start.month}")
    parking = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.fund_id == income.id).order_by(LedgerEntry.seq).limit(1))
    asked = questions.ask(income, owner,
                          "停车收益每月都是 18600 元，是按多少个车位、什么单价算的？",
                          parking, now=now - timedelta(days=12))
    questions.answer(asked, committee, "地面车位 62 个，每个每月 300 元，合同见凭证。",
                     now=now - timedelta(days=11))
    questions.ask(income, owner, "防水工程尾款什么时候付？验收报告会公开吗？",
                  now=now - timedelta(days=10))
    db.session.flush()
