"""居民投票: each household approves the candidate projects it wants, whose estimates sum to
at most the round's cap. One ballot per household (unit), final once cast: the unique
constraint on (round, unit) decides, never a look-up first, and a ballot cast while the vote
closes either counts or is refused, never lost (it updates the round's row, as the close
does). On owners' money there is no household vote at all (民法典 第二百七十八条)."""
from sqlalchemy import func, select, update

from app.audit.services import record
from app.compounds.access import primary_role
from app.core.db import insert_unless_exists
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db
from app.funds.money import format_fen as yuan
from app.microprojects.households import homes_of
from app.microprojects.lifecycle import compound_of
from app.microprojects.models import (
    MicroProject,
    ProjectBallot,
    ProjectBallotChoice,
    ProjectRound,
)

OWNERS_MONEY = _l("这一轮使用业主共有资金，须由业主共同决定（《民法典》第二百七十八条），"
                  "不进行居民投票。")


def candidates_of(project_round: ProjectRound) -> list[MicroProject]:
    return list(db.session.scalars(select(MicroProject).where(
        MicroProject.round_id == project_round.id, MicroProject.state == "candidate")
        .order_by(MicroProject.created_at, MicroProject.id)))


def cast(actor, project_round: ProjectRound, project_ids, unit_id: int | None = None,
         now=None) -> ProjectBallot:
    """The household's ballot: at least one candidate, together within the cap."""
    compound = compound_of(project_round)
    now = now or utcnow()
    if project_round.route != "council":
        raise ServiceError(OWNERS_MONEY, status=409)
    homes = homes_of(actor, compound.id)
    if not homes:
        raise PermissionDenied(_l("只有本小区已认证的居民可以代表家庭投票。"))
    home = homes[0] if not unit_id else next(
        (h for h in homes if h.unit_id == unit_id), None)
    if home is None:
        raise ServiceError(_l("请选择您在本小区的房屋。"), field="unit")
    if project_round.state != "voting" or now >= project_round.voting_closes_at:
        raise ServiceError(_l("现在不在投票期内。"), status=409)
    chosen = {int(i) for i in project_ids or ()}
    if not chosen:
        raise ServiceError(_l("请至少选择一个项目。"), field="projects")
    by_id = {p.id: p for p in candidates_of(project_round)}
    if not chosen <= set(by_id):
        raise ServiceError(_l("只能选择本轮的候选项目。"), field="projects")
    total = sum(by_id[i].estimate for i in chosen)
    if total > project_round.budget_cap:
        raise ServiceError(_l("所选项目估算合计 %(total)s，超过了本轮预算上限 %(cap)s，"
                              "请少选一些再提交。", total=yuan(total),
                              cap=yuan(project_round.budget_cap)), field="projects")
    ballot_id = insert_unless_exists(ProjectBallot, {
        "round_id": project_round.id, "unit_id": home.unit_id, "user_id": actor.id,
        "total": total, "created_at": now}, ["round_id", "unit_id"])
    if ballot_id is None:
        raise Conflict(_l("您家已经投过票了：每户一票，投出后不能更改。"))
    # Then the round's row, still open: a close under way either waits for this ballot (and
    # counts it) or has moved the state, and the ballot is refused with the request.
    taken = db.session.execute(
        update(ProjectRound).where(ProjectRound.id == project_round.id,
                                   ProjectRound.state == "voting",
                                   ProjectRound.voting_closes_at > now)
        .values(ballot_count=ProjectRound.ballot_count + 1)
        .returning(ProjectRound.ballot_count)).scalar()
    if taken is None:
        raise Conflict(_l("投票刚刚结束了。"))
    db.session.add_all([ProjectBallotChoice(ballot_id=ballot_id, project_id=i)
                        for i in sorted(chosen)])
    db.session.flush()
    db.session.refresh(project_round)
    ballot = db.session.get(ProjectBallot, ballot_id)
    record(actor, compound, "micro_round.vote", ballot,
           {"round": project_round.id, "unit": home.unit_id, "projects": sorted(chosen),
            "total": total}, also=[project_round],
           sets=[(ProjectBallotChoice, {"ballot_id": ballot_id})],
           actor_role=primary_role(actor, compound))
    return ballot


def ballot_of_household(user, project_round: ProjectRound) -> ProjectBallot | None:
    """The ballot any of the person's households cast in the round (the first found)."""
    units = [h.unit_id for h in homes_of(user, project_round.compound_id)]
    if not units:
        return None
    return db.session.scalar(select(ProjectBallot).where(
        ProjectBallot.round_id == project_round.id, ProjectBallot.unit_id.in_(units))
        .order_by(ProjectBallot.id).limit(1))


def votes_by_project(project_round: ProjectRound) -> dict[int, int]:
    """How many households approved each project, from the ballots."""
    rows = db.session.execute(
        select(ProjectBallotChoice.project_id, func.count(ProjectBallotChoice.id))
        .join(ProjectBallot, ProjectBallot.id == ProjectBallotChoice.ballot_id)
        .where(ProjectBallot.round_id == project_round.id)
        .group_by(ProjectBallotChoice.project_id)).all()
    return dict(rows)
