from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Now, in UTC. Under TESTING only, CLOCK_OFFSET_SECONDS moves the app's clock forward so a
    browser test can walk through a 15-day notice period; nothing else can shift it."""
    now = datetime.now(timezone.utc)
    if has_app_context() and current_app.testing:
        offset = current_app.config.get("CLOCK_OFFSET_SECONDS")
        if offset:
            now += timedelta(seconds=offset)
    return now


def iso_utc(value: datetime | None) -> str | None:
    """Canonical, hash-stable text for a timestamp: UTC, microseconds, 'Z'."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def china_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A timestamp as people in the compound read it: China Standard Time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(CHINA).strftime(fmt)


def china_date(value: datetime):
    """The calendar day in China of a UTC timestamp."""
    return value.astimezone(CHINA).date()
