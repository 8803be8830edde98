"""verify(): re-walk the chains and the anchors, and check every row they vouch for
(`flask audit verify [--compound ID]`)."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.audit.anchors import anchor_hash
from app.audit.chains import ANCHORS, COMPOUND, LEGACY, chain_name
from app.audit.models import GENESIS_HASH, AuditAnchor, AuditChain, AuditEntry
from app.audit.row_checks import check_required, check_rows, check_sets, table_models, walk_rows
from app.audit.services import entry_hash
from app.extensions import db


@dataclass
class VerifyResult:
    ok: bool
    count: int  # entries walked
    head: str   # the compound chain's head (one compound), else the anchor chain's head
    problems: list[str] = field(default_factory=list)
    chains: dict = field(default_factory=dict)  # chain name → (entries, head hash)
    anchors: int = 0


@dataclass
class _Chain:
    id: int | None
    name: str
    kind: str
    scope_id: int
    head_seq: int
    head_hash: str


def _chains(compound_id: int | None) -> dict:
    """Chain id → _Chain to walk (None: the legacy chain's entries, if any)."""
    rows = db.session.execute(select(AuditChain).where(AuditChain.kind != ANCHORS)).scalars()
    chains = {}
    for row in rows:
        if compound_id is not None and (row.kind, row.scope_id) != (COMPOUND, compound_id):
            continue
        key = None if row.kind == LEGACY else row.id
        chains[key] = _Chain(row.id, chain_name(row.kind, row.scope_id), row.kind,
                             row.scope_id, row.head_seq, row.head_hash)
    return chains


def _walk_links(chains: dict, wanted: set, seen: dict) -> tuple[int, list[str]]:
    """Each chain from its first entry: seq without gaps, each prev_hash the hash before it,
    each hash its content's, compound chains holding only their compound's entries, and the
    head row where the chain ends. The first bad entry of each chain is named. `wanted`
    (chain id, seq) positions an anchor names get their hash put in `seen`."""
    legacy = chains.get(None)
    order = func.coalesce(AuditEntry.chain_id, 0)
    stmt = select(AuditEntry).order_by(order, AuditEntry.seq)
    if legacy is None:
        stmt = stmt.where(AuditEntry.chain_id.in_([k for k in chains if k is not None]))
    elif len(chains) == 1:
        stmt = stmt.where(AuditEntry.chain_id.is_(None))
    count, problems, broken = 0, [], set()
    state: dict = {}  # chain key → [expected seq, prev hash]
    for entry in db.session.execute(stmt).scalars().yield_per(1000):
        count += 1
        key = entry.chain_id
        chain = chains.get(key)
        if chain is None:
            problems.append(f"entry id={entry.id} seq={entry.seq}: its chain "
                            f"(id={key}) has no head row")
            broken.add(key)
        if key in broken:
            continue
        expected, prev = state.setdefault(key, [1, GENESIS_HASH])
        fault = None
        if entry.seq != expected:
            fault = f"expected seq {expected} (an entry is missing or out of order)"
        elif entry.prev_hash != prev:
            fault = "prev_hash does not match the entry before it"
        elif entry_hash(entry) != entry.hash:
            fault = "content does not match its hash"
        elif chain.kind == COMPOUND and entry.compound_id != chain.scope_id:
            fault = f"belongs to compound {entry.compound_id}, not this chain's"
        elif chain.kind not in (COMPOUND, LEGACY) and entry.compound_id is not None:
            fault = f"belongs to compound {entry.compound_id}, not this chain"
        if fault:
            problems.append(f"chain {chain.name} entry id={entry.id} seq={entry.seq}: {fault}")
            broken.add(key)
            continue
        if (chain.id, entry.seq) in wanted:
            seen[(chain.id, entry.seq)] = entry.hash
        state[key] = [expected + 1, entry.hash]
    for key, chain in chains.items():
        if key in broken:
            continue
        expected, prev = state.get(key, [1, GENESIS_HASH])
        if chain.head_seq != expected - 1 or chain.head_hash != prev:
            problems.append(f"chain {chain.name}: head row says seq={chain.head_seq} but the "
                            f"chain ends at seq={expected - 1} (entries at the end were "
                            "removed)")
    return count, problems


def _walk_anchors(chain_ids: set | None) -> tuple[list, set, list[str], str]:
    """The anchor chain's own links and head; returns the anchors of the chains checked
    (chain_ids None: all) so their positions can be matched against the entries."""
    names = {r.id: chain_name(r.kind, r.scope_id) for r in
             db.session.execute(select(AuditChain.id, AuditChain.kind, AuditChain.scope_id))}
    prev, expected, problems, kept = GENESIS_HASH, 1, [], []
    for anchor in db.session.execute(select(AuditAnchor).order_by(AuditAnchor.seq)).scalars():
        fault = None
        if anchor.seq != expected:
            fault = f"expected seq {expected} (an anchor is missing or out of order)"
        elif anchor.prev_hash != prev:
            fault = "prev_hash does not match the anchor before it"
        elif anchor_hash(anchor, names.get(anchor.chain_id, "")) != anchor.hash:
            fault = "content does not match its hash"
        if fault:
            problems.append(f"anchor seq={anchor.seq}: {fault}")
            return [], set(), problems, prev
        if chain_ids is None or anchor.chain_id in chain_ids:
            kept.append((anchor, names.get(anchor.chain_id, "")))
        prev, expected = anchor.hash, expected + 1
    head = db.session.execute(select(AuditChain.head_seq, AuditChain.head_hash).where(
        AuditChain.kind == ANCHORS)).first()
    head_seq, head_hash = head if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (expected - 1, prev):
        problems.append(f"anchor chain: head row says seq={head_seq} but the chain ends at "
                        f"seq={expected - 1} (anchors at the end were removed)")
    return kept, {(a.chain_id, a.chain_seq) for a, _ in kept}, problems, prev


def _check_anchored(anchors: list, seen: dict) -> list[str]:
    """Each anchor's head hash must be the hash of the entry at that seq in its chain."""
    problems = []
    for anchor, name in anchors:
        found = seen.get((anchor.chain_id, anchor.chain_seq))
        if found != anchor.chain_hash:
            why = "no such entry" if found is None else "a different hash"
            problems.append(f"anchor seq={anchor.seq}: chain {name} at seq={anchor.chain_seq} "
                            f"has {why} than the one anchored ({anchor.chain_hash[:12]}…)")
    return problems


def verify(compound_id: int | None = None) -> VerifyResult:
    """Recompute every chain (or one compound's) and the anchor chain. Report the first
    broken link of each chain (edited, deleted or reordered entries all break it) and of the
    anchors; an anchor whose head is not in its chain; any covered row or set of rows whose
    content no longer matches the digest of the last entry that wrote it; any row rewritten by
    an entry after it had been changed outside the log; and (for the whole log) any row of a
    table that decides an outcome (coverage.REQUIRED) that no entry covers."""
    chains = _chains(compound_id)
    chain_ids = None if compound_id is None else {c.id for c in chains.values()}
    anchors, wanted, problems, anchor_head = _walk_anchors(chain_ids)
    seen: dict = {}
    count, link_problems = _walk_links(chains, wanted, seen)
    problems += link_problems
    if not link_problems:
        problems += _check_anchored(anchors, seen)
    summary = {c.name: c.head_hash for c in chains.values()}
    head = anchor_head
    if compound_id is not None:
        head = next(iter(summary.values()), GENESIS_HASH)
    if not link_problems:  # rows are checked against an intact log only
        problems += _row_problems(chains, compound_id)
    return VerifyResult(not problems, count, head, problems, summary, len(anchors))


def _row_problems(chains: dict, compound_id: int | None) -> list[str]:
    """The rows' checks walk every entry (entries of several chains write the same rows:
    accounts); for one compound, only the problems its chain's entries vouched for."""
    labels = {key: chain.name for key, chain in chains.items()}
    if compound_id is not None:
        labels = {r.id: chain_name(r.kind, r.scope_id) for r in db.session.execute(
            select(AuditChain.id, AuditChain.kind, AuditChain.scope_id))}
        labels[None] = chain_name(LEGACY, 0)

    def label(chain_id, seq):
        return f"{labels.get(chain_id, chain_id)} seq={seq}"

    entries = db.session.execute(select(AuditEntry.id, AuditEntry.chain_id, AuditEntry.seq,
                                        AuditEntry.covers).order_by(AuditEntry.id))
    walk = walk_rows(entries.yield_per(1000), label)
    models = table_models()
    problems = walk.problems + check_rows(walk.rows, models) + check_sets(walk.sets, models)
    if compound_id is None:
        problems += check_required(walk, models)
    else:
        mine = {c.id for c in chains.values()}
        problems = [p for p in problems if p[0][2] in mine]
    return [text for _, text in sorted(problems, key=lambda p: p[0][0])]
