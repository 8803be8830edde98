"""Where micro-projects meet the funds (app.funds) and the owners' decisions (app.proposals):
which funds a round may draw on, the route the fund's source sets, the owners' joint decision
on owners' money, and a project's expenses in the fund's ledger.

Routing (民法典 第二百七十八条): 社区保障资金 and 社区基金 are the community's money: the
households' vote is an advisory 居民意见征集 and the council's resolution decides. 公共收益
and the 维修资金 are the owners': no household vote; an owners' joint decision does, matter 5
(使用维修资金) for the maintenance fund, matter 9 (其他重大事项) for common income, scoped to
the buildings concerned when the candidates all lie in named buildings is left to the
proposal's own draft form. The trust-model 物业费 is not a fund for micro-projects."""
from sqlalchemy import or_, select

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.funds.models import COMMUNITY_SOURCES, Fund, LedgerEntry
from app.funds.money import format_fen as yuan
from app.proposals import services as proposals
from app.proposals.models import Proposal

OWNERS_SOURCES = ("public_income", "maintenance")
ROUND_SOURCES = COMMUNITY_SOURCES + OWNERS_SOURCES
MATTER = {"maintenance": 5, "public_income": 9}


def route_of(fund: Fund) -> str:
    return "council" if fund.source in COMMUNITY_SOURCES else "owners"


def funds_for(compound) -> list[Fund]:
    """The funds a round of this compound may draw on: its own owners' money and its
    community's 社区 money."""
    return list(db.session.scalars(select(Fund).where(
        or_(Fund.compound_id == compound.id, Fund.community_id == compound.community_id),
        Fund.source.in_(ROUND_SOURCES)).order_by(Fund.year.desc(), Fund.id)))


def fund_for(compound, fund_id) -> Fund:
    fund = next((f for f in funds_for(compound) if f.id == fund_id), None)
    if fund is None:
        raise ServiceError(_l("请选择本小区或本社区可用于微项目的资金账户。"), field="fund")
    return fund


def draft_owners_decision(actor, project_round, candidates) -> Proposal:
    """The owners' joint decision on the candidates, as a draft proposal of the compound."""
    fund = db.session.get(Fund, project_round.fund_id)
    lines = "\n".join(f"- {p.title}（{p.location}，估算 {yuan(p.estimate)}）" for p in candidates)
    total = sum(p.estimate for p in candidates)
    body = (f"经议事会初审、党组织审议和候选公示，拟使用“{fund.name}”实施以下微项目，"
            f"合计 {yuan(total)}：\n\n{lines}\n\n微项目征集见 /c/{project_round.compound_id}"
            f"/micro-projects/{project_round.id}")
    return proposals.create(
        actor, _compound(project_round),
        title=f"使用{fund.name}实施微项目：{project_round.title}"[:120], body=body,
        kind="owners", matter=MATTER[fund.source],
        ballot_text=f"是否同意使用{fund.name}实施上述微项目（合计 {yuan(total)}）",
        origin="micro_round")


def _compound(project_round):
    from app.compounds.models import Compound

    return db.session.get(Compound, project_round.compound_id)


def owners_decision_passed(project_round) -> bool:
    if project_round.owners_proposal_id is None:
        return False
    proposal = db.session.get(Proposal, project_round.owners_proposal_id)
    final = proposals.final_result(proposal)
    return bool(final and final.result.get("passed"))


def expenses_of(project) -> list[LedgerEntry]:
    """The fund's expense entries linked to the project, corrections included (a reversal
    counts with minus its amount, as the fund's balances count it)."""
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.project_id == project.id, LedgerEntry.kind == "expense")
        .order_by(LedgerEntry.entry_date, LedgerEntry.seq)))


def signed(entry: LedgerEntry) -> int:
    return -entry.amount_fen if entry.is_reversal else entry.amount_fen


def spent_on(project) -> int:
    return sum(signed(e) for e in expenses_of(project))


def check_project(fund: Fund, project_id: int | None) -> int | None:
    """A ledger entry of `fund` may name a project of a round on that fund, decided and not
    yet closed by its spending's publication (app.funds calls this when posting)."""
    if not project_id:
        return None
    from app.microprojects.models import MicroProject, ProjectRound

    found = db.session.scalar(select(MicroProject.id).join(
        ProjectRound, ProjectRound.id == MicroProject.round_id).where(
        MicroProject.id == project_id, ProjectRound.fund_id == fund.id,
        MicroProject.state.in_(("funded", "implementing", "accepted"))))
    if found is None:
        raise ServiceError(_l("请选择使用本资金账户、已获资助且资金尚未公示的微项目。"),
                           field="project")
    return found
