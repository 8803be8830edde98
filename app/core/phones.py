import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(raw: str | None) -> str | None:
    """Return the 11-digit mainland mobile number, or None if it is not one.
    Accepts spaces, dashes and a +86/86 prefix, as people type them."""
    if raw is None:
        return None
    digits = re.sub(r"[\s\-()]", "", str(raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if MOBILE_RE.match(digits) else None


def mask_mobile(mobile: str | None) -> str:
    """138****1234: what everyone but the person and staff sees."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


def mask_name(name: str | None) -> str:
    """张** : surname kept, the rest hidden."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
