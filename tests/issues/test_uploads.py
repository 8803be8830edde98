"""Photos can't fill the disk or the memory: a refused issue stores nothing, a picture is
weighed by its header before it is decoded (each and all of one request together), and an
account can raise only so many issues in a while."""
import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.issues.models import Issue, IssuePhoto
from app.moderation import mutes
from tests.issues.helpers import IssueWorld, jpeg_bytes


@pytest.fixture
def w(app):
    return IssueWorld()


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def post_issue(client, w, photos, **extra):
    data = {"title": "车库漏水", "body": "B2 入口", "category": "物业服务", "building": "0",
            "show_as": "name", "photos": [(io.BytesIO(b), name) for b, name in photos]}
    data.update(extra)
    return client.post(f"/c/{w.compound.id}/issues/new", data=data,
                       content_type="multipart/form-data")


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header claiming width x height pixels, with almost no pixel data: a few
    hundred bytes that would cost gigabytes if decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def nothing_happened(app) -> bool:
    return (not stored_files(app) and db.session.scalar(select(func.count(Issue.id))) == 0
            and db.session.scalar(select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "issue.create")) == 0)


def test_refused_forms_store_no_photo(app, client, login_as, w):
    photo = [(jpeg_bytes(), "a.jpg")]
    login_as(w.owners[0])
    assert post_issue(client, w, photo, title="").status_code == 400  # the form
    assert not stored_files(app)
    assert post_issue(client, w, photo, category="不存在").status_code == 400
    login_as(w.grid)  # the service: a resident nobody knows
    assert post_issue(client, w, photo, on_behalf_mobile="13900000000").status_code == 400
    mutes.mute(w.party, w.compound, w.owners[1], 3, "刷屏")
    db.session.commit()
    login_as(w.owners[1])  # the service: muted
    response = post_issue(client, w, photo)
    assert response.status_code == 403
    assert "照片还没有保存" in response.get_data(as_text=True)
    assert nothing_happened(app)


def test_header_claiming_too_many_pixels_is_refused_before_decoding(app, client, login_as, w):
    login_as(w.owners[0])
    # Past twice, past once Pillow's own limit, and past ours only.
    for width, height in ((30000, 30000), (15000, 15000), (6000, 6000)):
        started = time.monotonic()
        response = post_issue(client, w, [(png_claiming(width, height), "huge.png")])
        assert time.monotonic() - started < 2
        assert response.status_code == 400, (width, height)
        text = response.get_data(as_text=True)
        assert "huge.png：照片像素太多：每张不能超过 2500 万像素" in text, (width, height)
    assert nothing_happened(app)


@pytest.mark.parametrize("app_overrides", [{"PHOTO_MAX_PIXELS": 40 * 40}])
def test_per_photo_cap_comes_from_config(app, client, login_as, w):
    login_as(w.owners[0])
    assert post_issue(client, w, [(jpeg_bytes((40, 40)), "ok.jpg")]).status_code == 302
    response = post_issue(client, w, [(jpeg_bytes((40, 41)), "big.jpg")])
    assert response.status_code == 400 and "照片像素太多" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Issue.id))) == 1


@pytest.mark.parametrize("app_overrides", [{"PHOTO_MAX_TOTAL_PIXELS": 3 * 40 * 40}])
def test_pixels_of_one_request_are_capped_together(app, client, login_as, w):
    login_as(w.owners[0])
    four = [(jpeg_bytes((40, 40)), f"{i}.jpg") for i in range(4)]
    response = post_issue(client, w, four)
    assert response.status_code == 400
    assert "合计像素太多" in response.get_data(as_text=True)
    assert nothing_happened(app)
    assert post_issue(client, w, four[:3]).status_code == 302
    assert db.session.scalar(select(func.count(IssuePhoto.id))) == 3


@pytest.mark.parametrize("app_overrides", [{"PHOTO_MAX_PIXELS": 4_000_000}])
def test_a_large_jpeg_is_decoded_at_the_scale_it_is_stored_at(app, client, login_as, w):
    """12 MP from the camera, decoded as 3 MP (its decoder skips detail the 1600 px copy
    doesn't keep), so it passes a 4 MP cap; a 12 MP PNG does not."""
    login_as(w.owners[0])
    assert post_issue(client, w, [(jpeg_bytes((4000, 3000)), "phone.jpg")]).status_code == 302
    assert db.session.scalar(select(IssuePhoto.width)) == 1600
    png = io.BytesIO()
    Image.new("L", (4000, 3000)).save(png, "PNG")
    response = post_issue(client, w, [(png.getvalue(), "shot.png")])
    assert response.status_code == 400 and "照片像素太多" in response.get_data(as_text=True)


def test_too_many_photos_refused_before_any_is_read(app, client, login_as, w):
    login_as(w.owners[0])
    response = post_issue(client, w, [(jpeg_bytes(), f"{i}.jpg") for i in range(7)])
    assert response.status_code == 400 and "最多上传 6 张照片" in response.get_data(as_text=True)
    assert nothing_happened(app)


class TestPostingRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "ISSUE_POST_LIMIT": "3 per 10 minutes"}

    def test_raising_issues_is_limited_per_account_refusals_included(self, client, login_as, w):
        login_as(w.owners[0])
        statuses = [post_issue(client, w, [], title=title).status_code
                    for title in ("一", "", "三", "四")]
        assert statuses == [302, 400, 302, 429]
        assert db.session.scalar(select(func.count(Issue.id))) == 2
        assert client.get(f"/c/{w.compound.id}/issues/new").status_code == 200  # reading is fine
        login_as(w.owners[1])
        assert post_issue(client, w, []).status_code == 302
