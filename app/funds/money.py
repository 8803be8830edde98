"""Money as people read and type it: integer 分 inside, ¥1,234.50 on the page, "1234.5" typed
in yuan. One formatter and one parser, used everywhere; neither touches a float."""
import re

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l

# 999,999,999.99 元: far above any compound's or community's fund, far below BigInteger.
MAX_FEN = 99_999_999_999
_TYPED = re.compile(r"^(\d+)(?:\.(\d*))?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，￥", "0123456789.,¥")


def format_fen(fen: int | None, *, sign: bool = False) -> str:
    """¥1,234.50 (negative: -¥1,234.50; with sign=True a positive amount reads +¥1,234.50)."""
    if fen is None:
        return ""
    if isinstance(fen, float):
        raise TypeError("amounts are integer fen, never floats")
    fen = int(fen)
    prefix = "-" if fen < 0 else ("+" if sign and fen > 0 else "")
    yuan, cents = divmod(abs(fen), 100)
    return f"{prefix}¥{yuan:,}.{cents:02d}"


def plain_yuan(fen: int) -> str:
    """1234.50, as a form field shows it back (no symbol, no thousands separators)."""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}{yuan}.{cents:02d}"


def parse_yuan(typed, field: str = "amount") -> int:
    """Typed yuan → 分: "1234.5" → 123450, "¥1,234.56" → 123456, full-width digits too. Refuses
    anything but a positive amount with at most two decimals, with a message saying why; the
    digits are read as text, so no float ever rounds them."""
    if isinstance(typed, float):
        raise TypeError("amounts are typed text, never floats")
    text = str(typed if typed is not None else "").strip().translate(_FULL_WIDTH)
    text = text.removeprefix("¥").removesuffix("元").replace(",", "").replace(" ", "")
    if not text:
        raise ServiceError(_l("请填写金额（元）。"), field=field)
    if text.startswith("-"):
        raise ServiceError(_l("金额必须大于零；支出请选“支出”类别，不要写负号。"), field=field)
    match = _TYPED.match(text)
    if match is None:
        raise ServiceError(_l("金额只能写数字，例如 1234.50。"), field=field)
    whole, decimals = match.group(1), match.group(2) or ""
    if len(decimals) > 2:
        raise ServiceError(_l("金额最多精确到分（小数点后两位）。"), field=field)
    fen = int(whole) * 100 + int(decimals.ljust(2, "0"))
    if fen <= 0:
        raise ServiceError(_l("金额必须大于零。"), field=field)
    if fen > MAX_FEN:
        raise ServiceError(_l("金额过大，请核对。"), field=field)
    return fen
