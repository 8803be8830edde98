"""Issue photos: recognised by decoding them (never by name), size-limited, EXIF (GPS included)
dropped by re-encoding the pixels only, shrunk to 1600 px with a 320 px thumbnail, stored by
SHA-256.

Nothing is written to disk until the request is sure to succeed: check() reads each upload's
header (its dimensions, without decoding the pixels), check_total() weighs the whole request,
prepare() decodes and re-encodes in memory, and the issue service stores the prepared files
only after its own checks passed. Pixels are capped per photo and per request, so a small
file that claims, or holds, a huge picture is refused before it is decoded."""
import io
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.uploads import max_bytes, store

MAX_PHOTOS = 6
MAX_SIDE = 1600
THUMB_SIDE = 320
# The caps (config PHOTO_MAX_PIXELS per photo, PHOTO_MAX_TOTAL_PIXELS per request) count
# decoded pixels: a JPEG is decoded at about the scale it will be stored at (its decoder
# skips detail by 1/2, 1/4 or 1/8), so a 48 MP phone photo costs 3 MP; a PNG costs all it
# claims.

# Pillow refuses to even open a picture whose header claims more than this (2x raises, 1x
# warns, and we turn the warning into a refusal): the largest phone sensors are 200 MP, and
# only a JPEG that large can then pass the decoded cap above.
Image.MAX_IMAGE_PIXELS = 200_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "jpg", "GIF": "png", "MPO": "jpg"}
NOT_AN_IMAGE = _l("这个文件不是可识别的图片，请上传 JPEG 或 PNG 照片。")


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str
    path: str
    thumb_path: str
    width: int
    height: int


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose header was read: its format and the pixels decoding it will cost.
    Nothing decoded, nothing stored."""

    data: bytes
    pixels: int


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo cleaned and shrunk in memory, not yet stored."""

    image: bytes
    ext: str
    thumb: bytes
    width: int
    height: int

    def store(self) -> StoredPhoto:
        path, sha = store(self.image, self.ext)
        thumb_path, _ = store(self.thumb, "jpg")
        return StoredPhoto(sha, path, thumb_path, self.width, self.height)


def _limit(name: str) -> int:
    return int(current_app.config[name])


def _ten_thousands(pixels: int) -> int:
    return max(pixels // 10_000, 1)


def _shown_size(width: int, height: int) -> tuple[int, int]:
    """The size the stored photo will have (at most MAX_SIDE on its long side)."""
    scale = min(1.0, MAX_SIDE / max(width, height, 1))
    return max(int(width * scale), 1), max(int(height * scale), 1)


def _too_many_pixels() -> ServiceError:
    return ServiceError(_l("照片像素太多：每张不能超过 %(n)s 万像素，请缩小后重新上传。",
                           n=_ten_thousands(_limit("PHOTO_MAX_PIXELS"))), field="photos")


def _open_lazily(data: bytes) -> Image.Image:
    """Open without decoding, with the decoder set to the scale the photo will be stored at
    (JPEG only: its decoder can skip detail). Too many pixels in the header: refused here."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            Image.open(io.BytesIO(data)).verify()  # structure only; must reopen afterwards
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ServiceError(NOT_AN_IMAGE, field="photos") from None
    if image.format not in FORMATS:
        raise ServiceError(NOT_AN_IMAGE, field="photos")
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", _shown_size(*image.size))
    if image.width * image.height > _limit("PHOTO_MAX_PIXELS"):
        raise _too_many_pixels()
    return image


def check(data: bytes) -> CheckedUpload:
    """Size, format and pixel count of one upload, from its header; ServiceError if refused."""
    limit = max_bytes()
    if not data:
        raise ServiceError(_l("上传的照片是空的，请重新选择。"), field="photos")
    if len(data) > limit:
        raise ServiceError(_l("每张照片不能超过 %(mb)s MB，请压缩后重新上传。",
                              mb=limit // (1024 * 1024)), field="photos")
    image = _open_lazily(data)
    return CheckedUpload(data, image.width * image.height)


def check_total(uploads: list[CheckedUpload]) -> None:
    """The pixels of one request together, before any of them is decoded."""
    limit = _limit("PHOTO_MAX_TOTAL_PIXELS")
    if sum(u.pixels for u in uploads) > limit:
        raise ServiceError(_l("这次上传的照片合计像素太多（不能超过 %(n)s 万像素），"
                              "请减少照片或缩小后重新上传。", n=_ten_thousands(limit)),
                           field="photos")


def _encode(image: Image.Image, ext: str, quality: int = 85) -> bytes:
    """Pixels only: no exif, no icc/xmp/text chunks are passed on."""
    out = io.BytesIO()
    if ext == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def prepare(upload: CheckedUpload) -> PreparedPhoto:
    """Decode, clean and shrink one checked upload, in memory."""
    image = _open_lazily(upload.data)
    try:
        ext = FORMATS[image.format]
        image = ImageOps.exif_transpose(image)  # keep the picture upright once the tag is gone
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    except (OSError, ValueError, SyntaxError):  # header fine, pixels broken or truncated
        raise ServiceError(NOT_AN_IMAGE, field="photos") from None
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return PreparedPhoto(_encode(image, ext), ext, _encode(thumb, "jpg", quality=80),
                         image.width, image.height)


def read_upload(storage) -> bytes:
    return storage.stream.read(max_bytes() + 1)
