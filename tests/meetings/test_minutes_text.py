"""Minutes text as readers see it: each revision rendered from its items, the section headings
in the reader's language on every page that shows minutes (minutes, revision, print, the board
page behind the printed QR code, the diff), residents' text sanitised, and the signed source
left exactly as it was stored."""
import hashlib
import re
from datetime import timedelta

import pytest

from app.accounts.models import User
from app.core.time import utcnow
from app.extensions import db
from app.meetings import minutes
from app.meetings.models import MinutesRevision
from tests.issues.test_security import XSS, assert_inert
from tests.meetings.helpers import MeetingWorld

CHINESE_HEADINGS = ("讨论情况", "决定事项", "负责人", "完成期限")


@pytest.fixture
def w(app):
    return MeetingWorld()


def _english(client):
    assert client.post("/prefs/language", data={"lang": "en", "next": "/"}).status_code == 302


def _text(page: str) -> str:
    """The minutes text block of a page (sanitised Markdown never contains a <div>)."""
    found = re.search(r'<div class="minutes-text[^"]*">(.*?)</div>', page, re.S)
    assert found, "no minutes text on the page"
    return found.group(1)


def _board_link(client, base) -> str:
    printed = client.get(base + "/print").get_data(as_text=True)
    return re.search(r'class="mono">https?://[^/]+(/v/[^<]+)<', printed).group(1)


def _pages(app, client, w, meeting, *, english: bool) -> dict[str, str]:
    """The minutes page, its current revision, the print view and the login-free board page."""
    base = f"/c/{w.compound.id}/meetings/{meeting.id}/minutes"
    row = minutes.minutes_of(meeting)
    anonymous = app.test_client()
    if english:
        _english(client)
        _english(anonymous)
    pages = {"minutes": base, "revision": f"{base}/revisions/{row.current_revision_id}",
             "print": base + "/print"}
    out = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, name
        out[name] = response.get_data(as_text=True)
    response = anonymous.get(_board_link(client, base))
    assert response.status_code == 200
    out["board"] = response.get_data(as_text=True)
    return out


def test_an_english_reader_sees_the_section_headings_in_english(app, client, login_as, w):
    meeting = w.published()
    login_as(w.council[1])
    for name, page in _pages(app, client, w, meeting, english=True).items():
        text = _text(page)
        assert "Discussion" in text and "Decisions" in text, name
        assert "Responsible: 物业" in text and "Due: 31 Jan 2027" in text, name
        assert "大家同意在南门设置。" in text and "安装8个充电桩" in text, name
        for heading in CHINESE_HEADINGS:
            assert heading not in page, (name, heading)


def test_a_chinese_reader_sees_the_chinese_headings(app, client, login_as, w):
    meeting = w.published()
    login_as(w.council[1])
    for name, page in _pages(app, client, w, meeting, english=False).items():
        text = _text(page)
        assert "<h4>讨论情况</h4>" in text and "<h4>决定事项</h4>" in text, name
        assert "负责人：物业" in text and "期限：2027年1月31日" in text, name
        assert "Discussion" not in page and "Responsible" not in page, name
        # the second item has a discussion only: no empty decision heading for it
        second = text.split("2. ", 1)[1]
        assert "讨论情况" in second and "决定事项" not in second, name


def test_the_signed_source_and_its_digest_are_unchanged(app, client, login_as, w):
    meeting = w.published()
    revision = minutes.current_revision(minutes.minutes_of(meeting))
    assert "**讨论情况：**" in revision.source and "- 完成期限：2027-01-31" in revision.source
    assert revision.sha256 == hashlib.sha256(revision.source.encode("utf-8")).hexdigest()
    login_as(w.council[1])
    pages = _pages(app, client, w, meeting, english=True)
    assert revision.sha256 in pages["print"] and revision.sha256 in pages["minutes"]


def _publish(w, meeting, items):
    at = w.held(meeting)
    minutes.save_draft(w.recorder, w.compound, meeting, items, now=at)
    minutes.submit_for_confirmation(w.recorder, w.compound, meeting, now=at)
    for row in minutes.present_attendees(meeting):
        minutes.confirm(db.session.get(User, row.user_id), w.compound, meeting, now=at)
    minutes.publish(w.party, w.compound, meeting, now=at)
    db.session.commit()


def test_residents_text_is_sanitised_markdown_on_every_minutes_page(app, client, login_as, w):
    meeting = w.convene(now=utcnow() - timedelta(days=10))
    payload = "**要点**\n\n" + "\n\n".join(XSS)
    _publish(w, meeting, [minutes.ItemText(a.position, a.title, payload, payload, XSS[0][:80])
                          for a in meeting.agenda])
    login_as(w.council[1])
    for name, page in _pages(app, client, w, meeting, english=True).items():
        assert_inert(page, name)
        text = _text(page)
        assert "<script" not in text and "onerror" not in text, name
        assert "<strong>要点</strong>" in text, name  # Markdown, rendered


def test_a_revision_whose_items_lack_fields_still_renders(app, client, login_as, w):
    meeting = w.published()
    row = minutes.minutes_of(meeting)
    current = minutes.current_revision(row)
    base = f"/c/{w.compound.id}/meetings/{meeting.id}/minutes"
    # Rows as an earlier version of the software stored them: only some keys, or no items.
    sparse = MinutesRevision(
        minutes_id=row.id, number=current.number + 1, kind="correction", reason="补记",
        author_id=w.recorder.id, created_at=current.created_at, items=[
            {"position": 1, "title": "电动车充电桩选址", "discussion": "补记的讨论。"},
            {"title": "通报上次决定落实情况", "decision": "继续跟进", "due": "不是日期"}],
        source="旧稿", html="<p>旧稿</p>", sha256="0" * 64)
    empty = MinutesRevision(
        minutes_id=row.id, number=current.number + 2, kind="correction", reason="补记",
        author_id=w.recorder.id, created_at=current.created_at, items=[],
        source="只有正文", html="<p>只有正文</p>", sha256="1" * 64)
    db.session.add_all([sparse, empty])
    db.session.commit()
    login_as(w.council[1])
    _english(client)
    text = _text(client.get(f"{base}/revisions/{sparse.id}").get_data(as_text=True))
    assert "1. 电动车充电桩选址" in text and "补记的讨论。" in text and "Discussion" in text
    assert "2. 通报上次决定落实情况" in text and "继续跟进" in text and "Decisions" in text
    assert "Responsible" not in text and "Due" not in text
    text = _text(client.get(f"{base}/revisions/{empty.id}").get_data(as_text=True))
    assert "只有正文" in text
    diff = client.get(f"{base}/diff?a={current.id}&b={sparse.id}")
    assert diff.status_code == 200


def test_the_diff_compares_the_text_with_headings_in_the_readers_language(client, login_as, w):
    meeting = w.published()
    minutes.correct(w.recorder, w.compound, meeting, w.items(meeting, decision="安装10个充电桩"),
                    "数量记错")
    db.session.commit()
    revs = minutes.revisions_of(minutes.minutes_of(meeting))
    path = (f"/c/{w.compound.id}/meetings/{meeting.id}/minutes/diff"
            f"?a={revs[1].id}&b={revs[-1].id}")
    login_as(w.council[1])
    page = client.get(path).get_data(as_text=True)
    assert "决定事项" in page and "**" not in page  # readable text, not the Markdown source
    _english(client)
    page = client.get(path).get_data(as_text=True)
    assert "Decisions" in page and "Responsible: 物业" in page
    assert "10</ins>" in page and "8</del>" in page
    for heading in CHINESE_HEADINGS:
        assert heading not in page, heading
