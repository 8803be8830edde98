"""What awaits people about funds (app.core.todo): a fund's keeper answers the questions
asked about it, each due ANSWER_DAYS after it was asked (overdue afterwards). The committee
keeps 公共收益 and 维修资金, the property manager 物业费, community staff the community's
funds (shown under the first of their compounds in that community). STALE_ON_HOME gives a
compound's home the questions about its funds and its community's left unanswered longer."""
from datetime import timedelta

from flask import url_for
from sqlalchemy import and_, bindparam, exists, func, or_, select

from app.compounds.models import Compound, RoleGrant
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.core.todo import USER_ID, TodoItem, columns, ids
from app.funds.access import KEEPER_ROLES
from app.funds.models import Fund, FundQuestion
from app.funds.questions import ANSWER_DAYS

ACTIONS = {"funds.answer": _l("答复账目提问")}
STALE = bindparam("funds_stale_before")
_COMPOUND_ID = bindparam("compound_id")


def params(now) -> dict:
    return {"funds_stale_before": now - timedelta(days=ANSWER_DAYS)}


def _keeps_compound_fund():
    return exists(select(RoleGrant.id).where(
        RoleGrant.user_id == USER_ID, RoleGrant.compound_id == Fund.compound_id,
        RoleGrant.revoked_at.is_(None),
        or_(*(and_(Fund.source == source, RoleGrant.role == role)
              for source, role in KEEPER_ROLES.items()))))


def queries(scopes) -> list:
    out = []
    open_question = FundQuestion.answered_at.is_(None)
    if "member" in scopes:
        out.append(select(*columns("funds.answer", Fund.compound_id, FundQuestion.id, Fund.name,
                                   FundQuestion.asked_at, number=Fund.id))
                   .join(Fund, Fund.id == FundQuestion.fund_id)
                   .where(open_question, Fund.compound_id.in_(ids("member")),
                          _keeps_compound_fund()))
    if "staff" in scopes:
        first_compound = (select(func.min(Compound.id))
                          .where(Compound.community_id == Fund.community_id,
                                 Compound.id.in_(ids("staff"))).scalar_subquery())
        out.append(select(*columns("funds.answer", first_compound, FundQuestion.id, Fund.name,
                                   FundQuestion.asked_at, number=Fund.id))
                   .join(Fund, Fund.id == FundQuestion.fund_id)
                   .where(open_question, Fund.community_id.in_(
                       select(Compound.community_id).where(Compound.id.in_(ids("staff"))))))
    return out


def item(row) -> TodoItem | None:
    due = row["due_at"] + timedelta(days=ANSWER_DAYS)
    return TodoItem(row["kind"], ACTIONS[row["kind"]], row["title"],
                    url_for("funds.fund", fund_id=row["number"]) + f"#question-{row['ref_id']}",
                    row["compound_id"], due_at=due, overdue=due < utcnow())


# A compound's home: questions about its funds and its community's, unanswered for longer than
# ANSWER_DAYS (bind parameters compound_id and funds_stale_before).
_COMMUNITY_OF = select(Compound.community_id).where(Compound.id == _COMPOUND_ID)
STALE_ON_HOME = (select(*columns("funds.stale", _COMPOUND_ID, FundQuestion.id, Fund.name,
                                 FundQuestion.asked_at, number=Fund.id))
                 .join(Fund, Fund.id == FundQuestion.fund_id)
                 .where(FundQuestion.answered_at.is_(None), FundQuestion.asked_at < STALE,
                        or_(Fund.compound_id == _COMPOUND_ID,
                            Fund.community_id == _COMMUNITY_OF.scalar_subquery())))


def stale_from(rows) -> list[dict]:
    """STALE_ON_HOME's rows as the home's card reads them, oldest first."""
    found = sorted((r for r in rows if r["kind"] == "funds.stale"),
                   key=lambda r: (r["due_at"], r["ref_id"]))
    return [{"fund_id": r["number"], "question_id": r["ref_id"], "fund_name": r["title"],
             "asked_at": r["due_at"]} for r in found]
