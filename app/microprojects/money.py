"""Amounts typed in 元 read as integer 分, exactly (no floats)."""
import re

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l

_YUAN = re.compile(r"^(\d{1,12})(?:\.(\d{1,2}))?$")
MAX_FEN = 10**13


def parse_yuan(text, field: str | None = None) -> int:
    """"12,345.6" → 1234560. Refuses anything that is not a plain amount to the 分."""
    raw = str(text or "").strip().replace(",", "").replace("，", "").removeprefix("¥")
    raw = raw.removesuffix("元").strip()
    match = _YUAN.match(raw)
    if not match:
        raise ServiceError(_l("请按“12345.60”的格式填写金额（元，最多两位小数）。"), field=field)
    whole, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    value = int(whole) * 100 + int(cents)
    if value >= MAX_FEN:
        raise ServiceError(_l("金额太大。"), field=field)
    return value


def yuan(fen: int | None) -> str:
    """1234550 → "¥12,345.50"."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"
