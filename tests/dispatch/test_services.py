"""The ticket's way through the services: the happy path with 不满意 → 回访 → 重办, every
refused transition (table-driven), and what is kept."""
import pytest
from sqlalchemy import select, update

from app.audit.verification import verify
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.dispatch import lifecycle, services
from app.dispatch.models import STATES, Ticket, TicketEvent
from app.extensions import db
from tests.dispatch.helpers import DispatchWorld


def _actions(ticket):
    return list(db.session.scalars(select(TicketEvent.action).where(
        TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)))


def test_dispatching_an_issue_makes_a_reported_ticket(app):
    w = DispatchWorld()
    ticket = w.dispatched()
    assert ticket.state == "reported" and ticket.source == "issue"
    assert ticket.reporter_id == w.owners[0].id
    assert ticket.grid_id == w.grid_row.id
    assert ticket.category_id == w.category.id  # the issue's category has the same name
    assert _actions(ticket) == ["report"]
    assert verify().ok


def test_the_whole_way_keeps_both_ratings_and_history(app):
    w = DispatchWorld()
    ticket = w.dispatched()
    services.accept(w.staff, ticket)
    services.assign(w.staff, ticket, w.city_org.id, w.category.id)
    assert ticket.due_at is not None
    services.return_ticket(w.city, ticket, "不是城管的事")
    services.assign(w.staff, ticket, w.property_org.id, w.category.id)
    services.take(w.property, ticket)
    assert ticket.assignee_id == w.property.id
    services.finish(w.property, ticket, "已修好")
    services.rate(w.owners[0], ticket, "unsatisfied")
    assert ticket.state == "unsatisfied"
    services.revisit(w.staff, ticket, "电话回访：灯还是不亮")
    services.redo(w.property, ticket)
    assert ticket.state == "taken"
    services.finish(w.property, ticket, "换了灯管")
    services.rate(w.owners[0], ticket, "satisfied")
    db.session.commit()
    assert (ticket.state, ticket.rating_first, ticket.rating_second) == (
        "archived", "unsatisfied", "satisfied")
    assert _actions(ticket) == ["report", "accept", "assign", "return", "assign", "take",
                                "finish", "dissatisfy", "revisit", "redo", "finish", "rate"]
    assert verify().ok


def test_a_first_good_rating_archives(app):
    w = DispatchWorld()
    ticket = w.finished()
    services.rate(w.owners[0], ticket, "basic")
    assert (ticket.state, ticket.rating_first, ticket.rating_second) == (
        "archived", "basic", None)


def test_withdrawn_ticket_keeps_its_history(app):
    w = DispatchWorld()
    ticket = w.assigned()
    services.withdraw(w.staff, ticket, "居民已自行解决")
    db.session.commit()
    assert db.session.get(Ticket, ticket.id).state == "withdrawn"
    assert _actions(ticket) == ["report", "accept", "assign", "withdraw"]


def test_escalation_moves_the_level_and_leaves_it_to_the_subdistrict(app):
    w = DispatchWorld()
    ticket = w.dispatched()
    services.accept(w.staff, ticket)
    services.escalate(w.staff, ticket, "涉及市政管网，社区无法协调")
    assert (ticket.level, ticket.state) == ("subdistrict", "accepted")
    with pytest.raises(PermissionDenied):
        services.assign(w.staff, ticket, w.property_org.id, w.category.id)
    with pytest.raises(PermissionDenied):
        services.escalate(w.staff, ticket, "again")


# (how to reach the state, step, who, expected error)
def _reach(w, where):
    return {"reported": w.dispatched, "assigned": w.assigned, "finished": w.finished}[where]()


REFUSALS = [
    # wrong person
    ("reported", "accept", "property", PermissionDenied),
    ("reported", "accept", "owner", PermissionDenied),
    ("reported", "accept", "grid", PermissionDenied),
    ("reported", "decline", "city", PermissionDenied),
    ("assigned", "take", "city", PermissionDenied),
    ("assigned", "take", "staff", PermissionDenied),
    ("assigned", "return", "owner", PermissionDenied),
    ("finished", "rate", "staff", PermissionDenied),
    ("finished", "rate", "property", PermissionDenied),
    ("assigned", "withdraw", "property", PermissionDenied),
    ("assigned", "escalate", "property", PermissionDenied),
    ("finished", "dissatisfy", "staff", PermissionDenied),
    ("assigned", "dissatisfy", "owner", Conflict),
    # wrong state
    ("reported", "take", "property", PermissionDenied),  # no organisation yet: nobody's
    ("reported", "finish", "staff", PermissionDenied),
    ("reported", "revisit", "staff", Conflict),
    ("reported", "assign", "staff", Conflict),
    ("assigned", "accept", "staff", Conflict),
    ("assigned", "finish", "property", Conflict),
    ("assigned", "redo", "property", Conflict),
    ("assigned", "rate", "owner", Conflict),
    ("finished", "take", "property", Conflict),
    ("finished", "withdraw", "staff", Conflict),
    ("finished", "revisit", "staff", Conflict),
    ("finished", "escalate", "staff", Conflict),
    # required reasons
    ("reported", "decline", "staff", ServiceError),
    ("assigned", "return", "property", ServiceError),
    ("assigned", "withdraw", "staff", ServiceError),
]


