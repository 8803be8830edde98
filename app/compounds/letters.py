"""Invite letters: one active one-time code per unit, printed with a QR code to the claim page.

Codes come from `secrets` over an alphabet without look-alike characters (no 0/O, 1/I/L), so
they can be read aloud and typed by elderly residents. The database keeps one active code per
unit (a partial unique index) and every code unique. Services flush and never commit."""
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import segno
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.compounds.access import primary_role
from app.compounds.models import Building, Compound, InviteCode, Unit
from app.compounds.roster import units_of
from app.core.errors import Conflict
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: 31**8 ≈ 8.5e11 codes
CODE_LENGTH = 8
ATTEMPTS = 3


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str | None) -> str:
    """What people type: any case, with spaces or dashes between the printed groups."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def display_code(code: str) -> str:
    """ABCD EFGH: two groups of four are easier to read out and copy."""
    return f"{code[:4]} {code[4:]}"


def find_active_code(code: str | None) -> InviteCode | None:
    """The unused, unrevoked invite code with this text, or None."""
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        return None
    return db.session.scalar(select(InviteCode).where(
        InviteCode.code == normalized, InviteCode.used_at.is_(None),
        InviteCode.revoked_at.is_(None)))


def _current_codes(units: list[Unit]) -> dict[int, InviteCode]:
    """Each unit's code that still holds the unit's one active slot (used or not)."""
    if not units:
        return {}
    rows = db.session.scalars(select(InviteCode).where(
        InviteCode.unit_id.in_([u.id for u in units]), InviteCode.revoked_at.is_(None)))
    return {row.unit_id: row for row in rows}


def issue_codes(actor, compound: Compound, building: Building, *,
                replace: bool = False) -> list[InviteCode]:
    """Give every unit of the building an unused code. Units that already have one keep it,
    unless `replace`: then all unused codes of the building are revoked and new ones issued
    (a lost batch of letters). A used code is retired when its unit gets a new one.
    Audited as one entry covering every code written, new and revoked."""
    units = units_of(compound, building)
    current = _current_codes(units)
    now = utcnow()
    retired = []
    needing = []
    for unit in units:
        code = current.get(unit.id)
        if code is not None and code.used_at is None and not replace:
            continue
        if code is not None:
            code.revoked_at = now
            retired.append(code)
        needing.append(unit)
    forget_qr(c.code for c in retired)
    db.session.flush()  # free each unit's active slot before the new codes take it
    issued = _insert_codes(actor, needing)
    if not retired and not issued:
        return []
    record(actor, compound, "invite.codes_issued", building,
           {"building": building.name, "issued": len(issued), "replace": replace,
            "revoked_unused": sum(1 for c in retired if c.used_at is None),
            "retired_used": sum(1 for c in retired if c.used_at is not None)},
           also=issued + retired, actor_role=primary_role(actor, compound) if actor else None)
    return issued


def _insert_codes(actor, units: list[Unit]) -> list[InviteCode]:
    """Insert one fresh code per unit; the unique constraint, not a lookup, rules out
    duplicates, and a (vanishingly rare) collision just draws the batch again."""
    for _attempt in range(ATTEMPTS):
        codes = [InviteCode(unit_id=u.id, code=new_code(),
                            created_by_id=actor.id if actor else None) for u in units]
        try:
            with db.session.begin_nested():
                db.session.add_all(codes)
                db.session.flush()
            return codes
        except IntegrityError:
            continue
    raise Conflict(_l("生成邀请码时与其他操作冲突，请稍后重试。"))


@dataclass
class Letter:
    unit: Unit
    code: str | None  # None: no usable code yet
    url: str | None
    qr: str | None  # data: URI of an SVG


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)


# Drawing a QR code takes several milliseconds, and a building's letters hold 50 of them: the
# drawings are kept by code, with the address they encode (a different address draws again).
# Only the picture is kept: which codes a page shows is always read from the database. Codes
# retired by issue_codes() are dropped at once; the size bound drops the least recently shown.
_QR_CACHE: OrderedDict[str, tuple[str, str]] = OrderedDict()
_QR_CACHE_SIZE = 2000
_QR_LOCK = threading.Lock()


def cached_qr(code: str, url: str) -> str:
    with _QR_LOCK:
        hit = _QR_CACHE.get(code)
        if hit is not None and hit[0] == url:
            _QR_CACHE.move_to_end(code)
            return hit[1]
    drawn = qr_data_uri(url)
    with _QR_LOCK:
        _QR_CACHE[code] = (url, drawn)
        while len(_QR_CACHE) > _QR_CACHE_SIZE:
            _QR_CACHE.popitem(last=False)
    return drawn


def forget_qr(codes) -> None:
    with _QR_LOCK:
        for code in codes:
            _QR_CACHE.pop(code, None)


def letters_for(compound: Compound, building: Building,
                claim_url: Callable[[str], str]) -> list[Letter]:
    """One letter per unit of the building, in unit order; `claim_url(code)` gives the
    absolute address of the claim page with the code filled in."""
    units = units_of(compound, building)
    codes = _current_codes(units)
    letters = []
    for unit in units:
        code = codes.get(unit.id)
        if code is None or code.used_at is not None:
            letters.append(Letter(unit, None, None, None))
            continue
        url = claim_url(code.code)
        letters.append(Letter(unit, code.code, url, cached_qr(code.code, url)))
    return letters


def code_counts(compound: Compound) -> dict[int, tuple[int, int]]:
    """building id -> (units, units with an unused code), for the letters overview."""
    counts: dict[int, list[int]] = {}
    usable = set(db.session.scalars(select(InviteCode.unit_id).join(Unit).where(
        Unit.compound_id == compound.id, InviteCode.used_at.is_(None),
        InviteCode.revoked_at.is_(None))))
    for unit_id, building_id in db.session.execute(
            select(Unit.id, Unit.building_id).where(Unit.compound_id == compound.id)):
        entry = counts.setdefault(building_id, [0, 0])
        entry[0] += 1
        entry[1] += unit_id in usable
    return {k: (v[0], v[1]) for k, v in counts.items()}
