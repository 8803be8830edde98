"""Legal periods counted as 民法典 第二百零一至二百零三条 say, in China Standard Time:
- 第二百零一条: the day the period starts is not counted; counting begins the next day.
- 第二百零三条: if the last day is a statutory rest day, the period ends on the first working
  day after it; the last day ends at 24:00.
Rest days come from the `chinese-calendar` package (weekends, public holidays, and the
adjusted working weekends). For a year it has no data for, weekends and the fixed-date
holidays are used and the result says so, so that staff check it by hand.

Time limits in working days (工作日, e.g. a dispatched ticket's) use the same calendar: the
day the limit starts is not counted, rest days are skipped, the limit ends at 24:00 CST of
the last working day."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

CST = ZoneInfo("Asia/Shanghai")
# Gregorian-fixed holidays, used only for years the calendar package does not cover yet.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class Period:
    start: datetime  # the moment the period was triggered (e.g. notice published)
    last_day: date  # the day the period ends on, after moving past rest days
    ends_at: datetime  # 24:00 CST of last_day, as an aware datetime
    calendar_complete: bool  # False when a year had no official holiday data


def is_rest_day(day: date) -> tuple[bool, bool]:
    """(rest day?, from official data?)."""
    try:
        return chinese_calendar.is_holiday(day), True
    except NotImplementedError:
        return day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS, False


def local_date(moment: datetime) -> date:
    return moment.astimezone(CST).date()


def end_of_day(day: date) -> datetime:
    """24:00 of `day` in CST (i.e. 00:00 of the next day)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=CST)


def period_after(start: datetime, days: int) -> Period:
    """The period of `days` days that begins when `start` happens (民法典 201, 203)."""
    if days < 1:
        raise ValueError("a period lasts at least one day")
    last = local_date(start) + timedelta(days=days)  # start day not counted
    complete = True
    while True:
        rest, official = is_rest_day(last)
        complete = complete and official
        if not rest:
            break
        last += timedelta(days=1)
    return Period(start, last, end_of_day(last), complete)


def earliest_voting_start(notice_published_at: datetime, notice_days: int) -> datetime:
    """Voting may open once the notice period has fully run (≥ notice_days days)."""
    return period_after(notice_published_at, notice_days).ends_at


def due_after_working_days(start: datetime, days: int) -> Period:
    """The limit of `days` working days from `start`: the start day is not counted, rest days
    (weekends, public holidays) are skipped and adjusted working weekends count."""
    if days < 1:
        raise ValueError("a time limit lasts at least one working day")
    day, counted, complete = local_date(start), 0, True
    while counted < days:
        day += timedelta(days=1)
        rest, official = is_rest_day(day)
        complete = complete and official
        if not rest:
            counted += 1
    return Period(start, day, end_of_day(day), complete)
