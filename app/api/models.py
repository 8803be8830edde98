"""Personal API tokens. Only a SHA-256 of the token is stored (as for login sessions); the
token itself is shown once, when it is made."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.schema import partial_unique
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

MAX_LIVE_TOKENS = 5
LIVE_TOKEN = "revoked_at IS NULL"  # noqa: S105  (a SQL condition)


class ApiToken(db.Model):
    """A person's token for /api/v1/. `slot` (1..MAX_LIVE_TOKENS) is unique among a person's
    live tokens: the partial unique index caps them without a check-then-insert race."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    slot: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so that its owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        partial_unique("uq_api_tokens_live_slot", "user_id", "slot", where=LIVE_TOKEN),
        CheckConstraint(f"slot BETWEEN 1 AND {MAX_LIVE_TOKENS}", name="slot_in_range"),
    )


class ApiTokenUse(db.Model):
    """When a token was last used, apart from the token's row: that row is covered by the
    audit chain, and a time bumped by every request would make it differ from its digest."""

    __tablename__ = "api_token_uses"

    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), primary_key=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
