"""Ids and page numbers from the outside world, bounded once to what the database can hold.

Every id column is an INTEGER, which PostgreSQL keeps in 32 bits (SQLite in 64): a number
outside 1..2^31−1 names no row, and handing it to the database makes the driver or the server
fail (a 500) instead of finding nothing. So ids are checked here before any query: in the URL
(the `int` converter of every route), in query parameters (`arg_id`, `arg_page`) and in form
fields (`IdField`)."""
from flask import request
from werkzeug.routing import IntegerConverter
from wtforms import IntegerField

from app.core.i18n import lazy_gettext as _l

MAX_ID = 2**31 - 1
# A page past this shows nothing anyway; the bound keeps OFFSET small on every database.
MAX_PAGE = 100_000


def parse_id(raw) -> int | None:
    """The id written in `raw`, or None when it is not a plain number in 1..MAX_ID."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 1 <= raw <= MAX_ID else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    # At most ten digits: int() of a long string is slow and past 4,300 digits it fails.
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def arg_id(name: str) -> int | None:
    """An id from the query string; None when absent or not a valid id."""
    return parse_id(request.args.get(name))


def arg_page(name: str = "page") -> int:
    """A page number from the query string: 1 when absent or not a positive number, at most
    MAX_PAGE."""
    return min(parse_id(request.args.get(name)) or 1, MAX_PAGE)


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: only 1..MAX_ID matches, anything else is the ordinary 404."""

    regex = r"\d{1,10}"

    # werkzeug passes a rule's converter arguments under these names.
    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


class IdField(IntegerField):
    """A form field holding the id of a row: a number in 1..MAX_ID or a message, never a value
    the database cannot take."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        self.data = parse_id(valuelist[0])
        if self.data is None:
            raise ValueError(_l("请填写有效的编号。"))
