"""What awaits people in dispatch (app.core.todo): community staff accept new tickets,
assign returned ones again and call back dissatisfied reporters; the subdistrict's staff do the
same for the tickets escalated to it (assign them, again when returned, and call back); a
handler takes the tickets
assigned to their organisation and sees the overdue ones first. (A handler who belongs to no
compound finds their tickets on the home page's dispatch card.) A ticket being handled
shows only once it is overdue."""
from flask import url_for
from sqlalchemy import select

from app.compounds.models import Community, SubdistrictAssignment
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.core.todo import NOW, USER_ID, TodoItem, columns, ids
from app.dispatch.models import OrganisationHandler, Ticket

STAFF_STATES = {"reported": "dispatch.accept", "returned": "dispatch.reassign",
                "unsatisfied": "dispatch.revisit"}
# At the subdistrict level an escalated ticket arrives accepted: it waits to be assigned.
SUBDISTRICT_STATES = {"accepted": "dispatch.assign", "returned": "dispatch.reassign",
                      "unsatisfied": "dispatch.revisit"}
ACTIONS = {"dispatch.accept": _l("受理工单"), "dispatch.assign": _l("交办呼叫至街道的工单"),
           "dispatch.reassign": _l("重新交办退回的工单"),
           "dispatch.revisit": _l("回访不满意的提出人"), "dispatch.take": _l("接单"),
           "dispatch.running": _l("工单已超期，请尽快办结")}


def queries(scopes) -> list:
    out = []
    if "staff" in scopes:
        out += [select(*columns(kind, Ticket.compound_id, Ticket.id, Ticket.title,
                                Ticket.due_at))
                .where(Ticket.compound_id.in_(ids("staff")), Ticket.state == state,
                       Ticket.level == "community")
                for state, kind in STAFF_STATES.items()]
    if "member" in scopes:
        # The subdistrict's staff (their read-only role makes the compounds theirs to read).
        mine = select(Community.id).join(
            SubdistrictAssignment,
            SubdistrictAssignment.subdistrict_id == Community.subdistrict_id).where(
            SubdistrictAssignment.user_id == USER_ID, SubdistrictAssignment.revoked_at.is_(None))
        out += [select(*columns(kind, Ticket.compound_id, Ticket.id, Ticket.title,
                                Ticket.due_at))
                .where(Ticket.compound_id.in_(ids("member")), Ticket.community_id.in_(mine),
                       Ticket.state == state, Ticket.level == "subdistrict")
                for state, kind in SUBDISTRICT_STATES.items()]
        orgs = select(OrganisationHandler.organisation_id).where(
            OrganisationHandler.user_id == USER_ID, OrganisationHandler.revoked_at.is_(None))
        out += [select(*columns("dispatch.take", Ticket.compound_id, Ticket.id, Ticket.title,
                                Ticket.due_at))
                .where(Ticket.organisation_id.in_(orgs), Ticket.state == "assigned"),
                select(*columns("dispatch.running", Ticket.compound_id, Ticket.id,
                                Ticket.title, Ticket.due_at))
                .where(Ticket.organisation_id.in_(orgs), Ticket.state == "taken",
                       Ticket.due_at < NOW)]
    return out


def item(row) -> TodoItem | None:
    due = row["due_at"]
    return TodoItem(row["kind"], ACTIONS[row["kind"]], row["title"],
                    url_for("dispatch.ticket", ticket_id=row["ref_id"]), row["compound_id"],
                    due_at=due, overdue=due is not None and due < utcnow())
