"""One way to write each kind of figure: days as 2026年12月5日, moments as 12月5日 18:30 (China
time; English 5 Dec 2026, 5 Dec 18:30), percentages rounded half up as people round by hand."""
from datetime import date, datetime, timezone

from flask_babel import force_locale

from app.core.time import CHINA, cn_date, cn_time, utcnow
from app.notices.reads import Reach
from app.proposals.presenters import percent
from tests.test_i18n import compiled_catalogue  # noqa: F401  (autouse: a fresh .mo)


def _this_year_utc(month, day, hour, minute):
    return datetime(utcnow().astimezone(CHINA).year, month, day, hour, minute, tzinfo=timezone.utc)


def test_days_and_moments_in_chinese_and_english(app):
    moment = _this_year_utc(12, 5, 10, 30)  # 18:30 in China
    year = moment.year
    with app.test_request_context():
        assert cn_date(moment) == f"{year}年12月5日"
        assert cn_date(date(2026, 1, 9)) == "2026年1月9日"
        assert cn_time(moment) == "12月5日 18:30"
        # A moment of another year says its year, or it would read as this year's.
        assert cn_time(datetime(2020, 2, 29, 16, 5, tzinfo=timezone.utc)) == "2020年3月1日 00:05"
        with force_locale("en"):
            assert cn_date(moment) == f"5 Dec {year}"
            assert cn_time(moment) == "5 Dec 18:30"
            assert cn_time(datetime(2020, 2, 29, 16, 5, tzinfo=timezone.utc)) == "1 Mar 2020 00:05"
    assert cn_time(None) == cn_date(None) == ""


def test_percentages_round_half_up():
    assert percent(2, 3) == "66.67%"  # not 66.66
    assert percent(1, 8) == "12.50%" and percent(0, 5) == "0.00%" and percent(1, 0) == "—"
    reach = Reach(reads=1, acks=0, households=40, registered=3)
    assert reach.rate(1, 40) == 3  # 2.5 → 3 (Python's round() says 2)
    assert reach.rate(2, 3) == 67 and reach.rate(0, 0) is None
