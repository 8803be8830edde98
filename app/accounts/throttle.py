"""Login throttling by failed passwords, without handing anyone a way to lock a person out.

- One account from one address: LOGIN_LIMIT_PER_ACCOUNT_AND_IP failures, then that address
  waits for the window to pass. Other addresses, the owner's among them, are unaffected.
- One account from all addresses together: after LOGIN_SLOWDOWN_AFTER failures within the
  window each further failure makes the next attempt wait longer (2 s, 4 s, 8 s, ... at most
  LOGIN_SLOWDOWN_MAX_SECONDS): guessing slows to a crawl, the owner waits seconds at most.
- The owner can skip both waits on their browser for a while by typing back an SMS code
  (app.accounts.recovery.unlock); the mark is kept in the signed session cookie.

Counters live in the rate limiter's storage (Redis in production, memory otherwise), so all
workers share them. The per-IP limit on the login form stays a Flask-Limiter decorator."""
import math
import time

from flask import current_app, session
from limits import parse

from app.core.i18n import lazy_gettext as _l
from app.core.i18n import lazy_ngettext
from app.core.phones import normalize_mobile
from app.extensions import limiter

UNLOCK_KEY = "login_unlocked"
UNLOCK_SECONDS = 15 * 60
_MAX_DOUBLINGS = 16


def account_key(raw_mobile: str | None) -> str:
    """The account a login attempt is for, however its number was typed."""
    return normalize_mobile(raw_mobile) or (raw_mobile or "").strip()[:20]


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED"))


def _pair_key(account: str, ip: str) -> str:
    return f"yishi/login/pair/{account}/{ip}"


def _failures_key(account: str) -> str:
    return f"yishi/login/failures/{account}"


def _gate_key(account: str) -> str:
    return f"yishi/login/gate/{account}"


def _pair_limit():
    return parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"])


def wait_seconds(account: str, ip: str) -> int:
    """0 when a password may be tried now, else how many seconds to wait first."""
    if not _enabled() or is_unlocked(account):
        return 0
    storage, now = limiter.storage, time.time()
    waits = []
    if storage.get(_pair_key(account, ip)) >= _pair_limit().amount:
        waits.append(storage.get_expiry(_pair_key(account, ip)) - now)
    if storage.get(_gate_key(account)) > 0:
        waits.append(storage.get_expiry(_gate_key(account)) - now)
    return max(1, math.ceil(max(waits))) if waits else 0


def record_failure(account: str, ip: str) -> None:
    if not _enabled():
        return
    config, storage = current_app.config, limiter.storage
    storage.incr(_pair_key(account, ip), _pair_limit().get_expiry())
    failures = storage.incr(_failures_key(account), int(config["LOGIN_SLOWDOWN_WINDOW_SECONDS"]))
    over = failures - int(config["LOGIN_SLOWDOWN_AFTER"])
    if over > 0:
        delay = min(2 ** min(over, _MAX_DOUBLINGS), int(config["LOGIN_SLOWDOWN_MAX_SECONDS"]))
        storage.clear(_gate_key(account))  # a fresh expiry: incr keeps an existing one
        storage.incr(_gate_key(account), delay)


def wait_message(seconds: int):
    if seconds < 60:
        wait = lazy_ngettext("%(n)s 秒", "%(n)s 秒", seconds, n=seconds)
    else:
        minutes = max(1, round(seconds / 60))
        wait = lazy_ngettext("%(n)s 分钟", "%(n)s 分钟", minutes, n=minutes)
    return _l("这个手机号最近输错密码的次数较多，为保护账户，请 %(wait)s后再试。"
              "如果是您本人，可以用短信验证码立即解除限制。", wait=wait)


def mark_unlocked(account: str) -> None:
    """This browser may try the account's password without waiting for a while."""
    session[UNLOCK_KEY] = {"account": account, "until": time.time() + UNLOCK_SECONDS}


def is_unlocked(account: str) -> bool:
    mark = session.get(UNLOCK_KEY) or {}
    return mark.get("account") == account and mark.get("until", 0) > time.time()
