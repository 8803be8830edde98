"""Work that must happen only once the data it speaks of is committed: messages to the outside
(SMS codes, notifications through an outside sender). Queued on the database session, run
after the outermost commit, dropped on rollback.

A savepoint (`begin_nested()`) that rolls back drops what was queued inside it; one that is
released hands its queue to the enclosing transaction. Queued callables run outside any
transaction and must not use the session: they take what they need as arguments."""
import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

log = logging.getLogger("yishi.outbox")

_QUEUE = "yishi.outbox"  # session.info: [(transaction, callable), ...]
_COMMITTED = "yishi.outbox.committed"  # session.info: transactions that committed


def after_commit(action: Callable[[], None], session: Session | None = None) -> None:
    """Run `action()` after the current transaction commits; never if it rolls back."""
    session = session if session is not None else db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        transaction = session.begin()
    session.info.setdefault(_QUEUE, []).append((transaction, action))


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    queue = session.info.get(_QUEUE)
    if not queue:
        return
    # The transaction committing is still the session's innermost one here: the savepoint
    # for a released begin_nested(), else the outermost transaction.
    committing = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_COMMITTED, set()).add(id(committing))


@event.listens_for(Session, "after_transaction_end")
def _settle(session: Session, transaction: SessionTransaction) -> None:
    queue = session.info.get(_QUEUE)
    if not queue:
        return
    committed = id(transaction) in session.info.get(_COMMITTED, set())
    mine = [action for owner, action in queue if owner is transaction]
    rest = [(owner, action) for owner, action in queue if owner is not transaction]
    if transaction.parent is not None:
        # A savepoint: released, its work now belongs to the enclosing transaction.
        if committed:
            rest.extend((transaction.parent, action) for action in mine)
        session.info[_QUEUE] = rest
        session.info.get(_COMMITTED, set()).discard(id(transaction))
        return
    # The outermost transaction ended: committed, or rolled back / closed without commit.
    session.info.pop(_QUEUE, None)
    session.info.pop(_COMMITTED, None)
    if committed:
        for action in mine:
            _run(action)


def _run(action: Callable[[], None]) -> None:
    # The data is committed whatever happens here; a failed delivery is logged, not raised,
    # so one bad message neither undoes the request nor stops the others.
    try:
        action()
    except Exception:  # noqa: BLE001
        log.exception("delivery after commit failed: %r", action)
