"""Uploaded documents (ballot scans, written authorisations): recognised by their first bytes,
never by their name or the browser's word; size-limited with a clear message; stored once under
UPLOAD_DIR by their SHA-256, so the same file uploaded twice is kept once. Read and check
first (read_document), store only when the request will succeed (store)."""
import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l

SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
MIME_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
TEMP_PREFIX = ".upload-"
# Marks a model column that holds a path under UPLOAD_DIR: mapped_column(..., info=UPLOAD_PATH).
# The orphan cleaner keeps every file such a column names, and removes the rest.
UPLOAD_PATH = {"upload_path": True}


def sniff(data: bytes) -> str | None:
    """'pdf', 'jpg' or 'png' from the file's magic bytes; None for anything else."""
    return next((ext for magic, ext in SIGNATURES if data.startswith(magic)), None)


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_document(storage, field: str | None = None) -> tuple[bytes, str]:
    """Read an uploaded PDF/JPEG/PNG (a werkzeug FileStorage); refuse anything else."""
    limit = max_bytes()
    if storage is None or not getattr(storage, "filename", None):
        raise ServiceError(_l("请选择要上传的文件。"), field=field)
    data = storage.stream.read(limit + 1)
    if not data:
        raise ServiceError(_l("上传的文件是空的，请重新选择。"), field=field)
    if len(data) > limit:
        raise ServiceError(_l("文件不能超过 %(mb)s MB。请压缩图片或降低扫描分辨率后重新上传。",
                              mb=limit // (1024 * 1024)), field=field, status=413)
    ext = sniff(data)
    if ext is None:
        raise ServiceError(_l("只能上传 PDF、JPEG 或 PNG 文件。"), field=field)
    return data, ext


def address(data: bytes, ext: str) -> tuple[str, str]:
    """Where store() puts these bytes, without writing them: (relative path, sha256)."""
    sha = hashlib.sha256(data).hexdigest()
    return f"{sha[:2]}/{sha}.{ext}", sha


def store(data: bytes, ext: str) -> tuple[str, str]:
    """Write the file under UPLOAD_DIR as <sha[:2]>/<sha>.<ext>; return (relative path, sha).
    Call it once the request is otherwise sure to succeed: a file no row comes to reference
    stays on disk until `flask uploads clean-orphans` removes it."""
    relative, sha = address(data, ext)
    path = Path(current_app.config["UPLOAD_DIR"]) / relative
    if path.exists():
        # The same bytes again: the file is in use anew, so the orphan cleaner's grace period
        # starts over and it can't remove the file while this row is being written.
        os.utime(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write aside, then rename: a reader never sees half a file, racing writers agree.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    return relative, sha


def absolute_path(relative: str) -> Path:
    """The stored file for a relative path; refuses anything outside UPLOAD_DIR."""
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError("path outside the upload directory")
    return path
