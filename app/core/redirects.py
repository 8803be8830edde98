"""Where a redirect taken from user input may lead: only to a path of this site."""
from urllib.parse import urlsplit

from app.core.input_rules import ANY_CONTROL


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site, otherwise `default`. Every redirect whose target
    comes from the request (a `next` field or parameter, the current page's own path) goes
    through here.

    Browsers drop tabs and newlines anywhere in a URL and read a backslash as a slash, so
    `/\\t/evil.example` or `/\\evil.example` is `//evil.example` to them: another site. Hence
    no control character and no backslash at all, then a single leading slash, no scheme and
    no host."""
    if not target or ANY_CONTROL.search(target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
