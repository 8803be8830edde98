"""Counts read as English counts: one household has seconded or acknowledged, two households
have; the Chinese text is the same for any count."""
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale

from app.meetings.rules import notice_period
from tests.issues.helpers import IssueWorld
from tests.notices.helpers import NoticeWorld
from tests.test_i18n import compiled_catalogue  # noqa: F401  (autouse: a fresh .mo)


def _in_english(client):
    assert client.post("/prefs/language", data={"lang": "en", "next": "/"}).status_code == 302


@pytest.fixture
def issues(app):
    return IssueWorld()


@pytest.fixture
def notices(app):
    return NoticeWorld()


def test_an_issue_seconded_by_one_household_then_two(client, login_as, issues):
    issue = issues.issue(issues.owners[0])
    page_url = f"/c/{issues.compound.id}/issues/{issue.id}"
    login_as(issues.owners[1])
    _in_english(client)
    seconds = client.post(page_url + "/second", headers={"HX-Request": "true"})
    text = seconds.get_data(as_text=True)
    assert "Seconded by 1 household<" in text, text
    assert "at 10 households)" in text
    index = client.get(f"/c/{issues.compound.id}/issues/").get_data(as_text=True)
    assert "Seconded by 1 household<" in index and ">1 issue<" in index
    issues.issue(issues.owners[2], title="楼道灯不亮")
    login_as(issues.owners[3])
    _in_english(client)
    text = client.post(page_url + "/second", headers={"HX-Request": "true"}).get_data(
        as_text=True)
    assert "Seconded by 2 households<" in text and "1 household" not in text
    index = client.get(f"/c/{issues.compound.id}/issues/").get_data(as_text=True)
    assert ">2 issues<" in index


def test_a_notice_acknowledged_by_one_household_then_two(client, login_as, notices):
    notice = notices.published()
    url = f"/c/{notices.compound.id}/notices/{notice.id}/acknowledge"
    login_as(notices.owners[0])
    _in_english(client)
    text = client.post(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 household has acknowledged" in text, text
    login_as(notices.owners[1])
    _in_english(client)
    text = client.post(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "2 households have acknowledged" in text and "1 household" not in text


def test_the_chinese_is_the_same_for_one_and_two(client, login_as, notices):
    notice = notices.published()
    url = f"/c/{notices.compound.id}/notices/{notice.id}/acknowledge"
    login_as(notices.owners[0])
    assert "1 户已确认知晓" in client.post(url, headers={"HX-Request": "true"}).get_data(
        as_text=True)
    login_as(notices.owners[1])
    assert "2 户已确认知晓" in client.post(url, headers={"HX-Request": "true"}).get_data(
        as_text=True)


@pytest.mark.parametrize(("delta", "english", "chinese"), [
    (timedelta(days=1), "notice given 1 day ahead", "提前 1 天通知"),
    (timedelta(days=2), "notice given 2 days ahead", "提前 2 天通知"),
    (timedelta(hours=1), "notice given 1 hour ahead", "提前 1 小时通知"),
    (timedelta(minutes=2), "notice given 2 minutes ahead", "提前 2 分钟通知"),
])
def test_a_meetings_notice_period(app, delta, english, chinese):
    notice_at = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
    with app.test_request_context():
        assert notice_period(notice_at, notice_at + delta) == chinese
        with force_locale("en"):
            assert notice_period(notice_at, notice_at + delta) == english
