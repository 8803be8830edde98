from datetime import date, datetime

from app.proposals.periods import CST, earliest_voting_start, period_after


def cst(*args):
    return datetime(*args, tzinfo=CST)


def test_start_day_not_counted_and_ends_at_midnight():
    # Published Tuesday 2026-06-02 at 09:00; 15 days → Wednesday 2026-06-17, a working day.
    p = period_after(cst(2026, 6, 2, 9, 0), 15)
    assert p.last_day == date(2026, 6, 17)
    assert p.ends_at == cst(2026, 6, 18, 0, 0)
    assert p.calendar_complete


def test_published_just_before_midnight_still_starts_next_day():
    p = period_after(cst(2026, 6, 2, 23, 59), 15)
    assert p.last_day == date(2026, 6, 17)


def test_last_day_on_weekend_moves_to_monday():
    # 2026-06-05 (Fri) + 15 = 2026-06-20 (Sat) → Monday 2026-06-22.
    assert period_after(cst(2026, 6, 5, 10), 15).last_day == date(2026, 6, 22)


def test_last_day_in_national_day_holiday_moves_past_it():
    # 2026-09-16 + 15 = 2026-10-01, inside the National Day holiday.
    # 2026-10-01..07 are holidays; 10-08 is the first working day after them.
    p = period_after(cst(2026, 9, 16, 10), 15)
    assert p.last_day == date(2026, 10, 8)
    assert p.ends_at == cst(2026, 10, 9)


def test_adjusted_working_weekend_counts_as_working_day():
    # 2026-09-20 (Sunday) is a make-up working day in the official 2026 schedule.
    import chinese_calendar
    assert chinese_calendar.is_workday(date(2026, 9, 20))
    assert period_after(cst(2026, 9, 17, 10), 3).last_day == date(2026, 9, 20)


def test_utc_input_is_counted_in_china_time():
    # 2026-06-01 18:00 UTC is already 2026-06-02 02:00 in Chengdu.
    from datetime import timezone
    p = period_after(datetime(2026, 6, 1, 18, 0, tzinfo=timezone.utc), 15)
    assert p.last_day == date(2026, 6, 17)


def test_year_without_official_data_is_flagged():
    p = period_after(cst(2027, 12, 20, 10), 15)
    assert not p.calendar_complete
    assert p.last_day.weekday() < 5


def test_earliest_voting_start_is_after_the_whole_notice_period():
    assert earliest_voting_start(cst(2026, 6, 2, 9), 15) == cst(2026, 6, 18)
