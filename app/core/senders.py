"""Outside senders, chosen by configuration as "package.module:Class" (NOTIFICATION_SENDER,
SMS_SENDER) so that a real gateway can be plugged in without touching the callers.

An SMS sender has one method, `send(mobile, text)`. The development sender below writes each
message to the server log and keeps the last few in memory for the development page
(/dev/sms); a production adapter for an SMS gateway implements the same method."""
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Protocol

from flask import current_app

from app.core.phones import mask_mobile
from app.core.time import utcnow

log = logging.getLogger("yishi.sms")
RECENT_KEY = "yishi.sms_recent"
RECENT_MAX = 20


class SmsSender(Protocol):
    def send(self, mobile: str, text: str) -> None: ...


def load_sender(config_key: str, default=None):
    """An instance of the class named by `config_key`, `default()` when it is unset, or None
    when neither is given (no such channel configured)."""
    spec = current_app.config.get(config_key)
    if not spec:
        return default() if default is not None else None
    module_name, _, attr = spec.partition(":")
    return getattr(import_module(module_name), attr)()


def sms_sender() -> SmsSender | None:
    """The configured SMS sender, or None when this site sends no SMS."""
    return load_sender("SMS_SENDER")


class DevelopmentSmsSender:
    """Sends nothing: logs the message (codes included, so never use it in production) and
    keeps the last ones for the development page and for tests."""

    def send(self, mobile: str, text: str) -> None:
        # WARNING, so that it shows in the terminal of `flask run` without any logging setup.
        log.warning("SMS (development, not sent) to %s: %s", mask_mobile(mobile), text)
        recent = current_app.extensions.setdefault(RECENT_KEY, deque(maxlen=RECENT_MAX))
        recent.appendleft(SentSms(mobile, text, utcnow()))


@dataclass(frozen=True)
class SentSms:
    mobile: str
    text: str
    sent_at: datetime


def recent_sms() -> list[SentSms]:
    """What the development sender "sent", newest first."""
    return list(current_app.extensions.get(RECENT_KEY, ()))
