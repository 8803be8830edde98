"""A readable diff of two revisions' Markdown source, line by line and, inside a changed line,
word by word (each Chinese character is a word). Plain data: templates escape the text and
mark deletions and insertions with <del>/<ins> plus words a screen reader says."""
import difflib
import re
from dataclasses import dataclass, field

# Runs of Latin letters/digits stay whole; every other character (CJK, punctuation) stands
# alone, so a changed character in a Chinese sentence is shown as that character.
TOKEN = re.compile(r"[A-Za-z0-9_]+|\s+|.", re.S)
CONTEXT = 2


@dataclass
class Line:
    op: str  # equal / delete / insert / change / skip
    old_no: int | None = None
    new_no: int | None = None
    parts: list[tuple[str, str]] = field(default_factory=list)  # (equal|delete|insert, text)
    skipped: int = 0


def _words(old: str, new: str) -> list[tuple[str, str]]:
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("insert", "".join(b[j1:j2])))
    return parts


def _collapse(lines: list[Line]) -> list[Line]:
    """Keep CONTEXT unchanged lines around each change; fold longer unchanged runs."""
    keep = [False] * len(lines)
    for i, line in enumerate(lines):
        if line.op != "equal":
            for j in range(max(0, i - CONTEXT), min(len(lines), i + CONTEXT + 1)):
                keep[j] = True
    out, skipped = [], 0
    for line, kept in zip(lines, keep, strict=True):
        if kept:
            if skipped:
                out.append(Line("skip", skipped=skipped))
                skipped = 0
            out.append(line)
        else:
            skipped += 1
    if skipped:
        out.append(Line("skip", skipped=skipped))
    return out


def diff_lines(old: str, new: str) -> list[Line]:
    a, b = old.splitlines(), new.splitlines()
    lines = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line("equal", i1 + k + 1, j1 + k + 1, [("equal", a[i1 + k])])
                      for k in range(i2 - i1)]
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            lines.append(Line("change", i1 + k + 1, j1 + k + 1, _words(a[i1 + k], b[j1 + k])))
        lines += [Line("delete", i + 1, None, [("delete", a[i])]) for i in range(i1 + paired, i2)]
        lines += [Line("insert", None, j + 1, [("insert", b[j])]) for j in range(j1 + paired, j2)]
    return _collapse(lines)


def has_changes(lines: list[Line]) -> bool:
    return any(line.op not in ("equal", "skip") for line in lines)
