"""Chinese search over one compound's issues (title and text) and comments (current text),
the comments under its proposals included (not under drafts; only when no issue filter is set).

Matching is substring matching, the same on both databases: every word of the query (split on
whitespace) must occur in the issue's title or text, or in the comment's text; case is ignored
for Latin letters. Words need 2+ characters (停车, 电梯); a 1-character word is refused with a
message, because it would match nearly everything. Hidden issues, hidden comments and comments
under hidden issues are never returned, to anyone: `is_hidden` is read at query time, so a hide
or a restore takes effect at once.

Indexes (see search_index): on SQLite the FTS5 trigram tables narrow the rows for words of 3+
characters (MATCH on a quoted phrase). Words of 2 characters are matched with LIKE on the base
tables only: the trigram index has no trigram to look up, and SQLite 3.40's FTS5 answers a
2-CJK-character LIKE on the FTS table with no rows at all. On PostgreSQL, ILIKE on the base
columns uses the pg_trgm GIN indexes.

Ranking (identical on both databases): issues whose title contains more of the words first,
then more occurrences of the words in the text, then the newest. pg_trgm's similarity() is not
used: for a 2-character Chinese word it is 0 against any longer text (the padded trigrams of a
short "word" never occur inside an unsegmented Chinese sentence), so it would rank by nothing.
"""
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import (
    Integer,
    String,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import joinedload

from app.core.errors import ServiceError
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.issues.models import Comment, Issue
from app.proposals.models import Proposal

PAGE_SIZE = 20
MAX_QUERY = 50  # characters
MAX_WORDS = 5
MIN_WORD = 2  # characters
SNIPPET = 80  # characters of text shown around the first match
FTS_MIN = 3  # a trigram index needs 3 characters to look anything up


def parse_query(raw: str | None) -> list[str]:
    """The words to search for, or ServiceError with the reason the query is refused. An empty
    query is no search (an empty list)."""
    raw = (raw or "").strip()
    if len(raw) > MAX_QUERY:
        raise ServiceError(_l("搜索内容请不超过 50 个字。"), field="q")
    words: list[str] = []
    for word in raw.split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    if len(words) > MAX_WORDS:
        raise ServiceError(_l("最多用 5 个词搜索，请用空格分开。"), field="q")
    if any(len(word) < MIN_WORD for word in words):
        raise ServiceError(_l("每个词请至少输入两个字，例如“停车”“电梯”。"), field="q")
    return words


def escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The statements are built once per shape (number of words, filters set) and read the words
# from bind parameters (`_word_params`): w<i>_like, w<i>_lower, w<i>_len for the i-th word.

def _word_params(words: list[str]) -> dict:
    values = {}
    for i, word in enumerate(words):
        values[f"w{i}_like"] = f"%{escape_like(word)}%"
        values[f"w{i}_lower"] = word.lower()
        values[f"w{i}_len"] = len(word)
    return values


def _contains(column, i: int):
    """`column` contains the i-th word (Latin letters in any case)."""
    return column.ilike(bindparam(f"w{i}_like", type_=String), escape="\\")


def _occurrences(column, i: int):
    """How many times the i-th word occurs in `column` (Latin letters in any case)."""
    length = func.length(column, type_=Integer)
    rest = func.length(func.replace(func.lower(column), bindparam(f"w{i}_lower", type_=String),
                                    ""), type_=Integer)
    return (length - rest) // bindparam(f"w{i}_len", type_=Integer)


def _fts_phrase(words: list[str]) -> str | None:
    """An FTS5 MATCH expression requiring every 3+-character word as a quoted phrase."""
    long = [w for w in words if len(w) >= FTS_MIN]
    if not long:
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in long)


FTS_IDS = {
    "issues": "SELECT rowid FROM issues_fts WHERE issues_fts MATCH :issues_match",
    "comments": "SELECT rowid FROM comments_fts WHERE comments_fts MATCH :comments_match",
}


def _fts_ids(table: str):
    """Ids matching the phrase given as bind parameter <table>_match."""
    return text(FTS_IDS[table]).columns(literal_column("rowid", Integer))


@dataclass
class Hit:
    kind: str  # "issue", "comment" (under an issue) or "opinion" (under a proposal)
    issue: Issue | None
    comment: Comment | None
    proposal: Proposal | None = None


@dataclass
class Results:
    words: list[str]
    hits: list[Hit]
    total: int
    page: int


def _issue_filters(status: bool, category: bool, building: bool) -> list:
    """The filters set, as bind parameters compound_id, status, category, building_id."""
    where = [Issue.compound_id == bindparam("compound_id"), Issue.is_hidden.is_(False)]
    if status:
        where.append(Issue.status == bindparam("status"))
    if category:
        where.append(Issue.category == bindparam("category"))
    if building:
        where.append(Issue.building_id == bindparam("building_id"))
    return where


