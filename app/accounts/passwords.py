"""Password policy and hashing (slow KDF: scrypt in production)."""
from functools import lru_cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.i18n import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).parent / "data" / "common_passwords.txt"


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in _COMMON_FILE.read_text().splitlines()
                     if line.strip())


def password_problem(password: str, mobile: str | None = None):
    """None if the password is acceptable, else a message saying why not."""
    if len(password) < MIN_LENGTH:
        return _l("密码至少需要 %(n)s 位。", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("密码不能超过 %(n)s 位。", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in _common() or len(set(password)) <= 2:
        return _l("这个密码太常见，很容易被猜到，请换一个。")
    if mobile and mobile in password:
        return _l("密码不能包含手机号。")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
