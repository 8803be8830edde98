from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import get_locale

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


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _in_china(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(CHINA)


def _english() -> bool:
    locale = get_locale() if has_app_context() else None
    return locale is not None and locale.language == "en"


def cn_date(value: date | datetime | None) -> str:
    """A day as people write it, in China time: 2026年12月5日 (English: 5 Dec 2026)."""
    if value is None:
        return ""
    day = _in_china(value) if isinstance(value, datetime) else value
    if _english():
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def cn_time(value: datetime | None) -> str:
    """A moment as people say it, in China time: 12月5日 18:30 (English: 5 Dec 18:30). The year
    is added only when it is not this year's, where leaving it out would mislead."""
    if value is None:
        return ""
    moment = _in_china(value)
    clock = moment.strftime("%H:%M")
    this_year = moment.year == _in_china(utcnow()).year
    if _english():
        day = f"{moment.day} {MONTHS_EN[moment.month - 1]}"
        return f"{day} {clock}" if this_year else f"{day} {moment.year} {clock}"
    day = f"{moment.month}月{moment.day}日"
    return f"{day} {clock}" if this_year else f"{moment.year}年{day} {clock}"


def china_time(value: datetime | None, fmt: str | None = None) -> str:
    """A timestamp as people in the compound read it: China Standard Time, as cn_time() says
    it unless a machine-like format is asked for (a form field's value, a clock)."""
    if value is None:
        return ""
    if fmt is None:
        return cn_time(value)
    return _in_china(value).strftime(fmt)


def china_date(value: datetime):
    """The calendar day in China of a UTC timestamp."""
    return _in_china(value).date()
