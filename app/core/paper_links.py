"""Links printed on paper: /v/<kind>/<id>/<version>/<token>, served by app.board.

The token is an HMAC of the kind, the item and the printed version, so a link can't be guessed
or walked from one item to the next, and a link names exactly the version that was printed.
The key is PAPER_LINK_KEY when set (hex), else derived from SECRET_KEY: rotating SECRET_KEY
without setting PAPER_LINK_KEY to the old derived value breaks the QR codes already posted."""
import hashlib
import hmac
from base64 import b32encode

from flask import current_app, url_for

KINDS = ("notice", "result", "minutes")
TOKEN_LENGTH = 20  # base32 characters: 100 bits


def _key() -> bytes:
    configured = current_app.config.get("PAPER_LINK_KEY")
    if configured:
        return bytes.fromhex(configured)
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"yishi paper-link v1", hashlib.sha256).digest()


def paper_token(kind: str, item_id: int, version: int) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown paper kind {kind!r}")
    mac = hmac.new(_key(), f"{kind}:{item_id}:{version}".encode(), hashlib.sha256).digest()
    return b32encode(mac).decode("ascii").lower()[:TOKEN_LENGTH]


def token_matches(kind: str, item_id: int, version: int, token: str) -> bool:
    if kind not in KINDS or len(token) != TOKEN_LENGTH:
        return False
    return hmac.compare_digest(paper_token(kind, item_id, version), token)


def paper_url(kind: str, item_id: int, version: int) -> str:
    return url_for("board.paper", kind=kind, item_id=item_id, version=version,
                   token=paper_token(kind, item_id, version), _external=True)


def short_digest(digest: str) -> str:
    """The first 16 hex digits in groups of four: enough to compare by eye at the board."""
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4)).upper()
