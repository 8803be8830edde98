"""What awaits people in micro-projects (app.core.todo): the council reviews the ideas of a
round under review, decides on a counted vote and accepts finished projects; the party cell
reviews the ideas the council passed; households vote while a round's vote is open (until
one of their household has); staff open and close the vote when its time has come and
publish a decided result."""
from flask import url_for
from sqlalchemy import exists, func, select

from app.compounds.models import Residency
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.core.todo import NOW, USER_ID, TodoItem, columns, ids
from app.microprojects.models import MicroProject, ProjectBallot, ProjectRound

ACTIONS = {
    "microprojects.review": _l("初审居民提出的微项目"),
    "microprojects.party": _l("审议初审通过的微项目"),
    "microprojects.vote": _l("为微项目投票（每户一票）"),
    "microprojects.decide": _l("议事会就微项目投票结果作出决议"),
    "microprojects.accept": _l("验收已完工的微项目"),
    "microprojects.open": _l("候选公示期满，开启微项目投票"),
    "microprojects.close": _l("微项目投票已到截止时间，结束并计票"),
    "microprojects.publish": _l("公示微项目结果"),
}


def _waiting(state: str):
    return (select(func.count(MicroProject.id))
            .where(MicroProject.round_id == ProjectRound.id, MicroProject.state == state)
            .scalar_subquery())


def _rounds(kind, scope, *conditions, due=None, number=None):
    return select(*columns(kind, ProjectRound.compound_id, ProjectRound.id, ProjectRound.title,
                           due, number)).where(ProjectRound.compound_id.in_(ids(scope)),
                                               *conditions)


def queries(scopes) -> list:
    out = []
    if "council" in scopes:
        out += [_rounds("microprojects.review", "council", ProjectRound.state == "reviewing",
                        number=_waiting("proposed")),
                _rounds("microprojects.decide", "council", ProjectRound.state == "counted"),
                select(*columns("microprojects.accept", MicroProject.compound_id,
                                MicroProject.id, MicroProject.title, None,
                                MicroProject.round_id))
                .where(MicroProject.compound_id.in_(ids("council")),
                       MicroProject.state == "implementing", MicroProject.progress == 100)]
    if "party_cell" in scopes:
        out.append(_rounds("microprojects.party", "party_cell",
                           ProjectRound.state == "party_review",
                           number=_waiting("shortlisted")))
    if "home" in scopes:
        my_units = select(Residency.unit_id).where(Residency.user_id == USER_ID,
                                                   Residency.revoked_at.is_(None))
        voted = exists().where(ProjectBallot.round_id == ProjectRound.id,
                               ProjectBallot.unit_id.in_(my_units))
        out.append(_rounds("microprojects.vote", "home", ProjectRound.state == "voting",
                           ProjectRound.voting_closes_at > NOW, ~voted,
                           due=ProjectRound.voting_closes_at))
    if "staff" in scopes:
        out += [_rounds("microprojects.open", "staff", ProjectRound.state == "candidates",
                        ProjectRound.route == "council", ProjectRound.candidates_until <= NOW),
                _rounds("microprojects.close", "staff", ProjectRound.state == "voting",
                        ProjectRound.voting_closes_at <= NOW),
                _rounds("microprojects.publish", "staff", ProjectRound.state == "decided")]
    return out


def item(row) -> TodoItem | None:
    kind, compound_id = row["kind"], row["compound_id"]
    if kind == "microprojects.accept":
        url = url_for("microprojects.project", compound_id=compound_id,
                      round_id=row["number"], project_id=row["ref_id"]) + "#actions"
    else:
        url = url_for("microprojects.round_page", compound_id=compound_id,
                      round_id=row["ref_id"])
        url += "#vote" if kind == "microprojects.vote" else "#actions"
    due = row["due_at"]
    return TodoItem(kind, ACTIONS[kind], row["title"], url, compound_id, due_at=due,
                    overdue=due is not None and due < utcnow())
