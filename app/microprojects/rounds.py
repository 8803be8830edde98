"""A round's stages: creating it on a fund, closing the collection, finishing the council's
review, publishing the candidates (候选公示, a notice for a set number of days counted as
民法典 第二百零一至二百零三条 count), opening and closing the household vote, the council's
resolution, the owners' decision on owners' money, and the result's 公示. Services take the
actor, flush, never commit; every change is audited (the engine's entry for each step)."""
from datetime import datetime

from sqlalchemy import func, select

from app.audit.anchors import anchor_compound
from app.audit.services import head_hash, record
from app.compounds.access import has_role, primary_role
from app.core.db import get_scoped
from app.core.errors import PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.periods import period_after
from app.core.sanitize import clean_text, render_markdown
from app.core.time import iso_utc, utcnow
from app.core.workflow import apply, check, expect
from app.extensions import db
from app.funds.money import format_fen as yuan
from app.funds.money import parse_yuan
from app.microprojects import allocation, announce, funding
from app.microprojects.lifecycle import PROJECT, ROUND, compound_of
from app.microprojects.models import MicroProject, ProjectRound
from app.microprojects.votes import OWNERS_MONEY, candidates_of, votes_by_project

CREATORS = ("staff",)


def get_round(compound, round_id: int) -> ProjectRound:
    return get_scoped(ProjectRound, round_id, _l("找不到这一轮微项目。"),
                      compound_id=compound.id)


