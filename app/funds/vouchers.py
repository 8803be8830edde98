"""Vouchers (invoice and contract scans, receipts, photos) from uploads, with the photo safety
rules: recognised by their first bytes (app.core.uploads.sniff), size-limited, images decoded
and re-encoded without their EXIF data (app.issues.photos), PDFs kept as uploaded. Checked and
prepared in memory first; written to disk only by store(), once the service's checks passed."""
from dataclasses import dataclass

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.uploads import max_bytes, sniff, store
from app.issues import photos as photo_store

MAX_VOUCHERS = 6
FIELD = "vouchers"


@dataclass(frozen=True)
class StoredVoucher:
    kind: str
    path: str
    sha256: str
    thumb_path: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class PreparedVoucher:
    """A checked voucher, not yet on disk: a PDF's bytes, or a cleaned photo."""

    pdf: bytes | None = None
    photo: photo_store.PreparedPhoto | None = None

    def store(self) -> StoredVoucher:
        if self.pdf is not None:
            path, sha = store(self.pdf, "pdf")
            return StoredVoucher("pdf", path, sha, None, None, None)
        stored = self.photo.store()
        return StoredVoucher("image", stored.path, stored.sha256, stored.thumb_path,
                             stored.width, stored.height)


def _refused(message) -> ServiceError:
    return ServiceError(message, field=FIELD)


def prepare_vouchers(files: list[tuple[str, bytes]]) -> list[PreparedVoucher]:
    """(file name, bytes) pairs → prepared vouchers; the first refusal names its file."""
    if len(files) > MAX_VOUCHERS:
        raise _refused(_l("每条账目最多上传 6 份凭证。"))
    limit = max_bytes()
    pdfs: dict[int, bytes] = {}
    images: list[tuple[int, str, photo_store.CheckedUpload]] = []
    for index, (name, data) in enumerate(files):
        prefix = f"{name[:60]}：" if name else ""
        if not data:
            raise _refused(prefix + str(_l("上传的文件是空的，请重新选择。")))
        if len(data) > limit:
            raise ServiceError(prefix + str(_l(
                "文件不能超过 %(mb)s MB。请压缩图片或降低扫描分辨率后重新上传。",
                mb=limit // (1024 * 1024))), field=FIELD, status=413)
        kind = sniff(data)
        if kind == "pdf":
            pdfs[index] = data
            continue
        if kind is None and not data.startswith((b"RIFF", b"GIF8")):
            raise _refused(prefix + str(_l("凭证只能是 PDF、JPEG 或 PNG 文件。")))
        try:
            images.append((index, name, photo_store.check(data)))
        except ServiceError as exc:
            raise _refused(prefix + str(exc.message)) from None
    try:
        photo_store.check_total([checked for _i, _n, checked in images])
        prepared = {index: PreparedVoucher(photo=photo_store.prepare(checked))
                    for index, _name, checked in images}
    except ServiceError as exc:
        raise _refused(exc.message) from None
    prepared.update({index: PreparedVoucher(pdf=data) for index, data in pdfs.items()})
    return [prepared[index] for index in sorted(prepared)]


def read_files(storages) -> list[tuple[str, bytes]]:
    """(name, bytes) of the uploaded files (werkzeug FileStorage), empty inputs skipped; each
    read only up to one byte past the size limit."""
    limit = max_bytes()
    return [(s.filename, s.stream.read(limit + 1)) for s in storages if s and s.filename]
