"""Issue photos: recognised by decoding them (never by name), size-limited, EXIF (GPS included)
dropped by re-encoding the pixels only, shrunk to 1600 px with a 320 px thumbnail, stored by
SHA-256. A photo accepted by a submit that failed for another reason travels back to the form
as a signed token, so it isn't lost and can't be swapped for someone else's file."""
import io
import warnings
from dataclasses import asdict, dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.uploads import absolute_path, max_bytes, store

MAX_PHOTOS = 6
MAX_SIDE = 1600
THUMB_SIDE = 320
MAX_PIXELS = 60_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "jpg", "GIF": "png", "MPO": "jpg"}


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str
    path: str
    thumb_path: str
    width: int
    height: int


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            probe.verify()  # structure check; the image must be reopened afterwards
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ValueError("too many pixels")
            image.load()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
                Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ServiceError(_l("这个文件不是可识别的图片，请上传 JPEG 或 PNG 照片。"),
                               field="photos") from None
    if image.format not in FORMATS:
        raise ServiceError(_l("这个文件不是可识别的图片，请上传 JPEG 或 PNG 照片。"),
                           field="photos")
    return image


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


def process(data: bytes) -> StoredPhoto:
    """Check, clean, shrink and store one photo; raise ServiceError with a readable reason."""
    limit = max_bytes()
    if not data:
        raise ServiceError(_l("上传的照片是空的，请重新选择。"), field="photos")
    if len(data) > limit:
        raise ServiceError(_l("每张照片不能超过 %(mb)s MB，请压缩后重新上传。",
                              mb=limit // (1024 * 1024)), field="photos")
    image = _open(data)
    ext = FORMATS[image.format]
    image = ImageOps.exif_transpose(image)  # keep the picture upright once the tag is gone
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    path, sha = store(_encode(image, ext), ext)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb_path, _ = store(_encode(thumb, "jpg", quality=80), "jpg")
    return StoredPhoto(sha, path, thumb_path, image.width, image.height)


def read_upload(storage) -> bytes:
    return storage.stream.read(max_bytes() + 1)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="issue-photo")


def token_for(photo: StoredPhoto, user_id: int) -> str:
    return _serializer().dumps({"u": user_id, **asdict(photo)})


def from_token(token: str, user_id: int) -> StoredPhoto | None:
    """The photo a signed token names, if it was signed for this user and the files exist."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.pop("u", None) != user_id:
        return None
    try:
        photo = StoredPhoto(**data)
        if not (absolute_path(photo.path).exists() and absolute_path(photo.thumb_path).exists()):
            return None
    except (TypeError, ValueError):
        return None
    return photo
