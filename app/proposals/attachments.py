"""Attachments of a proposal (附件): documents the proposers add while the proposal is still a
draft (or returned to them), PDF, JPEG or PNG only, recognised by their first bytes. After that
they are part of what was consulted on and voted, so they no longer change. Removing one hides
it and keeps the row. Services flush, never commit."""
import re
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.compounds.access import has_role, primary_role
from app.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import utcnow
from app.core.uploads import MIME_TYPES, max_bytes, sniff, store
from app.extensions import db
from app.proposals.lifecycle import PROPOSERS, proposal_compound
from app.proposals.models import Proposal, ProposalAttachment
from app.proposals.services import EDITABLE  # draft or returned: before anyone was consulted

MAX_ATTACHMENTS = 10
FILENAME_MAX = 120
# Characters that mean something to a file system or a header; shown as "_".
UNSAFE = re.compile(r'[\\/:*?"<>|;]')
EXTENSIONS = {"pdf": (".pdf",), "jpg": (".jpg", ".jpeg"), "png": (".png",)}


def display_name(original: str, ext: str) -> str:
    """The name people see and download under: the last path component of what the browser
    sent, without control or path characters, ending in the extension of the real type, and
    at most 120 characters (the extension kept)."""
    name = re.split(r"[\\/]", original or "")[-1]
    name = UNSAFE.sub("_", clean_text(name).replace("\n", " "))
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not (dot and f".{suffix.lower()}" in EXTENSIONS[ext]):
        stem, suffix = name, ext
    stem = stem.strip(" .") or str(_l("未命名附件"))
    return stem[:FILENAME_MAX - len(suffix) - 1].rstrip(" .") + "." + suffix


def _check_writer(actor, proposal: Proposal, refusal):
    compound = proposal_compound(proposal)
    if not has_role(actor, compound, *PROPOSERS):
        raise PermissionDenied(_l("只有党支部、议事会或业委会可以修改议案的附件。"))
    if proposal.state not in EDITABLE:
        raise ServiceError(refusal, status=409)
    return compound


def add(actor, proposal: Proposal, data: bytes, filename: str,
        now: datetime | None = None) -> ProposalAttachment:
    """Attach a document to a draft or returned proposal (at most ten). Its type is read from
    its first bytes, never from its name; the file is written only once every check passed."""
    compound = _check_writer(actor, proposal, _l("议案已进入流程，不能再添加附件。"))
    limit = max_bytes()
    if not data:
        raise ServiceError(_l("上传的文件是空的，请重新选择。"), field="file")
    if len(data) > limit:
        raise ServiceError(_l("文件不能超过 %(mb)s MB。请压缩图片或降低扫描分辨率后重新上传。",
                              mb=limit // (1024 * 1024)), field="file", status=413)
    ext = sniff(data)
    if ext is None:
        raise ServiceError(_l("只能上传 PDF、JPEG 或 PNG 文件。"), field="file")
    full = Conflict(_l("每个议案最多 %(n)s 个附件，请先删除不需要的附件。", n=MAX_ATTACHMENTS),
                    field="file")
    for attempt in (1, 2):
        used = set(db.session.scalars(select(ProposalAttachment.position).where(
            ProposalAttachment.proposal_id == proposal.id,
            ProposalAttachment.removed_at.is_(None))))
        free = [n for n in range(1, MAX_ATTACHMENTS + 1) if n not in used]
        if not free:
            raise full
        attachment = ProposalAttachment(
            proposal_id=proposal.id, position=free[0], filename=display_name(filename, ext),
            stored_path="", sha256="", size=len(data), content_type=MIME_TYPES[ext],
            uploaded_by_id=actor.id, created_at=now or utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(attachment)
                db.session.flush()
            break
        except IntegrityError:
            # Someone attached a file to the same place meanwhile: look again once.
            if attempt == 2:
                raise Conflict(_l("同时有其他附件在上传，请稍后重试。"), field="file") from None
    attachment.stored_path, attachment.sha256 = store(data, ext)
    record(actor, compound, "proposal.attachment_add", attachment,
           {"proposal": proposal.id, "filename": attachment.filename,
            "sha256": attachment.sha256, "size": attachment.size,
            "position": attachment.position},
           actor_role=primary_role(actor, compound))
    return attachment


def remove(actor, proposal: Proposal, attachment: ProposalAttachment,
           now: datetime | None = None) -> ProposalAttachment:
    """Take an attachment off a draft or returned proposal: hidden, the row and file kept."""
    if attachment.proposal_id != proposal.id or attachment.removed_at is not None:
        raise NotFound(_l("没有找到这个附件，可能已经删除。"))
    compound = _check_writer(actor, proposal, _l("议案已进入流程，附件不能再删除。"))
    attachment.removed_at = now or utcnow()
    record(actor, compound, "proposal.attachment_remove", attachment,
           {"proposal": proposal.id, "filename": attachment.filename,
            "sha256": attachment.sha256},
           actor_role=primary_role(actor, compound))
    return attachment


_LISTED = select(ProposalAttachment).where(
    ProposalAttachment.proposal_id == bindparam("proposal_id"),
    ProposalAttachment.removed_at.is_(None)).order_by(ProposalAttachment.position)


def listed(proposal: Proposal) -> list[ProposalAttachment]:
    """The attachments people see, in list order (one query, built once)."""
    return list(db.session.scalars(_LISTED, {"proposal_id": proposal.id}))


def find(proposal: Proposal, attachment_id: int) -> ProposalAttachment | None:
    """An attachment of this proposal that has not been removed."""
    return db.session.scalar(select(ProposalAttachment).where(
        ProposalAttachment.id == attachment_id,
        ProposalAttachment.proposal_id == proposal.id,
        ProposalAttachment.removed_at.is_(None)))


def human_size(size: int) -> str:
    """1.2 MB, 350 KB, 900 B."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size} B"