def _ranked(n_words: int, status: bool, category: bool, building: bool, phrase: bool):
    """One UNION ALL of matching issues and matching comments with their rank columns."""
    base = _issue_filters(status, category, building)
    words = range(n_words)

    issue_where = [*base, *(or_(_contains(Issue.title, w), _contains(Issue.body_source, w))
                            for w in words)]
    comment_where = [*base, Comment.is_hidden.is_(False),
                     *(_contains(Comment.body_source, w) for w in words)]
    if phrase:
        issue_where.append(Issue.id.in_(_fts_ids("issues")))
        comment_where.append(Comment.id.in_(_fts_ids("comments")))

    title_hits = sum(case((_contains(Issue.title, w), 1), else_=0) for w in words)
    issue_count = sum(_occurrences(Issue.title, w) + _occurrences(Issue.body_source, w)
                      for w in words)
    comment_count = sum(_occurrences(Comment.body_source, w) for w in words)
    issues = select(literal_column("'issue'").label("kind"), Issue.id.label("issue_id"),
                    cast(null(), Integer).label("comment_id"), title_hits.label("title_hits"),
                    issue_count.label("hits"), Issue.created_at.label("created_at")
                    ).where(*issue_where)
    comments = select(literal_column("'comment'"), Comment.issue_id, Comment.id,
                      literal_column("0"), comment_count, Comment.created_at
                      ).join(Issue, Issue.id == Comment.issue_id).where(*comment_where)
    parts = [issues, comments]
    if not (status or category or building):  # the filters are the issues' own
        # A proposal's discussion: its id goes in the issue_id column, told apart by kind.
        opinion_where = [Proposal.compound_id == bindparam("compound_id"),
                         Proposal.state != "draft",
                         Comment.is_hidden.is_(False),
                         *(_contains(Comment.body_source, w) for w in words)]
        if phrase:
            opinion_where.append(Comment.id.in_(_fts_ids("comments")))
        parts.append(select(literal_column("'opinion'"), Comment.proposal_id, Comment.id,
                            literal_column("0"), comment_count, Comment.created_at
                            ).join(Proposal, Proposal.id == Comment.proposal_id)
                     .where(*opinion_where))
    return union_all(*parts).subquery("matches")


# shape -> (count, page of ids): built once per shape.
_STATEMENTS: dict = {}


def _statements(shape: tuple):
    found = _STATEMENTS.get(shape)
    if found is None:
        matches = _ranked(*shape)
        found = (select(func.count()).select_from(matches),
                 select(matches.c.kind, matches.c.issue_id, matches.c.comment_id)
                 .order_by(matches.c.title_hits.desc(), matches.c.hits.desc(),
                           matches.c.created_at.desc(), matches.c.kind.desc(),
                           matches.c.issue_id.desc(), matches.c.comment_id.desc())
                 .limit(PAGE_SIZE).offset(bindparam("offset", type_=Integer)))
        _STATEMENTS[shape] = found
    return found


_ids = bindparam("ids", expanding=True)
_ISSUES = (select(Issue).where(Issue.id.in_(_ids))
           .options(joinedload(Issue.author), joinedload(Issue.building)))
_COMMENTS = select(Comment).where(Comment.id.in_(_ids)).options(joinedload(Comment.author))
_PROPOSALS = select(Proposal).where(Proposal.id.in_(_ids))


def search(compound, words: list[str], *, status: str = "", category: str = "",
           building_id: int | None = None, page: int = 1) -> Results:
    """One page of matches, best first, in four statements whatever the number of matches:
    the count, the page of ids, its issues (with author and building), its comments; and a
    fifth for the proposals when the page has comments under proposals."""
    if not words:
        return Results(words, [], 0, page)
    phrase = _fts_phrase(words) if db.engine.dialect.name == "sqlite" else None
    count, page_of_ids = _statements((len(words), bool(status), bool(category),
                                      bool(building_id), phrase is not None))
    values = {"compound_id": compound.id, "status": status, "category": category,
              "building_id": building_id, "issues_match": phrase, "comments_match": phrase,
              "offset": (page - 1) * PAGE_SIZE, **_word_params(words)}
    total = db.session.scalar(count, values) or 0
    rows = db.session.execute(page_of_ids, values).all()
    issue_ids = {row.issue_id for row in rows if row.kind != "opinion"}
    proposal_ids = {row.issue_id for row in rows if row.kind == "opinion"}
    comment_ids = {row.comment_id for row in rows if row.comment_id is not None}
    issues = {i.id: i for i in db.session.scalars(_ISSUES, {"ids": sorted(issue_ids)})}
    comments = {c.id: c for c in db.session.scalars(_COMMENTS, {"ids": sorted(comment_ids)})}
    proposals = {p.id: p for p in db.session.scalars(
        _PROPOSALS, {"ids": sorted(proposal_ids)})} if proposal_ids else {}
    hits = [Hit(row.kind, None, comments.get(row.comment_id), proposals[row.issue_id])
            if row.kind == "opinion" else
            Hit(row.kind, issues[row.issue_id], comments.get(row.comment_id))
            for row in rows if (proposals if row.kind == "opinion" else issues).get(row.issue_id)]
    return Results(words, hits, total, page)


# Highlighting: the text is escaped piece by piece and only the <mark> tags we add are markup,
# so the result is safe whatever the text or the query contain.

def _spans(text_: str, words: list[str]) -> list[tuple[int, int]]:
    if not words:
        return []
    found = sorted((m.start(), m.start() + len(m.group(1)))
                   for w in words
                   for m in re.finditer(f"(?=({re.escape(w)}))", text_, re.IGNORECASE))
    spans: list[tuple[int, int]] = []
    for start, end in found:  # overlapping or touching matches become one mark
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def highlight(text_: str, words: list[str]) -> Markup:
    out, at = [], 0
    for start, end in _spans(text_, words):
        out.append(escape(text_[at:start]))
        out.append(Markup("<mark>%s</mark>") % text_[start:end])
        at = end
    out.append(escape(text_[at:]))
    return Markup("").join(out)


def snippet(text_: str, words: list[str], width: int = SNIPPET) -> Markup:
    """About `width` characters of the text around its first match, highlighted, with an
    ellipsis where it was cut."""
    flat = " ".join(text_.split())
    spans = _spans(flat, words)
    first = spans[0] if spans else (0, 0)
    start = max(0, min(first[0] - width // 3, len(flat) - width))
    end = max(start + width, first[1])
    piece = highlight(flat[start:end], words)
    return (Markup("…") if start > 0 else Markup("")) + piece + \
        (Markup("…") if end < len(flat) else Markup(""))
