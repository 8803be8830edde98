"""What happened, announced inside the transaction that made it happen.

A domain publishes "proposal.publish_result" after its state moved; a layer built on top of
the domains (app.board) subscribes and does its part in the same transaction, so the domain
never imports what depends on it, and a failure in either rolls both back."""
from collections import defaultdict
from collections.abc import Callable

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(name: str, handler: Callable) -> None:
    """Call `handler(**payload)` whenever `name` is published (once, however often set up)."""
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def publish(name: str, **payload) -> None:
    for handler in _subscribers.get(name, ()):
        handler(**payload)
