"""What a request may carry, checked once for the whole app before any view sees it.

Control characters:
- NUL is never legitimate anywhere (PostgreSQL cannot even store it in text: a 500).
- The path, the query string (names and values), form field names and uploaded file names
  carry no control character at all: nothing a person types there needs one, and a tab or a
  newline there is how a URL or a header gets rewritten on its way (`/\\t/evil` is `//evil`
  to a browser).
- Form values may carry tab, CR and LF, which a textarea legitimately sends, and no other C0
  control or DEL. A single-line field (every field that is not a textarea) refuses those three
  as well, with a message beside the field (`single_line`, applied to every form by
  app.core.forms.Form). Uploaded file contents are not values and are not looked at.
- A redirect target taken from the request is checked on its own (app.core.redirects).

Field names: the app's own names carry numbers of a few digits (`items-0-position`, `a-17`);
a number of more than ten digits names nothing here, and past 4,300 digits int() fails on it
(WTForms reads list indices with int()). Such a name is refused like a control character.

A request that breaks these rules gets the ordinary 400 page and changes nothing."""
import re

from flask import request
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput, TextArea

from app.core.i18n import lazy_gettext as _l

ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What a textarea may send: tab, LF, CR and no other control character.
CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS_OR_TABS = re.compile(r"[\t\r\n]")
LONG_NUMBER = re.compile(r"\d{11,}")


def _bad_name(name: str) -> bool:
    return bool(ANY_CONTROL.search(name) or LONG_NUMBER.search(name))


def request_breaks_input_rules() -> bool:
    if ANY_CONTROL.search(request.path):
        return True
    for name, value in request.args.items(multi=True):
        if ANY_CONTROL.search(name) or ANY_CONTROL.search(value):
            return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    for name, value in request.form.items(multi=True):
        if _bad_name(name) or CONTROL_EXCEPT_LINES.search(value):
            return True
    for name, upload in request.files.items(multi=True):
        if _bad_name(name) or ANY_CONTROL.search(upload.filename or ""):
            return True
    return False


def single_line(form, field) -> None:
    """Validator added to every field: text typed in a single-line box holds no line break and
    no tab (a browser's <input> drops line breaks, so one there was sent by a script). Hidden
    fields are left to the code that reads them (a `next` goes through safe_next)."""
    if isinstance(field.widget, TextArea | HiddenInput) or not isinstance(field.data, str):
        return
    if LINE_BREAKS_OR_TABS.search(field.data):
        raise ValidationError(_l("这一栏只能填写一行文字，不能包含换行或制表符。"))
