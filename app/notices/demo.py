"""Demo notices for 锦华苑: running ones (accounts, a meeting's outcome, one corrected) and one
withdrawn, with a few households having read and acknowledged. The vote results' notices are
made when the demo proposals' results are published. Everything goes through the services, so
the audit log reads as it would in real use."""
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.compounds.demo import ACCOUNTS
from app.compounds.models import Compound
from app.core.time import utcnow
from app.extensions import db
from app.notices import reads, services
from app.notices.models import Notice

ACCOUNTS_BODY = """2026年第三季度（7—9月）小区公共收益收支如下，单位：元。

| 项目 | 收入 | 支出 |
| --- | ---: | ---: |
| 电梯广告位 | 18,600.00 | |
| 临时停车费 | 9,240.00 | |
| 公共区域照明电费 | | 3,150.00 |
| 儿童游乐设施维修 | | 2,800.00 |

本季度结余 21,890.00 元，累计结余 86,412.50 元，存于业主大会公共收益专户。
对明细有疑问的业主，可在公示期内到物业服务中心查阅凭证。"""

MEETING_BODY = """2026年11月议事会会议于11月18日晚7时在社区活动室召开，应到7人，实到6人。

会议议定：
- 南门停车区增设8个电动车充电桩，由物业负责报装，12月底前完成；
- 中心花园改造方案征集意见延长至12月10日；
- 3栋门口路灯由物业本周内更换。

会议纪要全文见“会议与纪要”。"""


def _user(role_word: str) -> User:
    mobile = next(a.mobile for a in ACCOUNTS if role_word in a.role)
    return db.session.scalar(select(User).where(User.mobile == mobile))


def seed_notices(compound: Compound) -> list[Notice]:
    """Flushes; the caller commits."""
    now = utcnow()
    staff, secretary, committee = _user("staff"), _user("party_cell"), _user("committee")
    made = []

    mistaken = services.create_draft(committee, compound, kind="general",
                                     title="停水通知（11月5日）", body="11月5日全天停水。")
    services.publish(committee, mistaken, now=now - timedelta(days=22), announce=False)
    services.withdraw(committee, mistaken, "自来水公司改期施工，停水日期另行通知。")
    made.append(mistaken)

    accounts = services.create_draft(committee, compound, kind="accounts",
                                     title="2026年第三季度公共收益收支公示", body=ACCOUNTS_BODY,
                                     ends_at=now + timedelta(days=30))
    services.publish(committee, accounts)
    services.correct(committee, accounts, title=accounts.title,
                     body=ACCOUNTS_BODY.replace("86,412.50", "86,421.50"),
                     reason="累计结余金额录入有误（86,412.50 应为 86,421.50）")
    made.append(accounts)
    meeting = services.create_draft(secretary, compound, kind="meeting",
                                    title="11月议事会会议议定事项公示", body=MEETING_BODY)
    services.publish(secretary, meeting)
    made.append(meeting)
    draft = services.create_draft(staff, compound, kind="general",
                                  title="冬季消防安全检查安排（草稿）",
                                  body="社区将于12月上旬逐栋开展消防安全检查。")
    made.append(draft)

    for notice in (accounts, meeting):
        for word in ("owner", "party_member", "council"):
            person = _user(word)
            household = reads.household_of(person, notice)
            reads.record_read(notice, person, household.unit_id)
    reads.acknowledge(_user("owner"), accounts)
    reads.acknowledge(_user("party_member"), meeting)
    return made
