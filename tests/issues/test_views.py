"""The issue pages through the test client: posting (photos included), anonymity, seconding
with and without htmx, discussion, status buttons, and turning an issue into a proposal."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.uploads import absolute_path
from app.extensions import db
from app.issues import comments, services
from app.issues.models import Issue, IssuePhoto
from app.proposals.models import Proposal
from tests.issues.helpers import IssueWorld, gps_exif, jpeg_bytes


@pytest.fixture
def w(app):
    return IssueWorld()


def base(w):
    return f"/c/{w.compound.id}/issues"


def post_issue(client, w, **extra):
    data = {"title": "车库漏水", "body": "B2 入口", "category": "物业服务", "building": "0",
            "show_as": "name"}
    data.update(extra)
    return client.post(f"{base(w)}/new", data=data, content_type="multipart/form-data")


def test_resident_posts_and_sees_it(client, login_as, w):
    login_as(w.owners[0])
    assert client.get(f"{base(w)}/new").status_code == 200
    response = post_issue(client, w)
    assert response.status_code == 302
    assert db.session.scalar(select(Issue)).author_id == w.owners[0].id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "车库漏水" in page and "B2 入口" in page


def test_photo_input_offers_the_camera_and_gallery(client, login_as, w):
    """accept="image/*": a phone offers its camera and photos, not a file browser."""
    login_as(w.owners[0])
    html = client.get(f"{base(w)}/new").get_data(as_text=True)
    photo_input = html[html.index('<input accept="image/*"'):].split(">")[0]
    assert 'type="file"' in photo_input and 'name="photos"' in photo_input


def test_tenant_may_post_outsider_and_property_may_not(client, login_as, w):
    login_as(w.tenant)
    assert post_issue(client, w).status_code == 302
    login_as(w.outsider)
    assert client.get(f"{base(w)}/new").status_code == 403
    assert post_issue(client, w).status_code == 403
    login_as(w.property)
    assert client.get(f"{base(w)}/new").status_code == 403


def test_failed_submit_keeps_the_text_and_stores_no_photo(app, client, login_as, w):
    login_as(w.owners[0])
    response = post_issue(client, w, title="", body="我写了很多字",
                          photos=[(io.BytesIO(jpeg_bytes()), "a.jpg")])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "我写了很多字" in page and "请填写标题" in page
    assert "照片还没有保存，请改正后重新选择照片" in page
    assert not [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]
    assert post_issue(client, w, photos=[(io.BytesIO(jpeg_bytes()), "a.jpg")]).status_code == 302
    assert db.session.scalar(select(IssuePhoto)).position == 0


def test_non_image_renamed_jpg_refused(client, login_as, w):
    login_as(w.owners[0])
    response = post_issue(client, w, photos=[(io.BytesIO(b"MZ\x90\x00 not a photo" * 20),
                                              "holiday.jpg")])
    assert response.status_code == 400
    assert "不是可识别的图片" in response.get_data(as_text=True)
    assert db.session.scalar(select(Issue)) is None


def test_oversized_photo_refused(app, client, login_as, w):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    login_as(w.owners[0])
    response = post_issue(client, w, photos=[(io.BytesIO(jpeg_bytes((400, 400))), "big.jpg")])
    assert response.status_code == 400 and "不能超过" in response.get_data(as_text=True)


def test_exif_gps_removed_resized_thumbnail_cached(client, login_as, w):
    original = jpeg_bytes((2400, 1200), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture has GPS
    login_as(w.owners[0])
    assert post_issue(client, w, photos=[(io.BytesIO(original), "p.jpg")]).status_code == 302
    photo = db.session.scalar(select(IssuePhoto))
    stored = Image.open(absolute_path(photo.path))
    assert not stored.getexif() and "exif" not in stored.info
    assert max(stored.size) == 1600 and (photo.width, photo.height) == stored.size
    assert max(Image.open(absolute_path(photo.thumb_path)).size) == 320
    issue = db.session.scalar(select(Issue))
    url = f"{base(w)}/{issue.id}/photos/{photo.id}"
    for path in (url, url + "/thumb"):
        response = client.get(path)
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
        assert b"GPS" not in response.data
    login_as(w.outsider)
    assert client.get(url).status_code == 403


def test_anonymity(client, login_as, w):
    issue = w.issue(w.owners[0], show_as="anonymous")
    page_of = f"{base(w)}/{issue.id}"
    for viewer in (w.owners[1], w.tenant, w.property):
        login_as(viewer)
        for url in (page_of, base(w) + "/"):
            text = client.get(url).get_data(as_text=True)
            assert "某业主 (3栋)" in text and w.owners[0].display_name not in text
    for viewer in (w.staff, w.party, w.owners[0]):
        login_as(viewer)
        for url in (page_of, base(w) + "/"):
            assert w.owners[0].display_name in client.get(url).get_data(as_text=True)


def test_second_htmx_and_plain(client, login_as, w):
    issue = w.issue(w.owners[0])
    url = f"{base(w)}/{issue.id}/second"
    login_as(w.owners[1])
    response = client.post(url, headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 户附议" in text and "<html" not in text
    login_as(w.household_member(1))
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "每户只能附议一次" in response.get_data(as_text=True)
    login_as(w.owners[2])
    response = client.post(url)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 户附议" in page and "附议成功" in page


def test_comments_official_pinned_and_edited_marker(client, login_as, w):
    issue = w.issue()
    url = f"{base(w)}/{issue.id}"
    login_as(w.owners[1])
    assert client.post(f"{url}/comments", data={"body": "邻居的意见"}).status_code == 302
    assert client.post(f"{url}/comments", data={"body": "x", "official": "y"}).status_code == 403
    login_as(w.property)
    assert client.post(f"{url}/comments", data={"body": "物业明天处理",
                                                "official": "y"}).status_code == 302
    text = client.get(url).get_data(as_text=True)
    assert text.index("官方回复") < text.index("邻居的意见")
    assert text.index("物业明天处理") < text.index("邻居的意见")
    assert '<span class="badge">物业</span>' in text
    first = db.session.scalar(select(comments.Comment).where(
        comments.Comment.author_id == w.owners[1].id))
    login_as(w.owners[1])
    edit = f"{url}/comments/{first.id}/edit"
    assert "邻居的意见" in client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={"body": "改过的意见"}).status_code == 302
    text = client.get(url).get_data(as_text=True)
    assert "改过的意见" in text and "已编辑" in text
    assert client.get(f"{url}/comments/{first.id}/revisions").status_code == 403
    login_as(w.party)
    assert "邻居的意见" in client.get(f"{url}/comments/{first.id}/revisions").get_data(
        as_text=True)
    login_as(w.owners[2])
    assert client.post(edit, data={"body": "别人改"}).status_code == 403


def test_empty_comment_rerenders_with_error(client, login_as, w):
    issue = w.issue()
    login_as(w.owners[1])
    response = client.post(f"{base(w)}/{issue.id}/comments", data={"body": ""})
    assert response.status_code == 400 and "请填写评论内容" in response.get_data(as_text=True)


def test_hidden_comment_shows_reason_only(client, login_as, w):
    issue = w.issue()
    c = comments.post_comment(w.owners[1], issue, "骂人的话")
    c.is_hidden, c.hidden_reason = True, "人身攻击"
    db.session.commit()
    login_as(w.owners[2])
    text = client.get(f"{base(w)}/{issue.id}").get_data(as_text=True)
    assert "已被党支部隐藏：人身攻击" in text and "骂人的话" not in text


def test_status_buttons(client, login_as, w):
    issue = w.issue(w.owners[0])
    url = f"{base(w)}/{issue.id}"
    login_as(w.owners[1])
    assert 'id="actions"' not in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/act/acknowledge", data={})
    assert response.status_code == 403
    assert db.session.get(Issue, issue.id).status == "open"
    login_as(w.property)
    client.post(f"{url}/act/acknowledge", data={"note": "收到"})
    client.post(f"{url}/act/answer", data={"note": "已修好"})
    login_as(w.owners[0])
    assert "您对处理结果的评价" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/act/confirm", data={"rating": "satisfied"})
    db.session.expire_all()
    issue = db.session.get(Issue, issue.id)
    assert issue.status == "resolved" and issue.rating == "satisfied"
    text = client.get(url).get_data(as_text=True)
    assert "发起人评价：满意" in text and "已修好" in text


def test_list_filters(client, login_as, w):
    w.issue(title="垃圾桶满了", category="环境卫生")
    w.issue(title="车位被占", category="停车交通")
    login_as(w.owners[1])
    text = client.get(base(w) + "/?category=环境卫生").get_data(as_text=True)
    assert "垃圾桶满了" in text and "车位被占" not in text
    text = client.get(base(w) + "/?status=closed").get_data(as_text=True)
    assert "垃圾桶满了" not in text


def test_issue_becomes_proposal(client, login_as, w):
    issue = w.issue(title="加装电梯", body="老人上下楼难")
    services.put_on_agenda(w.party, issue)
    db.session.commit()
    login_as(w.party)
    page = client.get(f"{base(w)}/{issue.id}").get_data(as_text=True)
    new_url = f"/c/{w.compound.id}/proposals/new?origin_issue_id={issue.id}"
    assert "origin_issue_id" in page
    form = client.get(new_url).get_data(as_text=True)
    assert "加装电梯" in form and "老人上下楼难" in form
    response = client.post(new_url, data={"title": "加装电梯", "body": "x", "kind": "council",
                                          "matter": "0", "council_body": "council",
                                          "ballot_type": "simple"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    proposal = db.session.scalar(select(Proposal))
    assert proposal.origin == "issue" and proposal.origin_issue_id == issue.id
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).status == "proposal"
    assert "加装电梯" in client.get(f"{base(w)}/{issue.id}").get_data(as_text=True)
    # Not on the agenda any more: it can't become a second proposal.
    assert client.get(new_url).status_code == 409


def test_follow_toggle(client, login_as, w):
    issue = w.issue()
    login_as(w.owners[2])
    client.post(f"{base(w)}/{issue.id}/follow")
    assert "取消关注" in client.get(f"{base(w)}/{issue.id}").get_data(as_text=True)
