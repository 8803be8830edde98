"""Unit rosters: stage a clean upload, preview what it would change, apply it once, export.

Nothing reaches the units until the whole file is clean and staff confirm (the upload is kept
as clean rows in RosterUpload in between). Units are never deleted by an import: a unit missing
from the file is reported, not removed. Services flush and never commit."""
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.compounds.access import primary_role
from app.compounds.models import Building, Compound, Holding, HoldingOwner, RosterUpload, Unit
from app.compounds.roster_parse import HEADERS, SOURCE_LABELS, ParseResult, parse_roster
from app.core import xlsx
from app.core.db import get_scoped
from app.core.errors import Conflict
from app.core.i18n import lazy_gettext as _l
from app.core.phones import mask_mobile, mask_name
from app.core.time import utcnow
from app.extensions import db

AUDIT_CHUNK = 500  # rows covered by one audit entry when many units are created at once


def natural_key(text: str) -> tuple:
    """"2" before "10": people number buildings and rooms, they don't sort them as text."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


def unit_sort_key(building: str, entrance: str, room: str) -> tuple:
    return natural_key(building), natural_key(entrance), natural_key(room)


def holding_key(owners) -> str:
    return ",".join(sorted(mobile for _, mobile in owners))


# --- staging ---------------------------------------------------------------------------

@dataclass
class StageResult:
    parsed: ParseResult
    upload: RosterUpload | None = None


def stage_upload(actor, compound: Compound, filename: str, content: bytes) -> StageResult:
    """Parse a roster file. A file with any problem writes nothing and returns every problem;
    a clean one is kept as a RosterUpload for the preview and the confirmation."""
    parsed = parse_roster(filename, content)
    if not parsed.ok:
        return StageResult(parsed)
    upload = RosterUpload(compound_id=compound.id, uploaded_by_id=actor.id if actor else None,
                          filename=(filename or "")[-255:], row_count=len(parsed.rows),
                          sha256=hashlib.sha256(content).hexdigest(), rows=parsed.rows)
    db.session.add(upload)
    record(actor, compound, "roster.uploaded", upload,
           {"filename": upload.filename, "sha256": upload.sha256, "rows": upload.row_count},
           actor_role=primary_role(actor, compound) if actor else None)
    return StageResult(parsed, upload)


def get_upload(compound: Compound, upload_id: int) -> RosterUpload:
    return get_scoped(RosterUpload, upload_id, _l("找不到这次上传的名册。"),
                      compound_id=compound.id)


# --- comparing a file with the roster ----------------------------------------------------

def _owners_of(unit: Unit) -> list[list[str]]:
    """Roster owners of a unit, the designated voter first."""
    if unit.holding is None:
        return []
    owners = sorted(unit.holding.owners,
                    key=lambda o: (o.mobile != unit.holding.designated_mobile, o.position))
    return [[o.name, o.mobile] for o in owners]


def _same_owners(a: list, b: list) -> bool:
    """Same people with the same names and the same designated voter (the order of the other
    co-owners doesn't matter)."""
    if not a or not b:
        return not a and not b
    return a[0][1] == b[0][1] and sorted(map(tuple, a)) == sorted(map(tuple, b))


def unit_state(unit: Unit) -> dict:
    return {"area": format(unit.area, "f"), "area_source": unit.area_source,
            "developer": unit.is_developer_held, "owners": _owners_of(unit)}


def row_state(row: dict) -> dict:
    return {"area": row["area"], "area_source": row["area_source"],
            "developer": row["developer"], "owners": row["owners"]}


def differences(old: dict, new: dict) -> dict:
    """{field: (old, new)} for each field that differs."""
    diff = {key: (old[key], new[key]) for key in ("area", "area_source", "developer")
            if old[key] != new[key]}
    if not _same_owners(old["owners"], new["owners"]):
        diff["owners"] = (old["owners"], new["owners"])
    return diff


@dataclass
class Change:
    row: int
    number: str
    diff: dict


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)  # in the roster, not in the file

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)


def _existing_units(compound: Compound) -> dict[tuple, Unit]:
    units = db.session.scalars(
        select(Unit).where(Unit.compound_id == compound.id)
        .options(selectinload(Unit.building),
                 selectinload(Unit.holding).selectinload(Holding.owners)))
    return {(u.building.name, u.entrance, u.room): u for u in units}


def _place(row: dict) -> tuple:
    return row["building"], row["entrance"], row["room"]


