"""What the micro-project pages read, in few statements each."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.microprojects.models import (
    MicroProject,
    ProjectEvent,
    ProjectMilestone,
    ProjectPhoto,
    ProjectRound,
)


def rounds_of(compound_id: int) -> list[ProjectRound]:
    return list(db.session.scalars(select(ProjectRound).where(
        ProjectRound.compound_id == compound_id).order_by(ProjectRound.id.desc())
        .options(joinedload(ProjectRound.fund))))


def load_round(compound_id: int, round_id: int) -> ProjectRound | None:
    row = db.session.scalar(select(ProjectRound).where(
        ProjectRound.id == round_id, ProjectRound.compound_id == compound_id)
        .options(joinedload(ProjectRound.fund)).execution_options(populate_existing=True))
    return row


def projects_of(project_round: ProjectRound) -> list[MicroProject]:
    return list(db.session.scalars(select(MicroProject).where(
        MicroProject.round_id == project_round.id)
        .order_by(MicroProject.created_at, MicroProject.id)))


def load_project(project_round: ProjectRound, project_id: int) -> MicroProject | None:
    return db.session.scalar(select(MicroProject).where(
        MicroProject.id == project_id, MicroProject.round_id == project_round.id)
        .options(joinedload(MicroProject.author)).execution_options(populate_existing=True))


def round_events(project_round: ProjectRound) -> list[ProjectEvent]:
    return list(db.session.scalars(select(ProjectEvent).where(
        ProjectEvent.round_id == project_round.id, ProjectEvent.project_id.is_(None))
        .order_by(ProjectEvent.id)))


def project_events(project: MicroProject) -> list[ProjectEvent]:
    return list(db.session.scalars(select(ProjectEvent).where(
        ProjectEvent.project_id == project.id).order_by(ProjectEvent.id)))


def milestones_of(project: MicroProject) -> list[ProjectMilestone]:
    return list(db.session.scalars(select(ProjectMilestone).where(
        ProjectMilestone.project_id == project.id).order_by(ProjectMilestone.progress)))


def photos_of(project: MicroProject) -> list[ProjectPhoto]:
    return list(db.session.scalars(select(ProjectPhoto).where(
        ProjectPhoto.project_id == project.id)
        .order_by(ProjectPhoto.milestone_id.is_not(None), ProjectPhoto.milestone_id,
                  ProjectPhoto.position)))
