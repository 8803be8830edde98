"""The head of every audit chain, by chain name: what a backup's manifest records and what a
restore compares. Today there is one chain, the site's."""
from app.audit.models import GENESIS_HASH
from app.audit.services import head_row


def chain_heads() -> dict:
    """{chain name: {"seq": .., "hash": ..}} as this transaction sees it."""
    head = head_row()
    if head is None:
        return {"site": {"seq": 0, "hash": GENESIS_HASH}}
    return {"site": {"seq": int(head.seq), "hash": head.hash}}
