"""One engine for every state machine (CONVENTIONS habit 11). A domain declares a Workflow: its
model and state column, the labels of its states, and a table of Transitions (from which
states to which, who may, which written fields are required, how long the source stage must
last). apply() then does the same thing for every domain, in the caller's transaction:

1. who may (PermissionDenied), the state as loaded, the required fields, the earliest time;
2. a conditional UPDATE ``... WHERE id = :id AND <state> IN (:sources) AND <state> = :seen``:
   of two people acting at once only one moves the row, the other is refused with the state
   it now has (409), even when the new state is also a source of the loser's transition;
3. the domain's event row (its public timeline), if it has one, and the audit entry;
4. the notifications (rows in this transaction; anything sent outside the database is queued
   by the notification service to run after commit, app.core.outbox).

A refusal changes nothing: every check runs before the first write of the engine, and the
UPDATE that loses a race writes nothing. The domain keeps its own tables, its transition table
and the rules of its own stages (checked before calling apply()).

The engine is the one place that writes the audit entry and notifications of a transition, so
it reaches the audit log, the role registry and the notification service directly."""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, update

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.core import events
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import china_time, utcnow
from app.extensions import db

SYSTEM = "system"  # made by the system (a deadline, a threshold), never by a person
AUTHOR = "author"  # made by the person who wrote the object (Workflow.people["author"])

# Every workflow declared, by domain (for checks that every audit action has a label).
WORKFLOWS: dict[str, "Workflow"] = {}

DENIED = _l("您没有权限进行这项操作。")
SYSTEM_ONLY = _l("这一步由系统按时间自动进行。")
TOO_EARLY = _l("最早可于 %(when)s 进行这一步。")


@dataclass(frozen=True)
class Field:
    """A written field a transition takes (a reason, a note): its form field name, the
    message when it is required and empty, and its length (longer text is refused with
    `too_long`, or cut when there is no such message)."""

    name: str
    missing: Any
    max_length: int = 2000
    too_long: Any = None
    clean: Callable[[str], str] = str.strip


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    # Role names held in the compound, plus SYSTEM and the object's own people (AUTHOR, or
    # whatever Workflow.people names). Empty: nobody, not even the system.
    roles: tuple[str, ...]
    required: tuple[str, ...] = ()  # fields that must be filled in
    fields: tuple[str, ...] | None = None  # fields taken; None: the workflow's default
    # The earliest moment the object may leave its source stage (None: any time).
    not_before: Callable[[Any], datetime | None] | None = None
    too_early: Any = None  # message with %(when)s; default TOO_EARLY
    # Or the domain's own words: (object, earliest moment) -> message.
    too_early_says: Callable[[Any, datetime], str] | None = None
    denied: Any = None  # message when the actor may not; default DENIED
    refused: Any = None  # message with %(state)s when the state is wrong


@dataclass
class Step:
    """What apply() did: handed to the domain's event factory and notification hook."""

    name: str
    previous: str
    target: str
    actor: Any
    role: str | None
    fields: dict[str, str]
    now: datetime
    compound: Any
    event: Any = None


@dataclass(frozen=True)
class Workflow:
    domain: str  # audit actions are "<domain>.<transition>"
    model: type
    state_attr: str
    labels: dict[str, Any]  # state -> label
    transitions: dict[str, Transition]
    compound_of: Callable[[Any], Any]
    # The refusal when the state is wrong, with the current state's label as %(state)s (or
    # %(status)s): "…当前处于“%(state)s”阶段，不能进行这项操作。"
    refused: Any
    fields: dict[str, Field] = field(default_factory=dict)
    default_fields: tuple[str, ...] = ()
    # Special kinds of actor defined by the object: kind -> the user id it names (or the
    # collection of ids, when several people act in that capacity).
    people: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    event: Callable[[Any, Step], Any] | None = None  # the timeline row, or None
    notify: Callable[[Any, Step], None] | None = None
    audit_data: Callable[[Any, Step], dict] | None = None  # extra data on every entry
    anonymous_as: Callable[[Any, Any], str | None] | None = None
    touches: str | None = "updated_at"  # column stamped with the time, if the model has it
    register: bool = True  # listed in WORKFLOWS (a variant built for a test is not)

    def __post_init__(self):
        if self.register:
            WORKFLOWS[self.domain] = self

    def transition(self, name: str) -> Transition:
        return self.transitions[name]

    def label(self, state: str) -> str:
        return self.labels.get(state, state)

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_attr)

    def required_fields(self, name: str) -> tuple[str, ...]:
        return self.transitions[name].required

    def taken_fields(self, name: str) -> tuple[str, ...]:
        t = self.transitions[name]
        return t.fields if t.fields is not None else self.default_fields


