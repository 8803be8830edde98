"""Attachments of a proposal: uploaded by the proposers while it is a draft, refused by type,
size and stage, downloaded by members with safe headers, removed without deleting the row."""
import hashlib
import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.errors import ServiceError
from app.extensions import db
from app.proposals import attachments, services
from app.proposals.models import ProposalAttachment
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import World, summarise
from tests.proposals.web import open_now, url

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
LIMIT = 1024 * 1024
NAME = "3栋电梯报价单.pdf"


@pytest.fixture
def app_overrides():
    return {"UPLOAD_MAX_BYTES": LIMIT}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _upload(client, proposal, data=PDF, name=NAME):
    return client.post(url(proposal, "attachments"), content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name)})


def _draft(w):
    proposal = services.create(w.party, w.compound, title="加装电梯", body="理由", kind="owners",
                               matter=7)
    db.session.commit()
    return proposal


def _rows():
    return db.session.scalars(select(ProposalAttachment).order_by(ProposalAttachment.id)).all()


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("proposal.attachment%")).order_by(AuditEntry.seq)))


def test_proposers_upload_a_pdf_and_members_see_it_listed(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    login_as(w.party)
    page = _text(client.get(url(p, "edit")))
    assert "上传附件" in page and 'enctype="multipart/form-data"' in page
    response = _upload(client, p)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(p, "edit") + "#attachments")
    [row] = _rows()
    sha = hashlib.sha256(PDF).hexdigest()
    assert (row.filename, row.size, row.sha256, row.content_type, row.position,
            row.uploaded_by_id, row.removed_at) == (NAME, len(PDF), sha, "application/pdf", 1,
                                                    w.party.id, None)
    assert (Path(app.config["UPLOAD_DIR"]) / row.stored_path).read_bytes() == PDF
    assert NAME in _text(client.get(url(p, "edit")))  # flashed, and in the edit list
    show = _text(client.get(url(p)))
    assert NAME in show and f"{len(PDF)} B" in show
    assert url(p, f"attachments/{row.id}") in show
    assert _audit_actions() == ["proposal.attachment_add"]
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "proposal.attachment_add"))
    assert entry.object_id == row.id and entry.data["sha256"] == sha
    assert verify().ok
    # Members read it once the proposal goes out for consultation.
    services.transition(w.party, p, "open_consultation")
    db.session.commit()
    login_as(w.owners[0])
    show = _text(client.get(url(p)))
    assert NAME in show and "上传附件" not in show


