"""Sealed secret ballots (DESIGN §3: who voted is kept apart from what was voted, for everyone,
a database reader included).

While voting is open a secret ballot is two rows written in the casting transaction: the
participation (who took part, public) and a sealed vote, whose choice, weight and receipt are
encrypted (AES-GCM) with a key that lives in the app's configuration, never in the database,
and padded to one fixed length so that the ciphertext's size says nothing. Both rows share the
casting transaction (PostgreSQL's xmin, the insertion order), which is harmless: the sealed row
reads as noise.

At close the urn is opened in one transaction: every sealed vote is decrypted, the votes are
written out in a random order with random ids and no weight and no time (receipt and choice
only), the totals per choice (count and area) are written, and the sealed rows are deleted.
Crash safety: a ballot's participation and its sealed vote commit together or not at all, and
the close writes the votes and totals and deletes the sealed rows in one transaction, so a crash
at any point neither loses nor doubles a vote. If the sealed rows and the participations do not
match one to one, or a sealed row does not open with the configured key, the close is refused
and nothing changes."""
import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from decimal import Decimal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import delete, func, insert, select

from app.audit.services import removal
from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.proposals.models import SealedVote, SecretParticipation, SecretTotal, SecretVote
from app.proposals.tally import area_text

# Every plaintext is padded to this many bytes: a receipt (20), the longest choice name (40)
# and an area with its JSON punctuation fit with room to spare.
PADDED_LENGTH = 160
_NONCE_BYTES = 12


def _key() -> bytes:
    """BALLOT_SEAL_KEY if set (hex, 32 bytes), else derived from SECRET_KEY. Either way it is
    not in the database; changing it while a secret vote is open makes that vote's urn
    unopenable, which the close refuses rather than losing ballots."""
    configured = current_app.config.get("BALLOT_SEAL_KEY")
    if configured:
        key = bytes.fromhex(configured)
        if len(key) != 32:
            raise RuntimeError("BALLOT_SEAL_KEY must be 64 hex digits (32 bytes)")
        return key
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"yishi secret-ballot seal v1", hashlib.sha256).digest()


def key_id(key: bytes | None = None) -> str:
    """A short public name of the key, stored beside each sealed vote."""
    return hashlib.sha256(b"key-id|" + (key or _key())).hexdigest()[:16]


def _aad(proposal_id: int) -> bytes:
    # Binds a sealed vote to its proposal: one moved to another proposal does not open.
    return f"yishi-proposal-{proposal_id}".encode()


def seal_payload(payload: dict, padded_length: int, aad: bytes) -> tuple[str, bytes]:
    """(key id, nonce + ciphertext) of any small JSON payload, padded to `padded_length`
    bytes so that every sealed row of one urn has the same size. `aad` binds it to its urn."""
    plain = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
    if len(plain) > padded_length:
        raise ValueError("sealed payload too long")
    padded = plain + b" " * (padded_length - len(plain))
    key = _key()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return key_id(key), nonce + AESGCM(key).encrypt(nonce, padded, aad)


def open_payloads(sealed: list[tuple[str, bytes]], aad: bytes) -> list[dict] | None:
    """Every sealed payload opened with the configured key, or None if any does not open."""
    key = _key()
    try:
        opened = [_unseal(bytes(blob), key, aad) for kid, blob in sealed if kid == key_id(key)]
    except InvalidTag:
        return None
    return opened if len(opened) == len(sealed) else None


def seal(proposal_id: int, choice: str, area: Decimal, receipt: str) -> tuple[str, bytes]:
    """(key id, nonce + ciphertext) of one vote."""
    return seal_payload({"c": choice, "a": format(area or 0, "f"), "r": receipt},
                        PADDED_LENGTH, _aad(proposal_id))


def _unseal(blob: bytes, key: bytes, aad: bytes) -> dict:
    nonce, body = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    return json.loads(AESGCM(key).decrypt(nonce, body, aad).rstrip(b" "))


def store_sealed(proposal_id: int, choice: str, area: Decimal, receipt: str) -> SealedVote:
    """Write one sealed vote; returns it (not added to the session) for the audit entry of
    the ballot, which vouches for the ciphertext: a sealed row added, swapped or removed by
    hand is reported by `flask audit verify`."""
    kid, blob = seal(proposal_id, choice, area, receipt)
    values = {"id": secrets.randbits(62), "proposal_id": proposal_id, "key_id": kid,
              "sealed": blob}
    db.session.execute(insert(SealedVote).values(**values))
    return SealedVote(**values)


def _hundredths(area) -> int:
    return int(Decimal(area or 0) * 100)


URN_MISMATCH = _l("无记名投票的密封选票与参与名单不一致，不能开票。请联系系统管理员核查。")
URN_LOCKED = _l("无记名投票的密封选票无法用当前密钥打开，不能开票。请联系系统管理员恢复密钥。")


def open_urn(proposal_id: int, counts_toward=None) -> tuple[list[SecretVote], list[dict]]:
    """Decrypt every sealed vote of the proposal, write the anonymous votes (shuffled, random
    ids) and the totals per choice, delete the sealed rows. Returns the votes written and the
    removal covers of the sealed rows, for the audit entry of the close.

    `counts_toward(choice)` names the totals a vote adds to, where that is not its choice: an
    election's ballot adds to each candidate it marks, so only per-candidate totals are kept,
    never one per combination of marks (which with its area could single out a voter)."""
    rows = db.session.scalars(select(SealedVote).where(
        SealedVote.proposal_id == proposal_id)).all()
    removed = [removal(row) for row in rows]
    sealed = [(row.key_id, row.sealed) for row in rows]
    participants = db.session.scalar(select(func.count(SecretParticipation.id)).where(
        SecretParticipation.proposal_id == proposal_id))
    if len(sealed) != participants:
        current_app.logger.error("proposal %s: %s sealed votes for %s participants",
                                 proposal_id, len(sealed), participants)
        raise ServiceError(URN_MISMATCH, status=409)
    votes, totals = [], defaultdict(lambda: [0, 0])
    opened = open_payloads(sealed, _aad(proposal_id))
    if opened is None:
        current_app.logger.error("proposal %s: sealed votes do not open with the configured "
                                 "key", proposal_id)
        raise ServiceError(URN_LOCKED, status=409)
    if len({vote["r"] for vote in opened}) != len(opened):  # a sealed row copied by hand
        current_app.logger.error("proposal %s: a sealed vote appears twice", proposal_id)
        raise ServiceError(URN_MISMATCH, status=409)
    secrets.SystemRandom().shuffle(opened)
    for vote in opened:
        votes.append(SecretVote(id=secrets.randbits(62), proposal_id=proposal_id,
                                choice=vote["c"], receipt=vote["r"]))
        for total in counts_toward(vote["c"]) if counts_toward else [vote["c"]]:
            totals[total][0] += 1
            totals[total][1] += _hundredths(vote["a"])
    db.session.add_all(votes)
    db.session.add_all([SecretTotal(proposal_id=proposal_id, choice=choice, count=count,
                                    area=Decimal(area_text(area)))
                        for choice, (count, area) in sorted(totals.items())])
    db.session.execute(delete(SealedVote).where(SealedVote.proposal_id == proposal_id))
    db.session.flush()
    return votes, removed


def totals(proposal_id: int) -> dict[str, tuple[int, int]]:
    """choice → (votes, area in hundredths) of a closed secret ballot."""
    return {choice: (count, _hundredths(area))
            for choice, count, area in db.session.execute(
                select(SecretTotal.choice, SecretTotal.count, SecretTotal.area)
                .where(SecretTotal.proposal_id == proposal_id))}
