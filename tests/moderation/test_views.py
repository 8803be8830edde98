"""The moderation pages through HTTP: reporting, the queue, hiding in place, restoring,
muting, the public log; hidden text never reaches ordinary members' pages."""
import pytest

from app.extensions import db
from app.issues import comments
from app.issues.models import Comment, Issue
from app.moderation import mutes, services
from app.moderation.models import ModerationAction, Mute, Report
from tests.moderation.helpers import ABUSE, ModerationWorld, audit_actions, count, snapshot


@pytest.fixture
def w(app):
    return ModerationWorld()


def mod(w):
    return f"/c/{w.compound.id}/moderation"


def issue_url(w, issue=None):
    return f"/c/{w.compound.id}/issues/{(issue or w.topic).id}"


def text(response):
    return response.get_data(as_text=True)


def test_report_link_form_and_submit(client, login_as, w):
    login_as(w.owners[2])
    page = text(client.get(issue_url(w)))
    report_url = f"{mod(w)}/report/comment/{w.rude.id}"
    assert f'href="{report_url}"' in page and f'href="{mod(w)}/report/issue/{w.topic.id}"' in page
    assert "隐藏…" not in page
    assert "举报评论" in text(client.get(report_url))
    response = client.post(report_url, data={"reason": ""})
    assert response.status_code == 400 and "请写明举报理由" in text(response)
    assert count(Report) == 0
    response = client.post(report_url, data={"reason": "人身攻击"})
    assert response.status_code == 302 and response.location.endswith(
        f"{issue_url(w)}#c{w.rude.id}")
    assert db.session.query(Report).one().reporter_id == w.owners[2].id
    response = client.post(report_url, data={"reason": "再举报"})
    assert response.status_code == 409 and "您已经举报过这条内容" in text(response)
    assert "再举报" in text(response)  # what was typed stays
    assert count(Report) == 1
    # The author sees no report link on their own comment.
    login_as(w.owners[1])
    assert f'href="{report_url}"' not in text(client.get(issue_url(w)))


def test_queue_is_for_the_party_cell_and_staff_only(client, login_as, w):
    services.report(w.owners[2], w.compound, services.target_of(w.rude), "人身攻击")
    db.session.commit()
    for who in (w.owners[2], w.council, w.property, w.committee, w.grid):
        login_as(who)
        assert client.get(f"{mod(w)}/").status_code == 403
        assert client.get(f"{mod(w)}/comment/{w.rude.id}").status_code == 403
        assert "举报处理" not in text(client.get(f"/c/{w.compound.id}/"))
    for who in (w.party, w.staff):
        login_as(who)
        page = text(client.get(f"{mod(w)}/"))
        assert "1 人举报" in page and ABUSE in page and "人身攻击" in page
        assert f'href="{mod(w)}/"' in text(client.get(f"/c/{w.compound.id}/"))


def test_hide_from_the_queue_shows_the_reason_in_place_never_the_text(client, login_as, w):
    comments.post_comment(w.owners[3], w.topic, "回复这条", parent=w.rude)
    services.report(w.owners[2], w.compound, services.target_of(w.rude), "人身攻击")
    db.session.commit()
    login_as(w.party)
    response = client.post(f"{mod(w)}/comment/{w.rude.id}/hide", data={"hide-reason": "人身攻击"})
    assert response.status_code == 302 and response.location.endswith(f"{mod(w)}/")
    assert db.session.get(Comment, w.rude.id).is_hidden
    assert "目前没有待处理的举报" in text(client.get(f"{mod(w)}/"))
    moderator_view = text(client.get(issue_url(w)))
    assert "已被党支部隐藏：人身攻击" in moderator_view
    assert "仅党支部和社区工作者可见" in moderator_view and ABUSE in moderator_view
    for who in (w.owners[2], w.owners[3], w.council, w.property, w.tenant):
        login_as(who)
        for url in (issue_url(w), f"/c/{w.compound.id}/issues/", f"{mod(w)}/log",
                    "/notifications/", f"{mod(w)}/report/comment/{w.rude.id}"):
            page = text(client.get(url))
            assert ABUSE not in page, (who.display_name, url)
        page = text(client.get(issue_url(w)))
        assert "已被党支部隐藏：人身攻击" in page and "回复这条" in page
        assert "仅党支部和社区工作者可见" not in page


def test_hidden_issue_shows_only_the_reason(client, login_as, w):
    services.hide(w.staff, w.compound, services.target_of(w.topic), "重复发布")
    db.session.commit()
    login_as(w.owners[2])
    for url in (issue_url(w), f"/c/{w.compound.id}/issues/"):
        page = text(client.get(url))
        assert "已被党支部隐藏：重复发布" in page
        assert "广场舞音量太大" not in page and "晚上九点后仍很吵" not in page
    login_as(w.party)
    assert "晚上九点后仍很吵" in text(client.get(issue_url(w)))


def test_hide_with_no_reason_rerenders_with_the_error(client, login_as, w):
    login_as(w.party)
    before = snapshot()
    response = client.post(f"{mod(w)}/comment/{w.rude.id}/hide", data={"hide-reason": "  "})
    assert response.status_code == 400
    assert "请写明隐藏理由" in text(response) and 'aria-invalid="true"' in text(response)
    assert snapshot() == before and not db.session.get(Comment, w.rude.id).is_hidden
    # Hiding twice: refused, the reason already given stays.
    client.post(f"{mod(w)}/comment/{w.rude.id}/hide", data={"hide-reason": "第一次"})
    response = client.post(f"{mod(w)}/comment/{w.rude.id}/hide", data={"hide-reason": "第二次"})
    assert response.status_code == 409 and "这条内容已经被隐藏了" in text(response)
    assert db.session.get(Comment, w.rude.id).hidden_reason == "第一次"
    assert count(ModerationAction) == 1


