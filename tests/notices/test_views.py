"""Notice pages over HTTP: publishing, reading as a resident (read counted per household),
the read rate for publishers, corrections and withdrawal, the print view, the compound home
page's "running now" block and its fixed query count."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.time import utcnow
from app.extensions import db
from app.notices import services
from app.notices.models import Notice, NoticeAck, NoticeRead
from tests.conftest import count_queries
from tests.notices.helpers import NoticeWorld


@pytest.fixture
def w(app):
    return NoticeWorld()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _base(w) -> str:
    return f"/c/{w.compound.id}/notices"


def test_publish_through_the_form_and_read_as_residents(client, login_as, w):
    login_as(w.committee)
    response = client.post(_base(w) + "/new", data={
        "kind": "accounts", "title": "三季度收支公示",
        "body": "| 项目 | 金额 |\n|---|---|\n| 广告 | 100 |",
        "proposal": "0", "starts_at": "", "ends_at": "", "action": "publish"})
    assert response.status_code == 302
    notice = db.session.scalars(select(Notice)).one()
    assert notice.status == "published"
    url = f"{_base(w)}/{notice.id}"
    for person in (w.owners[0], w.family, w.owners[1]):
        login_as(person)
        page = client.get(url).get_data(as_text=True)
        assert "三季度收支公示" in page and "<table>" in page
        assert "阅读率" not in page  # the read rate is for publishers
    assert _count(NoticeRead) == 2  # owner 0 and family are one household
    login_as(w.staff)
    page = client.get(url).get_data(as_text=True)
    assert "已读 2 户" in page and "阅读率" in page
    assert _count(NoticeRead) == 2  # staff opening it is no household's read


def test_draft_is_only_for_publishers(client, login_as, w):
    draft = w.draft(title="草稿里的通知")
    login_as(w.owners[0])
    assert client.get(f"{_base(w)}/{draft.id}").status_code == 404
    assert client.get(f"{_base(w)}/{draft.id}/print").status_code == 404
    assert "草稿里的通知" not in client.get(_base(w) + "/").get_data(as_text=True)
    assert client.get(_base(w) + "/new").status_code == 403
    login_as(w.party)
    assert "草稿里的通知" in client.get(_base(w) + "/").get_data(as_text=True)
    response = client.post(f"{_base(w)}/{draft.id}/publish")
    assert response.status_code == 302
    db.session.expire_all()
    assert draft.status == "published"


def test_form_errors_keep_what_was_typed(client, login_as, w):
    login_as(w.staff)
    past = (utcnow() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(_base(w) + "/new", data={
        "kind": "general", "title": "我输入的标题", "body": "我输入的内容", "proposal": "0",
        "starts_at": past, "ends_at": "", "action": "publish"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "我输入的标题" in page and "我输入的内容" in page and "不能早于现在" in page
    assert _count(Notice) == 0


def test_save_draft_then_edit_then_publish(client, login_as, w):
    login_as(w.staff)
    data = {"kind": "general", "title": "草稿", "body": "内容", "proposal": "0",
            "starts_at": "", "ends_at": "", "action": "draft"}
    assert client.post(_base(w) + "/new", data=data).status_code == 302
    notice = db.session.scalars(select(Notice)).one()
    assert notice.status == "draft"
    assert "草稿" in client.get(f"{_base(w)}/{notice.id}/edit").get_data(as_text=True)
    data.update(title="定稿", action="publish")
    assert client.post(f"{_base(w)}/{notice.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (notice.title, notice.status) == ("定稿", "published")
    # After publication the edit page sends you to the correction form.
    response = client.get(f"{_base(w)}/{notice.id}/edit")
    assert response.status_code == 302 and response.location.endswith("/correct")


def test_correction_keeps_the_earlier_text_visible(client, login_as, w):
    notice = w.published(body="旧的内容")
    login_as(w.staff)
    url = f"{_base(w)}/{notice.id}/correct"
    response = client.post(url, data={"title": notice.title, "body": "新的内容", "reason": ""})
    assert response.status_code == 400 and "新的内容" in response.get_data(as_text=True)
    db.session.expire_all()
    assert notice.revision_count == 1
    response = client.post(url, data={"title": notice.title, "body": "新的内容",
                                      "reason": "写错了"})
    assert response.status_code == 302
    login_as(w.owners[2])
    page = client.get(f"{_base(w)}/{notice.id}").get_data(as_text=True)
    assert "新的内容" in page and "旧的内容" in page and "写错了" in page and "已更正 1 次" in page


def test_withdraw_shows_the_reason(client, login_as, w):
    notice = w.published()
    login_as(w.committee)
    url = f"{_base(w)}/{notice.id}/withdraw"
    assert client.post(url, data={"reason": ""}).status_code == 400
    db.session.expire_all()
    assert notice.status == "published"
    assert client.post(url, data={"reason": "日期有变"}).status_code == 302
    login_as(w.owners[0])
    page = client.get(_base(w) + "/").get_data(as_text=True)
    assert "已撤回" in page and "日期有变" in page


def test_residents_cannot_manage(client, login_as, w):
    notice = w.published()
    login_as(w.owners[0])
    before = _count(AuditEntry)
    for url, data in ((f"/{notice.id}/withdraw", {"reason": "x"}),
                      (f"/{notice.id}/correct", {"title": "x", "body": "y", "reason": "z"}),
                      (f"/{notice.id}/publish", {}), (f"/{notice.id}/edit", {})):
        assert client.post(_base(w) + url, data=data).status_code == 403, url
    db.session.expire_all()
    assert notice.status == "published" and notice.revision_count == 1
    assert _count(AuditEntry) == before


def test_acknowledge_with_htmx_and_without(client, login_as, w):
    notice = w.published()
    url = f"{_base(w)}/{notice.id}/acknowledge"
    login_as(w.owners[0])
    response = client.post(url, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 户已确认知晓" in body and "<html" not in body
    login_as(w.family)
    response = client.post(url)
    assert response.status_code == 302
    assert "已经确认知晓" in client.get(response.location).get_data(as_text=True)
    login_as(w.staff)
    assert client.post(url).status_code == 403
    assert _count(NoticeAck) == 1


def test_print_view_has_a_qr_code_to_its_check_page(client, login_as, w):
    notice = w.published(title="张贴的公告")
    login_as(w.owners[0])
    page = client.get(f"{_base(w)}/{notice.id}/print").get_data(as_text=True)
    assert "张贴的公告" in page and 'src="data:image/svg+xml' in page
    # The QR code opens the notice's login-free check page (tests/board).
    assert f"http://localhost/v/notice/{notice.id}/1/" in page
    assert "print-notice" in page
    assert _count(NoticeRead) == 0  # printing is not reading


def test_list_pins_running_notices_above_scheduled_and_archived(client, login_as, w):
    later = utcnow() + timedelta(days=2)
    w.published(title="下周的通知", starts_at=later, ends_at=later + timedelta(days=1))
    w.published(title="正在公示的通知")
    old = w.published(title="已过期的通知")
    old.ends_at = utcnow() - timedelta(minutes=1)
    old.starts_at = utcnow() - timedelta(days=3)
    db.session.commit()
    login_as(w.owners[0])
    page = client.get(_base(w) + "/").get_data(as_text=True)
    assert page.index("正在公示的通知") < page.index("下周的通知") < page.index("已过期的通知")
    assert "置顶" in page


def _overview(client):
    client.get(f"/c/{client.compound_id}/")  # warm-up: first-request work is not measured
    with count_queries() as q:
        response = client.get(f"/c/{client.compound_id}/")
    assert response.status_code == 200
    return q.count, response.get_data(as_text=True)


def test_overview_shows_running_notices_in_a_fixed_number_of_queries(client, login_as, w):
    login_as(w.owners[0])
    client.compound_id = w.compound.id
    few, page = _overview(client)
    assert "正在公示" in page and "目前没有正在公示的公告" in page
    first = w.published(title="第一条公告")
    for i in range(8):
        w.published(title=f"公告{i}")
    services.withdraw(w.staff, w.published(title="撤回的公告"), "错了")
    db.session.commit()
    client.get(f"/c/{w.compound.id}/notices/{first.id}")
    many, page = _overview(client)
    assert many == few, (few, many)
    assert "公告7" in page and "撤回的公告" not in page
    assert page.index("正在公示") < page.index("我在本小区")
