"""Ticket photos from a request: the same checks, EXIF removal and storage as issue photos
(app.issues.photos), nothing stored until the service's checks pass."""
from flask import request, send_file
from flask_babel import gettext as _

from app.core.errors import ServiceError
from app.core.uploads import absolute_path
from app.issues import photos as photo_store

IMMUTABLE = "private, max-age=31536000, immutable"


def _error(form, message, filename: str = "") -> None:
    text = f"{filename[:60]}：{message}" if filename else str(message)
    form.photos.errors = [*form.photos.errors, text]


def photos_from_request(form) -> list:
    """Every attached photo checked from its header, then decoded in memory; refusals go on
    the form's photos field."""
    files = [f for f in request.files.getlist(form.photos.name) if f and f.filename]
    if not isinstance(form.photos.errors, list):
        form.photos.errors = list(form.photos.errors)
    if len(files) > photo_store.MAX_PHOTOS:
        _error(form, _("最多上传 6 张照片。"))
        return []
    checked = []
    for storage in files:
        try:
            checked.append((storage.filename,
                            photo_store.check(photo_store.read_upload(storage))))
        except ServiceError as exc:
            _error(form, exc.message, storage.filename)
    if form.photos.errors:
        return []
    try:
        photo_store.check_total([upload for _name, upload in checked])
        return [photo_store.prepare(upload) for _name, upload in checked]
    except ServiceError as exc:
        _error(form, exc.message)
        return []


def send_photo(relative: str):
    mimetype = "image/png" if relative.endswith(".png") else "image/jpeg"
    response = send_file(absolute_path(relative), mimetype=mimetype, conditional=True)
    response.headers["Cache-Control"] = IMMUTABLE
    return response
