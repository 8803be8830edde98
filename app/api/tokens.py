"""Personal API tokens: made and revoked by their owner (both audited), checked on each API
request. A token only reads: the API has no route that writes."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, or_, select, update

from app.accounts.models import User
from app.api.models import MAX_LIVE_TOKENS, ApiToken, ApiTokenUse
from app.audit.services import record
from app.core.db import refused_if_taken
from app.core.errors import NotFound, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.time import utcnow
from app.extensions import db

TOKEN_PREFIX = "yst_"  # noqa: S105  (marks a token, like "ghp_")
# A token's last use is written at most this often, so that a busy client does not turn
# every read into a write.
USE_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_tokens(user: User) -> list[tuple[ApiToken, object]]:
    """The person's live tokens with when each was last used (None: never), newest first."""
    rows = db.session.execute(
        select(ApiToken, ApiTokenUse.last_used_at)
        .outerjoin(ApiTokenUse, ApiTokenUse.token_id == ApiToken.id)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id.desc())).all()
    return [(token, used) for token, used in rows]


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token named `name` for `user`; returns the row and the token, which is shown
    once and never stored. At most MAX_LIVE_TOKENS live tokens per person: the partial unique
    index over (person, slot) refuses one more, two made at once included."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("请给令牌起个名字。"), field="name")
    taken = set(db.session.scalars(select(ApiToken.slot).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
    free = [s for s in range(1, MAX_LIVE_TOKENS + 1) if s not in taken]
    full = _l("最多只能有 %(n)s 个有效令牌，请先撤销不用的令牌。", n=MAX_LIVE_TOKENS)
    if not free:
        raise ServiceError(full, field="name", status=409)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:40], slot=free[0],
                     token_hash=hash_token(plain), prefix=plain[:10], created_at=utcnow())
    with refused_if_taken(full, field="name"):
        db.session.add(token)
    db.session.add(ApiTokenUse(token_id=token.id))
    record(user, None, "api_token.created", token, {"name": token.name})
    return token, plain


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the person's own live tokens; it is refused (401) from the next request."""
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    if token is None:
        raise NotFound(_l("找不到这个令牌，它可能已被撤销。"))
    token.revoked_at = utcnow()
    record(user, None, "api_token.revoked", token, {"name": token.name})
    return token


def revoke_all(user: User) -> int:
    """Revoke every live token of the person (their account is being deleted)."""
    tokens = db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = utcnow()
    if tokens:
        record(user, None, "api_token.revoked", None, {"count": len(tokens)}, also=tokens)
    return len(tokens)


# Built once: it runs on every request that carries a token.
_LIVE_TOKEN_AND_USER = (
    select(ApiToken, User, ApiTokenUse.last_used_at).join(User, User.id == ApiToken.user_id)
    .outerjoin(ApiTokenUse, ApiTokenUse.token_id == ApiToken.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
           User.is_active_account.is_(True)))


def authenticate(header: str | None):
    """(token, person, last used) of the live token named by an `Authorization: Bearer ...`
    header, or None (no header, another scheme, an unknown or revoked token, a closed
    account)."""
    if not header:
        return None
    scheme, _sep, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value.startswith(TOKEN_PREFIX) or len(value) > 100:
        return None
    row = db.session.execute(_LIVE_TOKEN_AND_USER, {"token_hash": hash_token(value)}).first()
    return tuple(row) if row is not None else None


def use_is_stale(last_used_at) -> bool:
    return last_used_at is None or last_used_at < utcnow() - USE_RESOLUTION


def note_use(token_id: int) -> bool:
    """Stamp the token's last use unless it was stamped within USE_RESOLUTION; one conditional
    UPDATE, so that racing requests write it once. Returns whether it wrote."""
    now = utcnow()
    done = db.session.execute(
        update(ApiTokenUse).where(
            ApiTokenUse.token_id == token_id,
            or_(ApiTokenUse.last_used_at.is_(None),
                ApiTokenUse.last_used_at < now - USE_RESOLUTION))
        .values(last_used_at=now))
    return bool(done.rowcount)
