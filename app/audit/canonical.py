"""Canonical JSON and row digests: the same bytes on every database and every run."""
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect

from app.core.time import iso_utc


def _default(value):
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"not canonicalisable: {type(value).__name__}")


def canonical_json(value) -> str:
    return json.dumps(value, default=_default, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_attrs(mapper) -> list:
    """The mapper's attributes that are columns of its table: not query expressions
    (UnitClaim.on_roster), which a query may fill and which the row does not store."""
    table = mapper.persist_selectable
    return [attr for attr in mapper.column_attrs
            if all(getattr(col, "table", None) is table for col in attr.columns)]


def row_content(instance) -> dict:
    """Every stored column of a row, by column name."""
    mapper = inspect(instance).mapper
    return {col.key: getattr(instance, attr.key)
            for attr in stored_attrs(mapper) for col in attr.columns}


def row_digest(instance) -> str:
    return sha256_hex(canonical_json(row_content(instance)))