def test_restore_and_dismiss_through_the_item_page(client, login_as, w):
    login_as(w.staff)
    item = f"{mod(w)}/comment/{w.rude.id}"
    client.post(f"{item}/hide", data={"hide-reason": "人身攻击", "next": "item"})
    page = text(client.get(item))
    assert "恢复理由" in page and "以下为原文" in page
    response = client.post(f"{item}/restore", data={"restore-reason": "误判", "next": "item"})
    assert response.status_code == 302 and response.location.endswith(item)
    assert not db.session.get(Comment, w.rude.id).is_hidden
    response = client.post(f"{item}/restore", data={"restore-reason": "再恢复"})
    assert response.status_code == 409 and "无需恢复" in text(response)
    services.report(w.owners[2], w.compound, services.target_of(w.rude), "骂人")
    db.session.commit()
    assert client.post(f"{item}/dismiss", data={}).status_code == 302
    assert db.session.query(Report).one().resolution == "dismissed"
    assert client.post(f"{item}/dismiss", data={}).status_code == 409
    assert audit_actions() == ["moderation.hide", "moderation.restore", "moderation.report",
                               "moderation.dismiss"]


def test_mute_from_the_item_page_blocks_posting_and_can_be_lifted(client, login_as, w):
    login_as(w.party)
    item = f"{mod(w)}/comment/{w.rude.id}"
    response = client.post(f"{item}/mute", data={"mute-days": "", "mute-reason": "骂人"})
    assert response.status_code == 400 and "请选择禁言时长" in text(response)
    assert count(Mute) == 0
    response = client.post(f"{item}/mute", data={"mute-days": "7", "mute-reason": "多次骂人"})
    assert response.status_code == 302
    row = db.session.query(Mute).one()
    assert row.user_id == w.owners[1].id
    assert "正在禁言中" in text(client.get(item))
    assert "多次骂人" in text(client.get(f"{mod(w)}/"))
    login_as(w.owners[1])
    before = count(Comment)
    response = client.post(f"{issue_url(w)}/comments", data={"body": "我还要说"})
    assert response.status_code == 403 and "您已被党支部禁言至" in text(response)
    assert count(Comment) == before
    login_as(w.party)
    lift = f"{mod(w)}/mutes/{row.id}/lift"
    client.post(lift, data={"lift-reason": ""})
    assert mutes.active_mute(w.owners[1], w.compound) is not None
    assert client.post(lift, data={"lift-reason": "已道歉"}).status_code == 302
    assert mutes.active_mute(w.owners[1], w.compound) is None
    login_as(w.owners[1])
    assert client.post(f"{issue_url(w)}/comments", data={"body": "对不起"}).status_code == 302


def test_public_log_shows_what_when_role_and_why_but_not_content_or_author(client, login_as,
                                                                           w):
    services.hide(w.party, w.compound, services.target_of(w.rude), "人身攻击")
    mutes.mute(w.staff, w.compound, w.owners[1], 1, "屡次骂人")
    db.session.commit()
    login_as(w.tenant)
    assert f'href="{mod(w)}/log"' in text(client.get(f"/c/{w.compound.id}/"))
    page = text(client.get(f"{mod(w)}/log"))
    assert "人身攻击" in page and "屡次骂人" in page
    assert "小区党支部" in page and "社区工作者" in page
    assert "评论" in page and "禁言" in page
    assert ABUSE not in page and w.owners[1].display_name not in page
    assert "广场舞音量太大" not in page  # not even where it was


def test_issue_page_links_for_moderators(client, login_as, w):
    login_as(w.party)
    page = text(client.get(issue_url(w)))
    assert f'href="{mod(w)}/comment/{w.rude.id}"' in page
    assert f'href="{mod(w)}/issue/{w.topic.id}"' in page
    assert f"{mod(w)}/report/" not in page


def test_audit_trail_names_the_moderation_actions(client, login_as, w):
    services.hide(w.party, w.compound, services.target_of(w.rude), "人身攻击")
    db.session.commit()
    login_as(w.owners[2])
    page = text(client.get(f"/c/{w.compound.id}/audit"))
    assert "隐藏内容" in page and ABUSE not in page
    assert db.session.get(Issue, w.topic.id) is not None


def test_reports_are_grouped_by_item_and_user_text_is_inert(client, login_as, w):
    from tests.issues.test_security import XSS, assert_inert

    target = services.target_of(w.rude)
    services.report(w.owners[2], w.compound, target, XSS[0])
    services.report(w.owners[3], w.compound, target, XSS[1])
    services.report(w.owners[2], w.compound, services.target_of(w.topic), XSS[2])
    db.session.commit()
    login_as(w.party)
    page = text(client.get(f"{mod(w)}/"))
    assert page.count('class="card moderation-item"') == 2 and "2 人举报" in page
    assert_inert(page, "queue")
    assert_inert(text(client.get(f"{mod(w)}/comment/{w.rude.id}")), "item")
    client.post(f"{mod(w)}/comment/{w.rude.id}/hide", data={"hide-reason": XSS[3]})
    client.post(f"{mod(w)}/comment/{w.rude.id}/mute",
                data={"mute-days": "1", "mute-reason": XSS[4]})
    assert db.session.get(Comment, w.rude.id).hidden_reason == XSS[3]
    for url in (f"{mod(w)}/", f"{mod(w)}/log", issue_url(w), f"{mod(w)}/comment/{w.rude.id}"):
        assert_inert(text(client.get(url)), url)
    login_as(w.owners[1])
    assert_inert(text(client.get("/notifications/")), "notifications")