def _people_kinds(workflow: Workflow) -> set[str]:
    return {SYSTEM, *workflow.people}


def _names(named, user_id: int) -> bool:
    """Whether what a Workflow.people callable returned (an id, None, or ids) names the user."""
    if named is None or isinstance(named, int):
        return named == user_id
    return user_id in named


def may(workflow: Workflow, transition: Transition, obj, actor, compound=None) -> bool:
    """Whether `actor` (None: the system) may make `transition` on `obj`, whatever its state."""
    if actor is None:
        return SYSTEM in transition.roles
    for kind, person_of in workflow.people.items():
        if kind in transition.roles and _names(person_of(obj), actor.id):
            return True
    roles = tuple(r for r in transition.roles if r not in _people_kinds(workflow))
    if not roles:
        return False
    return has_role(actor, compound if compound is not None else workflow.compound_of(obj),
                    *roles)


def allowed(workflow: Workflow, obj, user, *, skip: Iterable[str] = ()) -> list[str]:
    """The transitions this person could make now (for buttons); apply() re-checks all."""
    if user is None:
        return []
    compound = workflow.compound_of(obj)
    state = workflow.state_of(obj)
    return [t.name for t in workflow.transitions.values()
            if state in t.sources and t.name not in skip
            and may(workflow, t, obj, user, compound)]


def button(workflow: Workflow, name: str, *, skip: Iterable[str] = ()) -> Transition | None:
    """The transition a person makes by pressing its button on the object's page, or None
    (no such step, one the system makes, or one in `skip`, which has a form of its own)."""
    transition = workflow.transitions.get(name)
    if transition is None or name in skip:
        return None
    if not set(transition.roles) - {SYSTEM}:
        return None
    return transition


def form_fields(workflow: Workflow, name: str, form) -> dict[str, str]:
    """The written fields transition `name` takes, read from a submitted form by their names
    (the table says which; the service says which are required)."""
    return {f: getattr(form, f).data or "" for f in workflow.taken_fields(name)
            if hasattr(form, f)}


def _refuse_state(workflow: Workflow, transition: Transition | None, state: str) -> Conflict:
    message = (transition.refused if transition else None) or workflow.refused
    label = workflow.label(state)
    if "%(" in str(message):
        message = message % {"state": label, "status": label}
    return Conflict(message)


def _clean_fields(workflow: Workflow, transition: Transition, given: dict | None) -> dict:
    given = given or {}
    names = workflow.taken_fields(transition.name)
    out = {}
    for name in names:
        spec = workflow.fields[name]
        value = spec.clean(given.get(name) or "")
        if len(value) > spec.max_length:
            if spec.too_long is not None:
                raise ServiceError(spec.too_long, field=name)
            value = value[:spec.max_length]
        if name in transition.required and not value:
            raise ServiceError(spec.missing, field=name)
        out[name] = value
    return out


def check(workflow: Workflow, obj, name: str, actor, *, fields: dict | None = None,
          now: datetime | None = None) -> dict:
    """Every refusal apply() can make before writing, in its order; returns the cleaned
    fields. A domain calls it first when it has work to do before moving the object."""
    transition = workflow.transitions[name]
    if not may(workflow, transition, obj, actor):
        raise PermissionDenied(SYSTEM_ONLY if actor is not None and transition.roles
                               == (SYSTEM,) else transition.denied or DENIED)
    state = workflow.state_of(obj)
    if state not in transition.sources:
        raise _refuse_state(workflow, transition, state)
    cleaned = _clean_fields(workflow, transition, fields)
    if transition.not_before is not None:
        earliest = transition.not_before(obj)
        if earliest is not None and (now or utcnow()) < earliest:
            if transition.too_early_says is not None:
                raise ServiceError(transition.too_early_says(obj, earliest), status=409)
            raise ServiceError((transition.too_early or TOO_EARLY)
                               % {"when": china_time(earliest)}, status=409)
    return cleaned