def plan_import(compound: Compound, rows: list[dict], existing=None) -> Plan:
    """What applying these rows would do to the compound's roster right now."""
    existing = _existing_units(compound) if existing is None else existing
    plan = Plan()
    seen = set()
    for row in rows:
        key = _place(row)
        seen.add(key)
        unit = existing.get(key)
        if unit is None:
            plan.new.append(row)
            continue
        diff = differences(unit_state(unit), row_state(row))
        if diff:
            plan.changed.append(Change(row["row"], "-".join(key), diff))
        else:
            plan.unchanged += 1
    plan.missing = ["-".join(k) for k in sorted(set(existing) - seen,
                                                key=lambda k: unit_sort_key(*k))]
    return plan


# --- applying ---------------------------------------------------------------------------

def _masked_owners(owners: list) -> list:
    # The audit trail is shown to the compound's members: no full names or numbers in it.
    return [[mask_name(name), mask_mobile(mobile)] for name, mobile in owners]


def _audit_state(state: dict) -> dict:
    return {**state, "owners": _masked_owners(state["owners"])}


class _Writer:
    """Writes one upload's rows; remembers what it created and changed for the audit log."""

    def __init__(self, compound: Compound):
        self.compound = compound
        self.buildings = {b.name: b for b in db.session.scalars(
            select(Building).where(Building.compound_id == compound.id))}
        self.holdings = {h.key: h for h in db.session.scalars(
            select(Holding).where(Holding.compound_id == compound.id)
            .options(selectinload(Holding.owners)))}
        self.created: list = []  # new buildings, holdings, owners and units, in write order
        self.changed_holdings: dict[int, tuple[Holding, list, list]] = {}

    def building(self, name: str) -> Building:
        building = self.buildings.get(name)
        if building is None:
            building = Building(compound_id=self.compound.id, name=name)
            db.session.add(building)
            db.session.flush()
            self.buildings[name] = building
            self.created.append(building)
        return building

    def holding(self, owners: list) -> Holding | None:
        if not owners:
            return None
        key = holding_key(owners)
        holding = self.holdings.get(key)
        if holding is None:
            # Owners through the collection, so that a later row of the same holding reads
            # them without a query.
            holding = Holding(compound_id=self.compound.id, key=key,
                              designated_mobile=owners[0][1],
                              owners=[HoldingOwner(position=position, name=name, mobile=mobile)
                                      for position, (name, mobile) in enumerate(owners)])
            db.session.add(holding)
            db.session.flush()
            self.created.append(holding)
            self.created.extend(holding.owners)
            self.holdings[key] = holding
            return holding
        old = sorted(holding.owners, key=lambda o: (o.mobile != holding.designated_mobile,
                                                    o.position))
        old_list = [[o.name, o.mobile] for o in old]
        if not _same_owners(old_list, owners):
            by_mobile = {o.mobile: o for o in holding.owners}
            holding.designated_mobile = owners[0][1]
            for position, (name, mobile) in enumerate(owners):
                by_mobile[mobile].name, by_mobile[mobile].position = name, position
            self.changed_holdings.setdefault(holding.id, (holding, old_list, owners))
        return holding

    def write(self, row: dict, unit: Unit | None, old: dict | None) -> Unit | None:
        """Create the row's unit, or update it if it differs from `old` (its state before
        this import began: a shared holding may already have been updated by an earlier row).
        Returns the unit if it was updated."""
        building = self.building(row["building"])
        holding = self.holding(row["owners"])
        if unit is None:
            unit = Unit(compound_id=self.compound.id, building_id=building.id,
                        entrance=row["entrance"], room=row["room"], area=Decimal(row["area"]),
                        area_source=row["area_source"], is_developer_held=row["developer"],
                        holding_id=holding.id if holding else None)
            db.session.add(unit)
            self.created.append(unit)
            return None
        if not differences(old, row_state(row)):
            return None
        unit.area = Decimal(row["area"])
        unit.area_source = row["area_source"]
        unit.is_developer_held = row["developer"]
        unit.holding = holding
        unit.holding_id = holding.id if holding else None
        return unit


