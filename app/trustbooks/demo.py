"""The demo's trust-model books (信托制物业): last year's 物业费 fund with its approved budget, a
year of monthly totals and its published annual account (which the demo's open matter-4
renewal vote cites, app.proposals.demo: this runs first); this year's fund with its approved
budget, income and expenses for every month so far with a few vouchers, every month but the
last published as 财务公开, one question answered and one open, and one disputed line.
Everything goes through the services."""
import io
from datetime import date, datetime, time, timedelta, timezone

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.accounts.models import User
from app.compounds.models import Compound
from app.core.time import CHINA, china_date, utcnow
from app.extensions import db
from app.funds import questions, services, statements
from app.funds.vouchers import prepare_vouchers
from app.trustbooks import accounts, budgets, disputes

COMMITTEE = "19900010005"
PROPERTY = "19900000004"
OWNER = "19900010001"

# 分 per year; the expense side of a compound of about 300 homes.
BUDGET = {("income", "fee"): 118_800_000, ("income", "parking_service"): 7_200_000,
          ("expense", "staff"): 60_000_000, ("expense", "cleaning"): 12_000_000,
          ("expense", "greening"): 5_400_000, ("expense", "security"): 21_600_000,
          ("expense", "facility"): 9_600_000, ("expense", "utilities"): 9_600_000,
          ("expense", "office"): 1_440_000, ("expense", "insurance"): 1_200_000,
          ("expense", "remuneration"): 10_800_000}
# (category, counterparty, 分) posted every month.
MONTHLY = [("staff", "锦华物业（工资发放）", 5_000_000), ("cleaning", "洁美保洁服务部", 1_000_000),
           ("greening", "青城园林绿化", 450_000), ("security", "锦华物业秩序维护部", 1_800_000),
           ("utilities", "国网成都供电公司", 760_000), ("office", "办公用品店", 120_000),
           ("remuneration", "锦华物业服务有限公司", 900_000)]


def _user(mobile: str) -> User:
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), CHINA).astimezone(timezone.utc)


def _voucher(title: str) -> list:
    """A small scanned-receipt picture (EXIF-free after preparing, as any upload)."""
    image = Image.new("RGB", (320, 200), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 311, 191), outline=(90, 90, 90))
    draw.text((20, 24), "INVOICE", fill=(30, 30, 30))
    draw.text((20, 60), title.encode("ascii", "ignore").decode() or "receipt", fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return prepare_vouchers([("receipt.jpg", buffer.getvalue())])


def _month(fund, manager, year: int, month: int, now, *, extra: int = 0) -> list:
    """One month's lines: the fees collected, parking service, the monthly expenses."""
    day = date(year, month, 1)
    made = [services.post_entry(fund, manager, kind="income", amount_fen=10_050_000 + extra,
                                entry_date=day + timedelta(days=4), category="fee",
                                counterparty="业主缴纳物业费", description="当月实收物业费",
                                now=now),
            services.post_entry(fund, manager, kind="income", amount_fen=600_000,
                                entry_date=day + timedelta(days=5), category="parking_service",
                                counterparty="停车服务费", now=now)]
    for category, counterparty, fen in MONTHLY:
        made.append(services.post_entry(fund, manager, kind="expense", amount_fen=fen,
                                        entry_date=day + timedelta(days=14), category=category,
                                        counterparty=counterparty, now=now))
    return made


def _last_year(compound, committee, manager, year: int, now) -> None:
    fund = services.create_fund(manager, source="property_fee", year=year,
                                name=f"{year}年物业费（信托制）", compound=compound)
    draft = budgets.draft(fund, manager, BUDGET, now=_at(date(year - 1, 12, 1)))
    budgets.approve(draft, committee, note=f"{year - 1}年12月业主大会书面表决通过",
                    now=_at(date(year - 1, 12, 20)))
    for month in range(1, 13):
        _month(fund, manager, year, month, now)
    services.post_entry(fund, manager, kind="expense", amount_fen=1_150_000,
                        entry_date=date(year, 3, 20), category="insurance",
                        counterparty="公众责任险", now=now)
    services.post_entry(fund, manager, kind="expense", amount_fen=11_800_000,
                        entry_date=date(year, 7, 18), category="facility",
                        counterparty="电梯维保公司", description="2、4栋电梯主板更换", now=now)
    accounts.publish(fund, committee, now=_at(date(year + 1, 1, 8)))


def seed_trust_books(compound: Compound) -> None:
    committee, manager, owner = _user(COMMITTEE), _user(PROPERTY), _user(OWNER)
    now = utcnow()
    today = china_date(now)
    year = today.year if today.month > 1 else today.year - 1
    last_month = today.month - 1 if today.month > 1 else 12
    _last_year(compound, committee, manager, year - 1, now)

    fund = services.create_fund(manager, source="property_fee", year=year,
                                name=f"{year}年物业费（信托制）", compound=compound)
    draft = budgets.draft(fund, manager, BUDGET, now=_at(date(year - 1, 12, 2)))
    budgets.approve(draft, committee, note=f"{year - 1}年12月业主大会书面表决通过",
                    now=_at(date(year - 1, 12, 22)))
    lines = {}
    for month in range(1, last_month + 1):
        lines[month] = _month(fund, manager, year, month, now, extra=month * 1_000)
    insurance = services.post_entry(
        fund, manager, kind="expense", amount_fen=1_180_000, entry_date=date(year, 3, 18),
        category="insurance", counterparty="公众责任险", description="全年公众责任险",
        vouchers=_voucher("insurance 11800"), now=now)
    lift = services.post_entry(
        fund, manager, kind="expense", amount_fen=12_600_000,
        entry_date=date(year, min(7, last_month), 16), category="facility",
        counterparty="电梯维保公司", description="3栋两部电梯曳引机维修（超出设施设备维护预算）",
        vouchers=_voucher("lift repair 126000"), now=now)
    cleaning = lines[min(5, last_month)][3]
    services.add_vouchers(cleaning, manager, _voucher("cleaning 10000"))
    for month in range(1, last_month):
        statements.publish_statement(
            fund, committee, year, month, now=_at(date(year, month, 1) + timedelta(days=40)),
            page_url=f"/funds/{fund.id}/statements/{year}/{month}")
    asked = questions.ask(fund, owner, "电梯维修 12.6 万元超出了设施设备维护全年预算，"
                          "有没有报价比选？", lift, now=now - timedelta(days=9))
    questions.answer(asked, manager, "比选了三家，报价单和维修合同已作为凭证上传；"
                     "超支部分将在年度账目中说明，并提请业委会审议。",
                     now=now - timedelta(days=8))
    questions.ask(fund, owner, "保险费每年都是一次付清吗？保单能公开吗？", insurance,
                  now=now - timedelta(days=2))
    greening = lines[min(6, last_month)][4]
    disputes.mark(fund, greening, committee,
                  "6月绿化费用与合同约定的养护面积不符，请物业补充验收记录。",
                  now=now - timedelta(days=5))
    db.session.flush()
