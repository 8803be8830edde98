"""Who is asking: the person behind a valid `Authorization: Bearer` token, or nobody. The API
never reads the login cookie, so an anonymous answer is the same for everyone and may be cached
publicly, and a page open in a browser cannot be read through the API."""
from dataclasses import dataclass
from datetime import datetime

from flask import abort, g, request
from flask_limiter.util import get_remote_address

from app.accounts.models import User
from app.api import tokens
from app.compounds.access import may_read
from app.core.db import write_transaction

_UNSET = object()


@dataclass(frozen=True)
class Caller:
    token_id: int
    token_name: str
    last_used_at: datetime | None
    user: User


def current_caller() -> Caller | None:
    """The caller of this request, resolved once. A header that names no live token is
    refused with 401 by check_token(), before any view runs."""
    found = g.get("_api_caller", _UNSET)
    if found is _UNSET:
        row = tokens.authenticate(request.headers.get("Authorization"))
        found = Caller(row[0].id, row[0].name, row[2], row[1]) if row else None
        g._api_caller = found
    return found


def caller_user() -> User | None:
    found = current_caller()
    return found.user if found else None


def rate_key() -> str:
    """Flask-Limiter's key: the token when there is a valid one, else the client address."""
    found = current_caller()
    return f"api-token:{found.token_id}" if found else f"api-addr:{get_remote_address()}"


def check_token() -> None:
    """Before every API view: a header that is present but names no live token (unknown,
    revoked, closed account) gets 401 at once."""
    if request.headers.get("Authorization") and current_caller() is None:
        abort(401)


def note_use() -> None:
    """After a successful answer to a token: its last use, at most once a minute (a write of
    its own, after the read the request made)."""
    found = current_caller()
    if found is not None and tokens.use_is_stale(found.last_used_at):
        with write_transaction():
            tokens.note_use(found.token_id)


def require_reader(compound_id: int) -> User:
    """The token's person, if they may read the compound on the site (app.compounds.access):
    401 without a token, 403 for anyone else, as the site answers."""
    user = caller_user()
    if user is None:
        abort(401)
    if not may_read(user, compound_id):
        abort(403)
    return user
