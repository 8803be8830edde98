"""The heads of the audit chains, for those who check them from outside (the open data API,
backups). Today the site has one chain, named "site"; per-compound chains and their anchors
add their own entries to the same dictionary."""
from app.audit.models import GENESIS_HASH
from app.audit.services import head_row


def chain_heads() -> dict:
    """{chain name: {"seq": entries so far, "hash": the head hash}}."""
    head = head_row()
    if head is None:
        return {"site": {"seq": 0, "hash": GENESIS_HASH}}
    return {"site": {"seq": int(head.seq), "hash": head.hash}}
