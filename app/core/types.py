"""Column types that behave the same on SQLite and PostgreSQL."""
from datetime import timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import DateTime, Integer
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes; SQLite returns naive values, we re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.core.time.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def to_area(value) -> Decimal:
    """Parse an area in m² to a Decimal with exactly two places; raise ValueError otherwise."""
    if isinstance(value, float):
        raise ValueError("floats are not accepted for areas")
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not d.is_finite() or d.as_tuple().exponent < -2:
        raise ValueError(f"at most two decimal places: {value!r}")
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


class Area(TypeDecorator):
    """Exclusive area in m² as Decimal(…, 2), stored as integer hundredths so that no
    database rounds it through a float (SQLite has no exact decimal type)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(to_area(value) * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENT)