def create_round(actor, compound, *, fund_id: int, title: str, body: str, budget_cap,
                 collect_until: datetime, candidate_days: int = 7, voting_days: int = 7,
                 now: datetime | None = None) -> ProjectRound:
    """Community staff open a round on a fund of the compound or of its community. Its
    source sets the route: 社区 money is decided by the council after an advisory household
    vote; owners' money by an owners' joint decision (民法典 第二百七十八条)."""
    if not has_role(actor, compound, *CREATORS):
        raise PermissionDenied(_l("只有社区工作人员可以发起微项目征集。"))
    now = now or utcnow()
    fund = funding.fund_for(compound, fund_id)
    title = clean_text(title, 120)
    if not title:
        raise ServiceError(_l("请填写本轮名称。"), field="title")
    cap = budget_cap if isinstance(budget_cap, int) else parse_yuan(budget_cap, "budget_cap")
    if cap <= 0:
        raise ServiceError(_l("预算上限须大于零。"), field="budget_cap")
    if collect_until is None or collect_until <= now:
        raise ServiceError(_l("征集截止时间须晚于现在。"), field="collect_until")
    for name, days in (("candidate_days", candidate_days), ("voting_days", voting_days)):
        if not isinstance(days, int) or not 1 <= days <= 60:
            raise ServiceError(_l("天数须在 1 到 60 天之间。"), field=name)
    body = (body or "").strip()[:5000]
    project_round = ProjectRound(
        compound_id=compound.id, fund_id=fund.id, title=title, body_source=body,
        body_html=str(render_markdown(body)), route=funding.route_of(fund), budget_cap=cap,
        state="collecting", collect_until=collect_until, candidate_days=candidate_days,
        voting_days=voting_days, ballot_count=0, decision_text="", audit_head="",
        created_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(project_round)
    db.session.flush()
    record(actor, compound, "micro_round.create", project_round,
           {"fund": fund.id, "route": project_round.route, "budget_cap": cap,
            "collect_until": iso_utc(collect_until)}, actor_role=primary_role(actor, compound))
    return project_round


def _count_in(project_round: ProjectRound, *states: str) -> int:
    return db.session.scalar(select(func.count(MicroProject.id)).where(
        MicroProject.round_id == project_round.id, MicroProject.state.in_(states)))


def close_collection(actor, project_round, *, seen=None, now=None):
    expect(ROUND, project_round, seen)
    return apply(ROUND, project_round, "close_collection", actor, now=now)


def finish_review(actor, project_round, *, seen=None, now=None):
    """The council has reviewed every idea (none left waiting)."""
    expect(ROUND, project_round, seen)
    check(ROUND, project_round, "finish_review", actor, now=now)
    if _count_in(project_round, "proposed"):
        raise ServiceError(_l("还有微项目没有初审。"), status=409)
    return apply(ROUND, project_round, "finish_review", actor, now=now)


def publish_candidates(actor, project_round, *, seen=None, now=None):
    """候选公示: the party cell has reviewed every idea the council passed; the candidates are
    published on the board for the round's number of days."""
    now = now or utcnow()
    expect(ROUND, project_round, seen)
    check(ROUND, project_round, "publish_candidates", actor, now=now)
    if _count_in(project_round, "shortlisted"):
        raise ServiceError(_l("还有微项目没有经过党组织审议。"), status=409)
    candidates = candidates_of(project_round)
    if not candidates:
        raise ServiceError(_l("没有候选项目，不能公示。"), status=409)
    until = period_after(now, project_round.candidate_days).ends_at
    notice = announce.candidates(actor, project_round, candidates, now, until)
    return apply(ROUND, project_round, "publish_candidates", actor, now=now,
                 values={"candidates_published_at": now, "candidates_until": until,
                         "candidates_notice_id": notice.id},
                 data={"candidates": [p.id for p in candidates], "notice": notice.id,
                       "until": iso_utc(until)})


def open_voting(actor, project_round, *, seen=None, now=None):
    """After the candidates' publicity period: the households vote for the round's days."""
    now = now or utcnow()
    expect(ROUND, project_round, seen)
    if project_round.route != "council":
        raise ServiceError(OWNERS_MONEY, status=409)
    closes = period_after(now, project_round.voting_days).ends_at
    return apply(ROUND, project_round, "open_voting", actor, now=now,
                 values={"voting_opened_at": now, "voting_closes_at": closes},
                 data={"closes": iso_utc(closes)})


def close_voting(actor, project_round, *, seen=None, now=None):
    """Close and count: the ballots' approvals per candidate, then the greedy allocation
    within the cap (app.microprojects.allocation), frozen on the round. The state moves
    first: a ballot still being cast either got in before (and is counted) or is refused."""
    now = now or utcnow()
    expect(ROUND, project_round, seen)
    step = apply(ROUND, project_round, "close_voting", actor, now=now,
                 values={"voting_closed_at": now})
    votes = votes_by_project(project_round)
    candidates = candidates_of(project_round)
    for project in candidates:
        project.votes = votes.get(project.id, 0)
    considered = allocation.allocate(project_round.budget_cap, [
        allocation.Candidate(p.id, p.votes, p.estimate, p.created_at) for p in candidates])
    project_round.result = result_json(project_round, candidates, considered)
    db.session.flush()
    record(actor, compound_of(project_round), "micro_round.count", project_round,
           {"funded": [c.id for c in considered if c.funded],
            "total": project_round.result["total_funded"]}, also=candidates,
           actor_role=step.role)
    return step


def result_json(project_round, projects, considered) -> dict:
    titles = {p.id: p.title for p in projects}
    rows = [{"id": c.id, "title": titles[c.id], "rank": c.rank, "votes": c.votes,
             "cost": c.cost, "remaining_before": c.remaining_before, "funded": c.funded,
             "reason": c.reason} for c in considered]
    return {"cap": project_round.budget_cap, "ballots": project_round.ballot_count,
            "rows": rows, "total_funded": allocation.total_funded(considered)}


def _settle(project_round: ProjectRound, now) -> None:
    """The decision's effect on each candidate: funded or not, as the result says."""
    funded = {row["id"] for row in project_round.result["rows"] if row["funded"]}
    for project in candidates_of(project_round):
        apply(PROJECT, project, "fund" if project.id in funded else "leave_unfunded", None,
              now=now)


def decide(actor, project_round, note: str, *, seen=None, now=None):
    """议事会决议 on 社区 money: the households' vote was advisory (居民意见征集); the council's
    resolution adopts its allocation and gives its reasons."""
    now = now or utcnow()
    expect(ROUND, project_round, seen)
    step = apply(ROUND, project_round, "decide", actor, fields={"note": note}, now=now,
                 values={"decision_text": (note or "").strip()[:2000], "decided_at": now})
    _settle(project_round, now)
    return step


def refer_to_owners(actor, project_round, *, seen=None, now=None):
    """Owners' money: instead of a household vote, an owners' joint decision on the
    candidates (民法典 第二百七十八条: matter 5 for the 维修资金, matter 9 otherwise), drafted
    as a proposal that follows its own procedure; the round waits for its result."""
    now = now or utcnow()
    expect(ROUND, project_round, seen)
    check(ROUND, project_round, "refer_to_owners", actor, now=now)
    candidates = candidates_of(project_round)
    total = sum(p.estimate for p in candidates)
    if total > project_round.budget_cap:
        raise ServiceError(_l("候选项目合计 %(total)s，超过了预算上限 %(cap)s。",
                              total=yuan(total), cap=yuan(project_round.budget_cap)),
                           status=409)
    proposal = funding.draft_owners_decision(actor, project_round, candidates)
    return apply(ROUND, project_round, "refer_to_owners", actor, now=now,
                 values={"owners_proposal_id": proposal.id},
                 data={"proposal": proposal.id, "matter": proposal.matter})


def adopt_owners_decision(actor, project_round, *, seen=None, now=None):
    """Once the owners' decision has passed (its final result published), every candidate
    it approved is funded."""
    now = now or utcnow()
    expect(ROUND, project_round, seen)
    check(ROUND, project_round, "adopt_owners_decision", actor, now=now)
    if not funding.owners_decision_passed(project_round):
        raise ServiceError(_l("业主共同决定尚未通过并公布结果。"), status=409)
    candidates = candidates_of(project_round)
    remaining, considered = project_round.budget_cap, []
    for rank, p in enumerate(candidates, start=1):
        considered.append(allocation.Considered(p.id, rank, 0, p.estimate, remaining, True,
                                                "owners_decision"))
        remaining -= p.estimate
    result = result_json(project_round, candidates, considered)
    step = apply(ROUND, project_round, "adopt_owners_decision", actor, now=now,
                 values={"result": result, "decided_at": now})
    _settle(project_round, now)
    return step


def publish_result(actor, project_round, *, seen=None, now=None):
    """结果公示: a notice on the board links the result page; the funded projects start."""
    now = now or utcnow()
    expect(ROUND, project_round, seen)
    check(ROUND, project_round, "publish_result", actor, now=now)
    notice = announce.result(actor, project_round, now)
    step = apply(ROUND, project_round, "publish_result", actor, now=now,
                 values={"result_notice_id": notice.id, "result_published_at": now,
                         "audit_head": head_hash(project_round.compound_id)},
                 data={"notice": notice.id})
    for project in db.session.scalars(select(MicroProject).where(
            MicroProject.round_id == project_round.id, MicroProject.state == "funded")
            .order_by(MicroProject.id)):
        apply(PROJECT, project, "start", None, now=now)
    # The compound chain's head, the publishing entries included, goes into the anchor chain.
    anchor_compound(project_round.compound_id, "result_published", now)
    return step


STEPS = {"close_collection": close_collection, "finish_review": finish_review,
         "publish_candidates": publish_candidates, "open_voting": open_voting,
         "close_voting": close_voting, "refer_to_owners": refer_to_owners,
         "adopt_owners_decision": adopt_owners_decision, "publish_result": publish_result}
