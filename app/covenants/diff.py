"""Per-article comparison of two versions: which articles were added, removed or changed,
and within a changed article which characters (Chinese has no spaces between words, so the
unit is the character; runs of Latin letters or digits stay whole). The result is plain data;
templates escape every piece and mark changes with words, not colour alone."""
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

TOKEN = re.compile(r"[A-Za-z0-9_.]+|\s+|.", re.S)


@dataclass
class ArticleChange:
    kind: str  # added / removed / changed / same
    old_number: int | None
    new_number: int | None
    old: str = ""
    new: str = ""
    pieces: list[tuple[str, str]] = field(default_factory=list)  # (same|del|ins, text)


def _pieces(old: str, new: str) -> list[tuple[str, str]]:
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("ins", "".join(b[j1:j2])))
    return out


def compare(old: list[str], new: list[str]) -> list[ArticleChange]:
    """Align articles by content (an inserted article doesn't make every later one look
    changed), then pair replaced runs article by article."""
    changes: list[ArticleChange] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            changes += [ArticleChange("same", i + 1, j + 1, old[i], new[j])
                        for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(olds), len(news))):
            i = olds[k] if k < len(olds) else None
            j = news[k] if k < len(news) else None
            if i is not None and j is not None:
                changes.append(ArticleChange("changed", i + 1, j + 1, old[i], new[j],
                                             _pieces(old[i], new[j])))
            elif i is not None:
                changes.append(ArticleChange("removed", i + 1, None, old=old[i]))
            else:
                changes.append(ArticleChange("added", None, j + 1, new=new[j]))
    return changes


def summary(changes: list[ArticleChange]) -> dict[str, int]:
    counts = {"added": 0, "removed": 0, "changed": 0}
    for c in changes:
        if c.kind in counts:
            counts[c.kind] += 1
    return counts