def expect(workflow: Workflow, obj, seen: str | None) -> None:
    """Refuse (409) when the page the person pressed a button on showed the object in another
    state than it is in now: their step was meant for what they saw. apply() then moves it
    only from that state (its UPDATE is conditional on it)."""
    state = workflow.state_of(obj)
    if seen and seen != state:
        raise _refuse_state(workflow, None, state)


def _role(workflow: Workflow, transition: Transition, obj, actor, compound) -> str:
    if actor is None:
        return SYSTEM
    role = primary_role(actor, compound)
    if role:
        return role
    for kind, person_of in workflow.people.items():
        if kind in transition.roles and _names(person_of(obj), actor.id):
            return kind
    return role


def apply(workflow: Workflow, obj, name: str, actor, *, fields: dict | None = None,
          data: dict | None = None, values: dict | None = None, where: Iterable = (),
          now: datetime | None = None, also: Iterable = (), sets=(), removed=(),
          conflict=None) -> Step:
    """Move `obj` along transition `name` (actor None: the system), or refuse and change
    nothing. `values` are other columns the same UPDATE sets, `where` extra conditions it
    must meet (refused as a lost race when they don't), `also` rows the change wrote (new ones
    are added once the move succeeded), `data` what the audit entry adds, `conflict` the
    message when the state is right but a `where` condition failed."""
    transition = workflow.transitions[name]
    now = now or utcnow()
    cleaned = check(workflow, obj, name, actor, fields=fields, now=now)
    compound = workflow.compound_of(obj)
    model, state_col = workflow.model, getattr(workflow.model, workflow.state_attr)
    previous = workflow.state_of(obj)
    moved_values = {workflow.state_attr: transition.target, **(values or {})}
    if workflow.touches and workflow.touches in inspect(model).columns \
            and workflow.touches not in moved_values:
        moved_values[workflow.touches] = now
    # Whatever the domain changed on the object is written first, so the refresh below
    # reads it back rather than dropping it.
    db.session.flush()
    # Conditional on the state the actor saw, not only on the table's sources: a withdrawal
    # pressed on a proposal under review must not land on the one just moved to notice.
    moved = db.session.execute(
        update(model).where(model.id == obj.id, state_col.in_(transition.sources),
                            state_col == previous, *where)
        .values(**moved_values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(obj)
    if moved != 1:
        state = workflow.state_of(obj)
        if conflict is not None and state == previous:
            raise Conflict(conflict)  # an extra condition failed
        raise _refuse_state(workflow, transition, state)
    step = Step(name=name, previous=previous, target=transition.target, actor=actor,
                role=_role(workflow, transition, obj, actor, compound), fields=cleaned, now=now,
                compound=compound)
    rows = []
    if workflow.event is not None:
        step.event = workflow.event(obj, step)
        if step.event is not None:
            rows.append(step.event)
    rows += list(also)
    for row in rows:
        if inspect(row).transient:
            db.session.add(row)
    audit = {"from": previous, "to": transition.target, **cleaned}
    if workflow.audit_data is not None:
        audit.update(workflow.audit_data(obj, step))
    audit.update(data or {})
    record(actor, compound, f"{workflow.domain}.{name}", obj, audit, also=rows, sets=sets,
           removed=removed, actor_role=step.role,
           anonymous_as=workflow.anonymous_as(obj, actor) if workflow.anonymous_as else None)
    # Layers above the domain (app.board) do their part in this transaction too.
    events.publish(f"{workflow.domain}.{name}", obj=obj, actor=actor, now=now, step=step)
    if workflow.notify is not None:
        workflow.notify(obj, step)
    return step
