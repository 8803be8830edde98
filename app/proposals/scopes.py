"""列支范围: an owners' decision about part of the compound (a building's lift paid from its
maintenance fund) is voted, counted and thresholded within its buildings or units
(住宅专项维修资金管理办法 第二十二条; DESIGN §3 "Scoped decisions"). Everyone in the compound
may read and discuss it; only the owners of the units in scope vote.

A scope is a set of ProposalScope rows, each a building or a unit of the proposal's compound.
The proposal keeps a human-readable label of it ("3栋、5栋2单元1201"), written again when the
notice is published: the scope cannot change after that (only a draft is editable)."""
import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from app.audit.services import removal
from app.compounds.models import Building, Unit
from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.extensions import db
from app.proposals.models import Proposal, ProposalScope

EDITABLE = ("draft", "returned")  # as services.EDITABLE: after the notice nothing changes
SCOPED_MATTERS = frozenset({5, 6, 7, 8})  # 民法典 第二百七十八条 items about money and common parts
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_BUILDING = re.compile(r"^(?P<b>[^-\s栋]+?)(?:栋|号楼|幢)?$")
_UNIT_DASHED = re.compile(r"^(?P<b>[^-\s]+)-(?P<e>[^-\s]+)-(?P<r>[^-\s]+)$")
_UNIT_WORDS = re.compile(r"^(?P<b>.+?)(?:栋|号楼|幢)(?P<e>.+?)单元(?P<r>.+?)(?:室|号)?$")


def may_be_scoped(kind: str | None, matter: int | None) -> bool:
    return kind == "owners" and matter is not None and int(matter) in SCOPED_MATTERS


def split_entries(text: str | None) -> list[str]:
    """'3栋、5-2-1201' → ['3栋', '5-2-1201']."""
    return [part[:40] for part in _SEPARATORS.split(clean_text(text or "")) if part]


def _resolve(compound_id: int, entries: list[str]) -> tuple[list[int], list[int]]:
    """Building and unit ids of this compound for the typed entries: a building (3, 3栋) or
    a unit (5-2-1201, 5栋2单元1201). An entry found nowhere in the compound is refused."""
    buildings = {b.name: b.id for b in db.session.scalars(
        select(Building).where(Building.compound_id == compound_id))}
    wanted_units: list[tuple[str, str, str, str]] = []
    building_ids: list[int] = []
    unknown: list[str] = []
    for entry in entries:
        unit = _UNIT_DASHED.match(entry) or _UNIT_WORDS.match(entry)
        if unit:
            wanted_units.append((entry, unit["b"], unit["e"], unit["r"]))
            continue
        building = _BUILDING.match(entry)
        if building and building["b"] in buildings:
            if buildings[building["b"]] not in building_ids:
                building_ids.append(buildings[building["b"]])
        else:
            unknown.append(entry)
    unit_ids: list[int] = []
    if wanted_units:
        found = {(b, e, r): uid for uid, b, e, r in db.session.execute(
            select(Unit.id, Building.name, Unit.entrance, Unit.room)
            .join(Building, Building.id == Unit.building_id)
            .where(Unit.compound_id == compound_id,
                   Building.name.in_({w[1] for w in wanted_units})))}
        for entry, b, e, r in wanted_units:
            uid = found.get((b, e, r))
            if uid is None:
                unknown.append(entry)
            elif uid not in unit_ids:
                unit_ids.append(uid)
    if unknown:
        raise ServiceError(_l("本小区没有这些楼栋或房屋：%(names)s。请按“3栋”或“3-2-1201”填写。",
                              names="、".join(unknown)), field="scope")
    return building_ids, unit_ids


def current_rows(proposal: Proposal) -> list[ProposalScope]:
    return list(db.session.scalars(select(ProposalScope).where(
        ProposalScope.proposal_id == proposal.id).order_by(ProposalScope.id)))