def test_a_file_renamed_to_pdf_is_refused_and_nothing_is_written(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    login_as(w.party)
    response = _upload(client, p, data=GIF, name="照片.pdf")
    assert response.status_code == 400
    assert "只能上传 PDF、JPEG 或 PNG 文件。" in _text(response)
    assert 'aria-invalid="true"' in _text(response)  # next to the file field
    assert _rows() == [] and _stored_files(app) == [] and _audit_actions() == []
    response = _upload(client, p, data=b"", name="空.pdf")
    assert response.status_code == 400 and "是空的" in _text(response)
    assert _rows() == [] and _stored_files(app) == []


def test_a_file_over_the_size_limit_is_refused(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    login_as(w.party)
    response = _upload(client, p, data=PDF + b"0" * LIMIT, name="扫描件.pdf")
    assert response.status_code == 413
    assert "文件不能超过 1 MB" in _text(response)
    assert _rows() == [] and _stored_files(app) == []
    with pytest.raises(ServiceError) as refused:  # the service checks again on its own
        attachments.add(w.party, p, PDF + b"0" * LIMIT, "扫描件.pdf")
    assert refused.value.status == 413
    assert _upload(client, p, data=PDF + b"0" * (LIMIT - len(PDF))).status_code == 302


def test_attachments_are_frozen_once_the_proposal_moves_on(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    login_as(w.party)
    assert _upload(client, p).status_code == 302
    [row] = _rows()
    services.transition(w.party, p, "open_consultation")
    db.session.commit()
    response = _upload(client, p, data=PNG, name="平面图.png")
    assert response.status_code == 409 and "不能再添加附件" in _text(response)
    response = client.post(url(p, f"attachments/{row.id}/remove"))
    assert response.status_code == 409 and "不能再删除" in _text(response)
    db.session.expire_all()
    assert len(_rows()) == 1 and _rows()[0].removed_at is None
    assert _audit_actions() == ["proposal.attachment_add"]
    # Returned to the proposers with a reason: editable again.
    services.transition(w.party, p, "return", "补充报价")
    db.session.commit()
    assert _upload(client, p, data=PNG, name="平面图.png").status_code == 302
    assert [r.filename for r in _rows()] == [NAME, "平面图.png"]


def test_only_proposers_upload_and_remove(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    attachments.add(w.party, p, PDF, NAME)
    services.transition(w.party, p, "open_consultation")
    services.transition(w.party, p, "return", "补充")
    db.session.commit()
    [row] = _rows()
    login_as(w.owners[0])
    assert _upload(client, p).status_code == 403
    assert client.post(url(p, f"attachments/{row.id}/remove")).status_code == 403
    with pytest.raises(ServiceError) as refused:
        attachments.add(w.owners[0], p, PDF, NAME)
    assert refused.value.status == 403
    assert len(_rows()) == 1


def test_a_member_downloads_with_safe_headers(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    row = attachments.add(w.party, p, PDF, NAME)
    services.transition(w.party, p, "open_consultation")
    db.session.commit()
    login_as(w.owners[0])
    response = client.get(url(p, f"attachments/{row.id}"))
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(NAME)}" in disposition  # RFC 5987
    assert client.get(url(p, "attachments/999")).status_code == 404


def test_a_draft_attachment_is_only_for_those_who_may_read_the_draft(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    row = attachments.add(w.party, p, PNG, "平面图.png")
    db.session.commit()
    login_as(w.owners[0])
    assert client.get(url(p, f"attachments/{row.id}")).status_code == 403
    login_as(w.staff)
    response = client.get(url(p, f"attachments/{row.id}"))
    assert response.status_code == 200 and response.mimetype == "image/png"


def test_a_member_of_another_compound_gets_403(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    row = attachments.add(w.party, p, PDF, NAME)
    services.transition(w.party, p, "open_consultation")
    services.transition(w.party, p, "return", "补充")
    db.session.commit()
    other = make_compound("别的小区")
    outsider = make_user(name="外人")
    make_resident(outsider, make_unit(other, room="101"))
    from tests.factories import grant
    grant(outsider, other, "party_cell")  # a proposer, but of another compound
    db.session.commit()
    login_as(outsider)
    response = client.get(url(p, f"attachments/{row.id}"))
    assert response.status_code == 403 and PDF not in response.data
    assert _upload(client, p).status_code == 403
    assert client.post(url(p, f"attachments/{row.id}/remove")).status_code == 403
    db.session.expire_all()
    assert len(_rows()) == 1 and _rows()[0].removed_at is None


def test_removal_hides_the_attachment_and_keeps_the_row(app, client, login_as):
    w = World(n_owners=1)
    p = _draft(w)
    login_as(w.party)
    assert _upload(client, p).status_code == 302
    assert _upload(client, p, data=PNG, name="平面图.png").status_code == 302
    first, second = _rows()
    response = client.post(url(p, f"attachments/{first.id}/remove"))
    assert response.status_code == 302
    db.session.expire_all()
    assert first.removed_at is not None  # the row stays, only hidden
    assert db.session.scalar(select(func.count(ProposalAttachment.id))) == 2
    assert f"附件“{NAME}”已删除" in _text(client.get(url(p, "edit")))  # shows the flashes
    for page in (client.get(url(p)), client.get(url(p, "edit"))):
        assert NAME not in _text(page) and "平面图.png" in _text(page)
    assert client.get(url(p, f"attachments/{first.id}")).status_code == 404
    assert client.post(url(p, f"attachments/{first.id}/remove")).status_code == 404
    # Its place in the list is free again.
    assert _upload(client, p, data=PDF + b"v2", name="报价单（修订）.pdf").status_code == 302
    assert [(r.position, r.removed_at is None) for r in _rows()] == [
        (1, False), (2, True), (1, True)]
    assert _audit_actions() == ["proposal.attachment_add", "proposal.attachment_add",
                                "proposal.attachment_remove", "proposal.attachment_add"]
    assert verify().ok


def test_at_most_ten_attachments(app):
    w = World(n_owners=1)
    p = _draft(w)
    for i in range(attachments.MAX_ATTACHMENTS):
        attachments.add(w.party, p, PDF + str(i).encode(), f"附件{i}.pdf")
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        attachments.add(w.party, p, PNG, "多一个.png")
    assert refused.value.status == 409 and "最多 10 个" in str(refused.value.message)
    db.session.rollback()
    assert len(_rows()) == 10
    attachments.remove(w.party, p, _rows()[3])
    assert attachments.add(w.party, p, PNG, "多一个.png").position == 4
    db.session.commit()
    assert verify().ok


@pytest.mark.parametrize(("sent", "kind", "shown"), [
    ("C:\\Users\\张三\\报价单.PDF", "pdf", "报价单.PDF"),
    ("../../etc/passwd", "pdf", "passwd.pdf"),
    ("照片.png", "jpg", "照片.png.jpg"),  # the name follows the real type
    ("scan.jpeg", "jpg", "scan.jpeg"),
    ('a"b;c\r\n.pdf', "pdf", "a_b_c.pdf"),
    ("", "png", "未命名附件.png"),
    ("...", "pdf", "未命名附件.pdf"),
    ("长" * 200 + ".pdf", "pdf", "长" * 116 + ".pdf"),
])
def test_display_names_are_sanitised(app, sent, kind, shown):
    assert attachments.display_name(sent, kind) == shown
    assert len(attachments.display_name(sent, kind)) <= 120


def test_the_printable_result_lists_the_attachments(app, client, login_as):
    w = World(n_owners=2)
    p = _draft(w)
    attachments.add(w.party, p, PDF, NAME)
    for name in ("open_consultation", "submit_review", "approve_review"):
        if name == "submit_review":
            summarise(w.party, p)
        services.transition(w.party, p, name)
    db.session.commit()
    open_now(w, p, closes_in=-timedelta(seconds=1))  # the next visitor closes the vote
    login_as(w.owners[0])
    page = client.get(url(p, "print"))
    assert page.status_code == 200
    assert NAME in _text(page) and "附件" in _text(page)


@pytest.mark.e2e
def test_upload_and_remove_in_the_browser_at_360px(live_server, browser):
    """With CSRF on, through the real forms; the pages stay axe-clean and narrow with a long
    Chinese file name."""
    from tests.e2e.fixtures import PHONE
    from tests.e2e.harness import (
        assert_axe_clean,
        assert_no_horizontal_scroll,
        click_and_wait,
        login_browser,
        screenshot,
    )
    long_name = "3栋加装电梯施工方案及三家供应商报价对比（含维修资金使用测算）第二版.pdf"
    with live_server.app.app_context():
        w = World(n_owners=1)
        p = _draft(w)
        attachments.add(w.party, p, PNG, "电梯井道平面图.png")
        attachments.add(w.party, p, JPEG + b"\x00" * 300_000, "业主意见汇总.jpg")
        db.session.commit()
        party_id, path = w.party.id, url(p)
    ctx = browser.new_context(**PHONE)
    ctx.set_default_timeout(10_000)
    login_browser(ctx, live_server, party_id)
    page = ctx.new_page()
    page.goto(live_server.url + path + "edit")
    page.get_by_label("选择文件（PDF、JPEG 或 PNG）").set_input_files(
        files=[{"name": long_name, "mimeType": "application/pdf", "buffer": PDF}])
    click_and_wait(page, page.get_by_role("button", name="上传附件"))
    assert page.url.endswith("edit#attachments")
    assert page.get_by_text(f"附件“{long_name}”已上传。").is_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "proposals-attachments-edit")
    assert_axe_clean(page)
    click_and_wait(page, page.get_by_role("button", name="删除附件 电梯井道平面图.png"))
    assert page.get_by_text("附件“电梯井道平面图.png”已删除。").is_visible()
    page.goto(live_server.url + path)
    assert page.get_by_role("link", name=long_name).is_visible()
    assert page.get_by_text("电梯井道平面图.png").count() == 0
    assert page.get_by_text("JPEG · 293 KB").is_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "proposals-attachments-show")
    assert_axe_clean(page)
    ctx.close()
