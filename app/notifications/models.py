from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.schema import partial_unique
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db


class Follow(db.Model):
    """Someone follows a thing (a proposal, an issue…) and hears about what happens to it."""

    __tablename__ = "follows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        db.UniqueConstraint("user_id", "object_type", "object_id"),
        Index("ix_follows_object", "object_type", "object_id"),
    )


# An unread routine notification is folded with the next ones about the same item (link) on
# the same day; important ones always stand alone.
FOLDED = "read_at IS NULL AND fold_day IS NOT NULL"


class Notification(db.Model):
    """Something a person should hear about. Important ones (a vote they can cast, a deadline
    they are about to miss, their home verified or refused) are marked and counted apart;
    routine ones about one item are folded into one line per day (`repeats` counts them)."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"))
    kind: Mapped[str] = mapped_column(String(48))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_important: Mapped[bool] = mapped_column(Boolean, default=False)
    # The item a routine notification is about (its link without the #fragment) and the China
    # date: one unread line per person, item and day. None: never folded.
    fold_key: Mapped[str | None] = mapped_column(String(255))
    fold_day: Mapped[date | None] = mapped_column(Date)
    repeats: Mapped[int] = mapped_column(Integer, default=1)
    # Sent at most once per person (e.g. "closing:12" for one proposal's last-day reminder).
    once_key: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_notifications_unread", "user_id", "read_at"),
        partial_unique("uq_notifications_fold", "user_id", "fold_key", "fold_day", where=FOLDED),
        partial_unique("uq_notifications_once", "user_id", "once_key",
                       where="once_key IS NOT NULL"),
    )
