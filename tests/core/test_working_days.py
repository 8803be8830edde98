"""Time limits in working days (app.core.periods): the start day is not counted, rest days
are skipped, adjusted working weekends count, the limit ends at 24:00 China time."""
from datetime import UTC, date, datetime

import pytest

from app.core.periods import CST, due_after_working_days


def _last(start: datetime, days: int) -> date:
    return due_after_working_days(start, days).last_day


def test_a_plain_week():
    # Monday 2026-03-09, 3 working days: Tue, Wed, Thu.
    assert _last(datetime(2026, 3, 9, 10, tzinfo=CST), 3) == date(2026, 3, 12)


def test_over_a_weekend():
    # Thursday 2026-03-12, 2 working days: Fri, (Sat, Sun skipped) Mon.
    assert _last(datetime(2026, 3, 12, 10, tzinfo=CST), 2) == date(2026, 3, 16)


def test_across_the_national_day_holiday():
    # Tuesday 2026-09-29: Sep 30 counts; Oct 1-7 is the holiday; then Oct 8, Oct 9.
    period = due_after_working_days(datetime(2026, 9, 29, 10, tzinfo=CST), 3)
    assert period.last_day == date(2026, 10, 9)
    assert period.ends_at == datetime(2026, 10, 10, 0, 0, tzinfo=CST)
    assert period.calendar_complete


def test_an_adjusted_working_sunday_counts():
    # 2026-01-01 to 01-03 is New Year's holiday; Sunday 2026-01-04 is a working day.
    assert _last(datetime(2026, 1, 1, 9, tzinfo=CST), 1) == date(2026, 1, 4)


def test_evening_in_utc_is_the_next_day_in_china():
    # 2026-03-09 20:00 UTC is Tuesday 04:00 in China: counting starts on Wednesday.
    assert _last(datetime(2026, 3, 9, 20, tzinfo=UTC), 1) == date(2026, 3, 11)


def test_a_year_without_official_data_says_so():
    assert not due_after_working_days(datetime(2099, 3, 2, 10, tzinfo=CST), 3).calendar_complete


def test_at_least_one_day():
    with pytest.raises(ValueError):
        due_after_working_days(datetime(2026, 3, 9, tzinfo=CST), 0)
