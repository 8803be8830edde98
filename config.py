"""Configuration classes; environment variables always win over class defaults."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-insecure-change-me"  # noqa: S105  (refused in production)


def _env(name: str, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{BASE_DIR / 'instance' / 'yishi.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = None
    YISHI_LOCALE = "zh_Hans_CN"
    LANGUAGES = ("zh_Hans_CN", "en")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; elderly users leave forms open for long
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Login throttles count failed passwords. An account from one address: tight. An account from
    # all addresses together: after LOGIN_SLOWDOWN_AFTER failures within the window each further
    # attempt waits longer (2 s, 4 s, ... up to LOGIN_SLOWDOWN_MAX_SECONDS) instead of locking
    # the owner out; an SMS code lifts the wait for the owner's browser. Per IP loose (a whole
    # compound may share one NAT address).
    LOGIN_LIMIT_PER_ACCOUNT_AND_IP = "5 per 15 minutes"
    LOGIN_SLOWDOWN_AFTER = 10
    LOGIN_SLOWDOWN_WINDOW_SECONDS = 15 * 60
    LOGIN_SLOWDOWN_MAX_SECONDS = 60
    LOGIN_LIMIT_PER_IP = "100 per 15 minutes"
    # Every registration attempt counts (a duplicate mobile tells whether a number is taken).
    REGISTER_LIMIT_PER_IP = "30 per hour"
    CLAIM_LIMIT_PER_USER = "10 per hour"
    # Raising issues, per account; every attempt counts, refused ones included.
    ISSUE_POST_LIMIT = "10 per hour"
    # Issue photos, in decoded pixels: each, and all of one request together (app/issues/photos).
    PHOTO_MAX_PIXELS = 25_000_000
    PHOTO_MAX_TOTAL_PIXELS = 60_000_000
    # One-time codes by SMS (phone verification, password recovery, login unlock). SMS_SENDER is
    # "package.module:Class" with a send(mobile, text) method; empty means no SMS is sent.
    # The development sender only logs the message; SMS_DEV_PAGE shows what it "sent" at /dev/sms.
    SMS_SENDER = "app.core.senders:DevelopmentSmsSender"
    SMS_DEV_PAGE = False
    SMS_LIMIT_PER_NUMBER = "5 per hour"
    SMS_LIMIT_PER_IP = "20 per hour"
    CODE_CHECK_LIMIT_PER_IP = "60 per hour"
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105
    UPLOAD_DIR = str(BASE_DIR / "instance" / "uploads")
    # Logs: "plain" text, or "json" (one JSON object a line, for a central log store);
    # LOG_REQUESTS adds one line per request (app.core.request_log).
    LOG_FORMAT = "plain"
    LOG_REQUESTS = False
    # How long personal data is kept, in days: the privacy page states these and
    # `flask maintenance run` (app/operations/retention.py) applies them. Change them here only.
    RETENTION_DAYS = {
        "roster_upload": 30,     # a roster import staged and never confirmed
        "one_time_code": 1,      # SMS and reset codes (their keyed hash), after they expired
        "session": 180,          # the longest a login lasts; then it ends
        # An ended login, kept in the security log no less than six months (网络安全法 第二十一条).
        "ended_session": 190,
        "orphan_upload": 1,      # a stored file that no record names
    }
    TESTING = False
    DEBUG = False

    @classmethod
    def apply_env(cls, config: dict) -> None:
        """Environment variables override whatever the class says."""
        mapping = {
            "SECRET_KEY": "SECRET_KEY",
            "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
            "REDIS_URL": "REDIS_URL",
            "YISHI_LOCALE": "YISHI_LOCALE",
            "UPLOAD_DIR": "UPLOAD_DIR",
            "TRUSTED_PROXIES": "TRUSTED_PROXIES",
            "SMS_SENDER": "SMS_SENDER",
            "BALLOT_SEAL_KEY": "BALLOT_SEAL_KEY",
            "PAPER_LINK_KEY": "PAPER_LINK_KEY",
            "LOG_FORMAT": "LOG_FORMAT",
            "LOG_REQUESTS": "LOG_REQUESTS",
        }
        for env_name, key in mapping.items():
            value = _env(env_name)
            if value is not None:
                config[key] = value
        if isinstance(config.get("LOG_REQUESTS"), str):  # from the environment: 0/1
            config["LOG_REQUESTS"] = config["LOG_REQUESTS"].lower() not in ("0", "false", "no")
        url = config["SQLALCHEMY_DATABASE_URI"]
        # Accept the common postgres:// spelling and always use psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url[len(prefix):]
        # Several sites (or a test) may share one Redis: each keeps its counters under its own
        # prefix (the limits library's default is "LIMITS").
        prefix = _env("REDIS_KEY_PREFIX")
        if prefix is not None:
            config["RATELIMIT_STORAGE_OPTIONS"] = {"key_prefix": prefix}


class DevelopmentConfig(Config):
    DEBUG = False
    SMS_DEV_PAGE = True  # no SMS gateway on a developer's machine: read the codes there


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    # Fast hashing keeps the suite quick; every other config uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    TRUSTED_PROXIES = 1  # one reverse proxy in front (DESIGN §6); set 0 when exposed directly
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # A pooled connection idle this long is checked before use (app.core.db.ping_after_idle);
    # pool_pre_ping would cost a round trip on every request.
    POOL_PING_AFTER_IDLE_SECONDS = 10
    # No SMS gateway adapter ships yet: until SMS_SENDER names one, no code is sent, so owners'
    # claims go to staff review and forgotten passwords to staff-issued reset codes.
    SMS_SENDER = None
    LOG_FORMAT = "json"
    LOG_REQUESTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