def set_scope(proposal: Proposal, entries: list[str] | None, *,
              building_ids: list[int] | None = None,
              unit_ids: list[int] | None = None) -> tuple[list[ProposalScope], list[dict]]:
    """Replace the scope of an editable proposal: typed `entries`, or ids. Returns the new rows
    and the removed rows' covers, for the caller's audit entry (as options are). None leaves
    the scope as it is, but a scope on a proposal that may no longer have one is refused."""
    existing = current_rows(proposal)
    if entries is None and building_ids is None and unit_ids is None:
        if existing and not may_be_scoped(proposal.kind, proposal.matter):
            raise ServiceError(_NOT_SCOPABLE, field="scope")
        return [], []
    if entries is not None:
        building_ids, unit_ids = _resolve(proposal.compound_id, entries)
    building_ids, unit_ids = list(building_ids or []), list(unit_ids or [])
    if (building_ids or unit_ids) and not may_be_scoped(proposal.kind, proposal.matter):
        raise ServiceError(_NOT_SCOPABLE, field="scope")
    if building_ids or unit_ids:
        _check_in_compound(proposal.compound_id, building_ids, unit_ids)
    if (sorted(r.building_id for r in existing if r.building_id) == sorted(building_ids)
            and sorted(r.unit_id for r in existing if r.unit_id) == sorted(unit_ids)):
        return [], []  # unchanged
    if proposal.state not in EDITABLE:
        raise ServiceError(_l("议案已进入流程，列支范围不能再修改。"), field="scope", status=409)
    removed = [removal(row) for row in existing]
    for row in existing:
        db.session.delete(row)
    db.session.flush()
    rows = ([ProposalScope(proposal_id=proposal.id, building_id=b) for b in building_ids]
            + [ProposalScope(proposal_id=proposal.id, unit_id=u) for u in unit_ids])
    db.session.add_all(rows)
    db.session.flush()
    proposal.scope_label = label_for(proposal)
    return rows, removed


_NOT_SCOPABLE = _l("只有《民法典》第二百七十八条第五至八项（维修资金、改建重建、共有部分用途）的"
                   "业主共同决定可以限定列支范围；请清空列支范围或改选事项。")


def _check_in_compound(compound_id: int, building_ids: list[int], unit_ids: list[int]) -> None:
    """Every building and unit belongs to the compound, and together they hold a unit."""
    ours_b = db.session.scalar(select(func.count(Building.id)).where(
        Building.id.in_(building_ids), Building.compound_id == compound_id)) if building_ids \
        else 0
    ours_u = db.session.scalar(select(func.count(Unit.id)).where(
        Unit.id.in_(unit_ids), Unit.compound_id == compound_id)) if unit_ids else 0
    if ours_b != len(set(building_ids)) or ours_u != len(set(unit_ids)):
        raise ServiceError(_l("列支范围只能是本小区的楼栋或房屋。"), field="scope")
    units = db.session.scalar(select(func.count(Unit.id)).where(
        Unit.compound_id == compound_id, _covers(building_ids, unit_ids)))
    if not units:
        raise ServiceError(_l("列支范围内没有房屋，请检查所填的楼栋或房号。"), field="scope")


def _covers(building_ids, unit_ids):
    return or_(Unit.building_id.in_(building_ids or [-1]), Unit.id.in_(unit_ids or [-1]))


def unit_filter(proposal: Proposal):
    """A WHERE clause on Unit for the units in scope; None when the whole compound votes."""
    rows = current_rows(proposal)
    if not rows:
        return None
    return _covers([r.building_id for r in rows if r.building_id],
                   [r.unit_id for r in rows if r.unit_id])


def _names(proposal: Proposal) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The scope's building names and (building, entrance, room) of its units, in roster
    order, in one statement."""
    unit_building = aliased(Building)
    rows = db.session.execute(
        select(Building.name, unit_building.name, Unit.entrance, Unit.room)
        .select_from(ProposalScope)
        .outerjoin(Building, Building.id == ProposalScope.building_id)
        .outerjoin(Unit, Unit.id == ProposalScope.unit_id)
        .outerjoin(unit_building, unit_building.id == Unit.building_id)
        .where(ProposalScope.proposal_id == proposal.id)).all()
    natural = lambda text: (len(text), text)  # noqa: E731  ("3" before "12")
    buildings = sorted((b for b, *_ in rows if b is not None), key=natural)
    units = sorted(((b, e, r) for _, b, e, r in rows if b is not None),
                   key=lambda u: (natural(u[0]), natural(u[1]), natural(u[2])))
    return buildings, units


def label_for(proposal: Proposal) -> str | None:
    """"3栋、5栋2单元1201": buildings, then units; None without a scope. Stored with the
    proposal as the notice announces it: data in the notice's language, like unit numbers,
    not a message of the interface."""
    buildings, units = _names(proposal)
    parts = [f"{b}栋" for b in buildings] + [f"{b}栋{e}单元{r}" for b, e, r in units]
    return "、".join(parts) or None


def entries_text(proposal: Proposal) -> str:
    """The scope as the draft form shows it again ("3栋、5-2-1201")."""
    buildings, units = _names(proposal)
    return "、".join([f"{b}栋" for b in buildings] + [f"{b}-{e}-{r}" for b, e, r in units])
