"""Links between items of different domains, shown on both sides.

A page asks `related("proposal", 12)` for the items that point at proposal 12 (its 公示
notices, say); the domain that points registers a provider at app setup. The page's own
domain stays unaware of who points at it."""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RelatedLink:
    label: str  # what the item is, e.g. 表决结果公示
    title: str
    url: str


_providers: dict[str, list[Callable[[int], list[RelatedLink]]]] = {}


def provide(kind: str, provider: Callable[[int], list[RelatedLink]]) -> None:
    providers = _providers.setdefault(kind, [])
    if provider not in providers:
        providers.append(provider)


def related(kind: str, item_id: int) -> list[RelatedLink]:
    return [link for provider in _providers.get(kind, ()) for link in provider(item_id)]