def _do(w, ticket, step, who):
    actor = {"staff": w.staff, "property": w.property, "city": w.city, "owner": w.owners[0],
             "grid": w.grid}[who]
    if step == "assign":
        return services.assign(actor, ticket, w.property_org.id, w.category.id)
    if step == "rate":
        return services.rate(actor, ticket, "satisfied")
    if step == "dissatisfy":
        return services.rate(actor, ticket, "unsatisfied")
    if step == "finish":
        return services.finish(actor, ticket, "done")
    return services.STEPS[step](actor, ticket, {"reason": ""} if who in (
        "staff", "property") and step in ("decline", "return", "withdraw") else
        {"reason": "理由"})


@pytest.mark.parametrize("where,step,who,error", REFUSALS,
                         ids=[f"{s}-{t}-{p}" for s, t, p, _ in REFUSALS])
def test_refused_transitions_change_nothing(app, where, step, who, error):
    w = DispatchWorld()
    ticket = _reach(w, where)
    before = (ticket.state, len(_actions(ticket)))
    with pytest.raises(error):
        _do(w, ticket, step, who)
    db.session.rollback()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.state, len(_actions(ticket))) == before


def test_every_transition_is_refused_somewhere():
    assert {step for _w, step, _p, _e in REFUSALS} == set(lifecycle.TRANSITIONS)


def test_every_transition_is_refused_from_every_state_not_in_its_table(app):
    """The whole table: each step, by someone who may take it, from each state it does not
    leave from, is refused (409) and writes nothing."""
    w = DispatchWorld()
    ticket = w.assigned()
    ticket_id = ticket.id
    actors = {"staff": w.staff, lifecycle.HANDLER: w.property, lifecycle.REPORTER: w.owners[0]}
    refused = 0
    for state in STATES:
        db.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(state=state))
        db.session.commit()
        for name, transition in lifecycle.TRANSITIONS.items():
            if state in transition.sources:
                continue
            ticket = db.session.get(Ticket, ticket_id)
            before = len(_actions(ticket))
            with pytest.raises(Conflict):
                lifecycle.apply(ticket, name, actors[transition.roles[0]], reason="理由")
            db.session.rollback()
            assert (db.session.get(Ticket, ticket_id).state, len(_actions(ticket))) == (
                state, before)
            refused += 1
    assert refused > 90


def test_one_revisit_and_one_redo_only(app):
    w = DispatchWorld()
    ticket = w.finished()
    services.rate(w.owners[0], ticket, "unsatisfied")
    services.revisit(w.staff, ticket, "回访")
    services.redo(w.property, ticket)
    services.finish(w.property, ticket, "再修")
    db.session.commit()
    # The second rating archives even when 不满意: no second 回访.
    services.rate(w.owners[0], ticket, "unsatisfied")
    assert (ticket.state, ticket.rating_second) == ("archived", "unsatisfied")
    with pytest.raises(Conflict):
        services.revisit(w.staff, ticket, "再回访")


def test_assign_needs_an_organisation_and_category_of_the_community(app):
    w = DispatchWorld()
    ticket = w.dispatched()
    services.accept(w.staff, ticket)
    with pytest.raises(ServiceError) as exc:
        services.assign(w.staff, ticket, None, w.category.id)
    assert exc.value.field == "organisation"
    with pytest.raises(ServiceError) as exc:
        services.assign(w.staff, ticket, w.property_org.id, None)
    assert exc.value.field == "category"


def test_a_revoked_handler_can_no_longer_take(app):
    w = DispatchWorld()
    ticket = w.assigned(w.city_org)
    row = db.session.scalar(select(services.OrganisationHandler).where(
        services.OrganisationHandler.user_id == w.city.id))
    services.revoke_handler(w.staff, w.city_org, row.id)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.take(w.city, ticket)


def test_assigning_dates_the_ticket_in_working_days_across_a_holiday(app):
    from datetime import datetime

    from app.core.periods import CST
    w = DispatchWorld()
    ticket = w.dispatched()
    services.accept(w.staff, ticket)
    # Assigned Tuesday 29 September 2026, 3 working days (公共设施): Sep 30, then the
    # National Day holiday (Oct 1-7) is skipped: Oct 8, Oct 9; due at 24:00 on Oct 9.
    services.assign(w.staff, ticket, w.property_org.id, w.category.id,
                    now=datetime(2026, 9, 29, 10, tzinfo=CST))
    assert ticket.due_at == datetime(2026, 10, 10, tzinfo=CST)
