"""The page behind a printed paper's QR code: no login, says whether the paper is current,
shows the digest printed on it, and can't be reached by guessing."""
import re
from datetime import timedelta

from app.core.paper_links import paper_token
from app.extensions import db
from app.meetings import minutes
from app.notices import services as notices
from app.proposals import services as proposals
from tests.meetings.helpers import MeetingWorld
from tests.notices.helpers import NoticeWorld
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url, vote_now


def _printed(client, path) -> tuple[str, str]:
    """(the link printed under the QR code, the digest printed beside it)"""
    page = client.get(path).get_data(as_text=True)
    link = re.search(r'class="mono">https?://[^/]+(/v/[^<]+)<', page).group(1)
    digest = re.search(r'内容指纹：(?:</strong>)?\s*(?:<strong>)?<span class="hash">'
                       r'([0-9A-F ]{19})<', page).group(1)
    return link, digest


def _public(app, path):
    anonymous = app.test_client()
    return anonymous.get(path)


def test_notice_paper_is_checked_without_login_and_follows_corrections(app, client, login_as):
    w = NoticeWorld()
    notice = w.published(body="12月1日 9:00—17:00 停水。")
    login_as(w.staff)
    link, digest = _printed(client, f"/c/{w.compound.id}/notices/{notice.id}/print")
    response = _public(app, link)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "停水通知" in page and "锦华苑测试" in page and "9:00—17:00 停水" in page
    assert "现行有效" in page and digest in page
    assert "登录查看更多" in page

    notices.correct(w.staff, notice, title="停水通知", body="12月2日 9:00—17:00 停水。",
                    reason="日期写错")
    db.session.commit()
    page = _public(app, link).get_data(as_text=True)
    assert "已更正" in page and "现行为第 2 版" in page
    assert "12月1日" in page  # the page shows what was printed, not the new text
    new_link, new_digest = _printed(client, f"/c/{w.compound.id}/notices/{notice.id}/print")
    assert new_link != link and new_digest != digest
    assert "现行有效" in _public(app, new_link).get_data(as_text=True)

    notices.withdraw(w.staff, notice, "停水取消")
    db.session.commit()
    page = _public(app, new_link).get_data(as_text=True)
    assert "已撤回" in page and "停水取消" in page


def test_links_cannot_be_guessed_or_walked(app, client, login_as):
    w = NoticeWorld()
    first, second = w.published(title="甲公告"), w.published(title="乙公告")
    draft = w.draft(title="草稿公告")
    login_as(w.staff)
    link, _ = _printed(client, f"/c/{w.compound.id}/notices/{first.id}/print")
    token = link.rsplit("/", 1)[1]
    assert _public(app, link).status_code == 200
    walked = link.replace(f"/notice/{first.id}/", f"/notice/{second.id}/")
    assert _public(app, walked).status_code == 404  # another item with the same token
    assert _public(app, link[:-1] + ("a" if token[-1] != "a" else "b")).status_code == 404
    assert _public(app, link.replace("/1/", "/2/")).status_code == 404  # an unprinted version
    assert _public(app, link.replace("/notice/", "/minutes/")).status_code == 404
    # A draft has no public page even with a correctly signed link.
    assert _public(app, f"/v/notice/{draft.id}/0/{paper_token('notice', draft.id, 0)}"
                   ).status_code == 404
    assert _public(app, f"/v/notice/{draft.id}/1/{paper_token('notice', draft.id, 1)}"
                   ).status_code == 404
    assert _public(app, f"/v/notice/{first.id}/1/short").status_code == 404


def test_the_draft_print_links_to_the_notice_itself(app, client, login_as):
    w = NoticeWorld()
    draft = w.draft()
    login_as(w.staff)
    page = client.get(f"/c/{w.compound.id}/notices/{draft.id}/print").get_data(as_text=True)
    assert f"/c/{w.compound.id}/notices/{draft.id}<" in page and "/v/" not in page


def test_result_paper_shows_the_printed_result_and_when_it_is_superseded(app, client,
                                                                         login_as):
    w = World(n_owners=4)
    p = w.proposal(matter=4)
    open_now(w, p)
    for owner, choice in zip(w.owners, ["yes", "yes", "yes", "no"], strict=True):
        vote_now(p, owner, choice)
    proposals.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    login_as(w.owners[0])
    link, digest = _printed(client, url(p, "print"))
    page = _public(app, link).get_data(as_text=True)
    assert "表决结果：通过" in page
    assert "现行有效" in page and digest in page and "更换电梯" in page
    for owner in w.owners:  # names and phone numbers stay off the public page
        assert owner.display_name not in page and owner.mobile not in page

    proposals.publish_result(w.staff, p, now=p.objection_ends_at + timedelta(minutes=1))
    db.session.commit()
    page = _public(app, link).get_data(as_text=True)
    assert "已被最终结果取代" in page
    final_link, _ = _printed(client, url(p, "print"))
    assert final_link != link
    assert "现行有效" in _public(app, final_link).get_data(as_text=True)


def test_minutes_paper_follows_a_correction(app, client, login_as):
    w = MeetingWorld()
    meeting = w.published()
    login_as(w.council[1])
    link, digest = _printed(client, f"/c/{w.compound.id}/meetings/{meeting.id}/minutes/print")
    page = _public(app, link).get_data(as_text=True)
    assert "现行有效" in page and digest in page and "安装8个充电桩" in page

    items = w.items(meeting, decision="安装10个充电桩")
    minutes.correct(w.recorder, w.compound, meeting, items, "数量记错")
    db.session.commit()
    page = _public(app, link).get_data(as_text=True)
    assert "已更正" in page and "数量记错" in page and "安装8个充电桩" in page


def test_the_keys_come_from_the_environment(monkeypatch, tmp_path):
    """PAPER_LINK_KEY (and BALLOT_SEAL_KEY) are settings a deployment keeps apart from the
    secret key: the printed links follow PAPER_LINK_KEY, not SECRET_KEY, when it is set."""
    from app import create_app
    from app.proposals import sealing

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'keys.db'}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PAPER_LINK_KEY", raising=False)
    monkeypatch.delenv("BALLOT_SEAL_KEY", raising=False)
    with create_app("production").app_context():
        derived = paper_token("notice", 1, 1)
    monkeypatch.setenv("PAPER_LINK_KEY", "ab" * 32)
    monkeypatch.setenv("BALLOT_SEAL_KEY", "cd" * 32)
    keyed = create_app("production")
    assert keyed.config["PAPER_LINK_KEY"] == "ab" * 32
    with keyed.app_context():
        assert paper_token("notice", 1, 1) != derived
        assert sealing.key_id() == sealing.key_id(bytes.fromhex("cd" * 32))
    monkeypatch.setenv("SECRET_KEY", "another-secret-for-this-test-only")
    with create_app("production").app_context():  # the posted codes survive a new secret
        assert paper_token("notice", 1, 1) == token_of(keyed)


def token_of(app):
    with app.app_context():
        return paper_token("notice", 1, 1)