def apply_upload(actor, compound: Compound, upload_id: int) -> Plan:
    """Apply a staged, clean upload: new units are created, changed ones updated (each update
    audited with its old and new values), unchanged ones left alone; units missing from the
    file are kept. One upload applies once: a conditional UPDATE claims it, so a second
    confirmation (or two at the same time) is refused."""
    upload = get_upload(compound, upload_id)
    role = primary_role(actor, compound) if actor else None
    try:
        with db.session.begin_nested():
            result = db.session.execute(
                update(RosterUpload)
                .where(RosterUpload.id == upload.id, RosterUpload.applied_at.is_(None))
                .values(applied_at=utcnow(), applied_by_id=actor.id if actor else None)
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise Conflict(_l("这份名册已经导入过了，不能重复导入。"
                                  "如需再次导入，请重新上传文件。"))
            db.session.refresh(upload)
            plan = _apply_rows(actor, compound, upload, role)
    except IntegrityError:
        raise Conflict(_l("名册在导入时被其他人同时修改了，请重新上传后再试。")) from None
    return plan


def _apply_rows(actor, compound: Compound, upload: RosterUpload, role) -> Plan:
    existing = _existing_units(compound)
    plan = plan_import(compound, upload.rows, existing)
    before = {key: unit_state(unit) for key, unit in existing.items()}
    writer = _Writer(compound)
    updates = []
    for row in upload.rows:
        key = _place(row)
        unit = writer.write(row, existing.get(key), before.get(key))
        if unit is not None:
            updates.append((unit, row, before[key]))
    db.session.flush()
    for holding, old_owners, new_owners in writer.changed_holdings.values():
        record(actor, compound, "roster.holding_updated", holding,
               {"old_owners": _masked_owners(old_owners),
                "new_owners": _masked_owners(new_owners)},
               also=list(holding.owners), actor_role=role)
    for unit, row, old in updates:
        new = row_state(row)
        record(actor, compound, "roster.unit_updated", unit,
               {"unit": "-".join(_place(row)), "upload_id": upload.id, "row": row["row"],
                "changed": sorted(differences(old, new)),
                "old": _audit_state(old), "new": _audit_state(new)}, actor_role=role)
    for start in range(0, len(writer.created), AUDIT_CHUNK):
        chunk = writer.created[start:start + AUDIT_CHUNK]
        record(actor, compound, "roster.units_created", None,
               {"upload_id": upload.id, "units": sum(isinstance(r, Unit) for r in chunk)},
               also=chunk, actor_role=role)
    record(actor, compound, "roster.imported", upload,
           {"filename": upload.filename, "sha256": upload.sha256, "created": len(plan.new),
            "updated": len(plan.changed), "unchanged": plan.unchanged,
            "missing": len(plan.missing)}, actor_role=role)
    return plan


# --- reading the roster -----------------------------------------------------------------

def units_of(compound: Compound, building: Building | None = None) -> list[Unit]:
    query = (select(Unit).where(Unit.compound_id == compound.id)
             .options(selectinload(Unit.building),
                      selectinload(Unit.holding).selectinload(Holding.owners)))
    if building is not None:
        query = query.where(Unit.building_id == building.id)
    units = list(db.session.scalars(query))
    return sorted(units, key=lambda u: unit_sort_key(u.building.name, u.entrance, u.room))


@dataclass
class BuildingTotals:
    building: Building
    units: int
    area: object  # Decimal


def building_totals(compound: Compound) -> list[BuildingTotals]:
    """Unit count and total exclusive area per building, in building order (one query)."""
    rows = db.session.execute(
        select(Building, func.count(Unit.id), func.sum(Unit.area))
        .outerjoin(Unit, Unit.building_id == Building.id)
        .where(Building.compound_id == compound.id).group_by(Building.id))
    totals = [BuildingTotals(b, count, total or 0) for b, count, total in rows]
    return sorted(totals, key=lambda t: natural_key(t.building.name))


def get_building(compound: Compound, building_id: int) -> Building:
    return get_scoped(Building, building_id, _l("找不到这栋楼。"), compound_id=compound.id)


def export_xlsx(compound: Compound) -> bytes:
    """The roster in the import's own format, so exporting and importing again changes
    nothing."""
    book = xlsx.new_workbook()
    sheet = _roster_sheet(book)
    for unit in units_of(compound):
        owners = _owners_of(unit)
        sheet.append([unit.building.name, unit.entrance, unit.room, unit.area,
                      SOURCE_LABELS[unit.area_source],
                      "、".join(name for name, _ in owners),
                      "、".join(mobile for _, mobile in owners),
                      "是" if unit.is_developer_held else "否"])
        sheet.cell(sheet.max_row, 4).number_format = "0.00"
    return xlsx.save(book)


# One made-up unit with two co-owners, shown on the template's second sheet: the importer reads
# only the first sheet, so the example never becomes a unit.
TEMPLATE_EXAMPLE = ("1", "1", "101", "89.50", "登记", "张三、李四", "13800000000、13900000000",
                    "否")


def template_xlsx() -> bytes:
    """An empty roster to fill in: the import's header on the first sheet, a filled-in example
    row on the second (示例)."""
    book = xlsx.new_workbook()
    _roster_sheet(book)
    example = _roster_sheet(book, book.create_sheet(), title="示例")
    example.append(list(TEMPLATE_EXAMPLE))
    return xlsx.save(book)


def _roster_sheet(book, sheet=None, title="名册"):
    """A sheet with the roster's header row (the names the importer looks for) and widths."""
    sheet = sheet or book.active
    sheet.title = title
    sheet.append(list(HEADERS.values()))
    for column, width in zip("ABCDEFGH", (8, 8, 10, 10, 10, 18, 26, 12), strict=True):
        sheet.column_dimensions[column].width = width
    return sheet
