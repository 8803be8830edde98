"""Read-side helpers of the meeting pages: lists, form choices, who may see what."""
from datetime import datetime

from sqlalchemy import String, bindparam, literal, select, union_all
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.compounds.access import has_role, is_staff
from app.compounds.models import Compound, RoleGrant, StaffAssignment
from app.core.db import get_scoped
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db
from app.issues.models import Issue
from app.meetings.models import Attendance, Meeting, MeetingDemand, Minutes
from app.proposals.models import Proposal

AGENDA_ISSUE_STATES = ("acknowledged", "on_agenda")
AGENDA_PROPOSAL_STATES = ("draft", "consultation", "review", "deliberation")
INVITABLE_ROLES = ("party_cell", "property", "grid")


def get_meeting(compound: Compound, meeting_id: int) -> Meeting:
    return get_scoped(Meeting, meeting_id, _l("找不到这次会议。"),
                      options=[joinedload(Meeting.agenda)], compound_id=compound.id)


def get_demand(compound: Compound, demand_id: int) -> MeetingDemand:
    return get_scoped(MeetingDemand, demand_id, _l("找不到这份联名提议。"),
                      compound_id=compound.id)


# The meetings page's statements, built once (bind parameters compound_id, user_id, ids).
_MEETINGS = (select(Meeting).where(Meeting.compound_id == bindparam("compound_id"))
             .order_by(Meeting.starts_at.desc(), Meeting.id.desc()))
_MINUTES_STATUS = select(Minutes.meeting_id, Minutes.status).where(
    Minutes.meeting_id.in_(bindparam("ids", expanding=True)))
_OPEN_DEMANDS = (select(MeetingDemand).where(MeetingDemand.compound_id == bindparam("compound_id"),
                                             MeetingDemand.meeting_id.is_(None))
                 .order_by(MeetingDemand.created_at.desc()))


def meetings_of(compound: Compound, now: datetime | None = None):
    now = now or utcnow()
    rows = list(db.session.scalars(_MEETINGS, {"compound_id": compound.id}))
    upcoming = sorted((m for m in rows if m.starts_at >= now), key=lambda m: m.starts_at)
    return upcoming, [m for m in rows if m.starts_at < now]


def minutes_status(meeting_ids: list[int]) -> dict[int, str]:
    if not meeting_ids:
        return {}
    return dict(db.session.execute(_MINUTES_STATUS, {"ids": list(meeting_ids)}).all())


def open_demands(compound: Compound) -> list[MeetingDemand]:
    return list(db.session.scalars(_OPEN_DEMANDS, {"compound_id": compound.id}))


def signed_demand_ids(user, compound: Compound) -> set[int]:
    from app.meetings.models import DemandSignature

    return set(db.session.scalars(
        select(DemandSignature.demand_id).join(MeetingDemand).where(
            MeetingDemand.compound_id == compound.id, DemandSignature.user_id == user.id)))


def agenda_choices(compound: Compound) -> tuple[list, list]:
    issues = db.session.execute(select(Issue.id, Issue.title).where(
        Issue.compound_id == compound.id, Issue.status.in_(AGENDA_ISSUE_STATES),
        Issue.is_hidden.is_(False)).order_by(Issue.id.desc()).limit(50)).all()
    proposals = db.session.execute(select(Proposal.id, Proposal.title).where(
        Proposal.compound_id == compound.id, Proposal.state.in_(AGENDA_PROPOSAL_STATES))
        .order_by(Proposal.id.desc()).limit(50)).all()
    return [(i, t) for i, t in issues], [(i, t) for i, t in proposals]


def _users(ids) -> list[User]:
    ids = set(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def people_choices(compound: Compound) -> tuple[list, list]:
    """(recorder candidates, invitee candidates): office holders and community staff. Two
    statements: the grants and staff assignments together, then their people at once."""
    grants = db.session.execute(union_all(
        select(RoleGrant.user_id, RoleGrant.role).where(
            RoleGrant.compound_id == compound.id, RoleGrant.revoked_at.is_(None)),
        select(StaffAssignment.user_id, literal("staff", String)).where(
            StaffAssignment.community_id == compound.community_id,
            StaffAssignment.revoked_at.is_(None)))).all()
    staff = {uid for uid, role in grants if role == "staff"}
    office = {uid for uid, role in grants if role in ("council", "committee", "party_cell")}
    invitable = {uid for uid, role in grants if role in INVITABLE_ROLES} | staff
    people = _users(office | invitable)
    recorders = [(u.id, u.display_name) for u in people if u.id in office | staff]
    invitees = [(u.id, u.display_name) for u in people if u.id in invitable]
    return recorders, invitees


def may_see_draft(user, compound: Compound, meeting: Meeting,
                  attendance: list[Attendance]) -> bool:
    """Drafts are read by those at the meeting, its convener and recorder, the party cell
    and staff; everyone reads the minutes once published."""
    return (user.id in {a.user_id for a in attendance}
            or user.id in (meeting.convener_id, meeting.recorder_id)
            or is_staff(user, compound) or has_role(user, compound, "party_cell"))


def users_by_id(ids) -> dict[int, User]:
    return {u.id: u for u in _users(ids)}
