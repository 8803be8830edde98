"""Residents read words, not software: no code, library or format name on the pages a resident
of the demo compound visits, in Chinese or in English. Fingerprints and checking steps are
allowed only folded under 如何核验 (templates/_macros/verify.html)."""
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.accounts.models import User
from app.compounds.demo import demo_compound
from app.extensions import db
from app.proposals.models import Proposal, ProposalResult
from tests.seeded import seed_demo_once
from tests.test_i18n import compiled_catalogue  # noqa: F401  (autouse: a fresh .mo)

OWNER_MOBILE = "19900010001"  # seed-demo's owner of three homes (app.compounds.demo.ACCOUNTS)
PER_ENDPOINT = 2  # pages of one kind look alike: two of each keeps the walk short
FORBIDDEN = re.compile(
    r"markdown|flask|json|\bsql|sha-?256|\bhash|哈希|python|jinja|werkzeug|traceback"
    r"|\b(?:account|issue|comment|proposal|ballot|proxy|meeting|minutes|covenant|notice|claim"
    r"|role|roster|moderation|phone_code|party|follow|invite|staff|compound)\.[a-z_]+\b"
    r"|\\u[0-9a-f]{4}|&(?:amp|lt|gt|quot|#\d+);|\bNone\b|\bTrue\b|\bFalse\b|\{\{|\{%|lazy_?string",
    re.IGNORECASE)
SKIP_PREFIXES = ("/static/", "/logout", "/prefs/")


class _Reader(HTMLParser):
    """The text a person reads (not inside <script>, <style> or a 如何核验 block) and the
    page's links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._hidden = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "style") or (tag == "details"
                                          and "how-to-verify" in (attrs.get("class") or "")):
            self._hidden.append(tag)
        elif self._hidden and tag == self._hidden[-1]:
            self._hidden.append(tag)  # nested element of the same name as the hiding one

    def handle_endtag(self, tag):
        if self._hidden and tag == self._hidden[-1]:
            self._hidden.pop()

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _walk(app, client, start: list[str]) -> dict[str, str]:
    """Resident-visible text of each page reached by following links, a few per endpoint."""
    adapter = app.url_map.bind("localhost")
    seen_per_endpoint, texts, queue = {}, {}, list(start)
    while queue:
        path = queue.pop(0)
        if path in texts or path.startswith(SKIP_PREFIXES):
            continue
        try:
            endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
        except (HTTPException, RequestRedirect):  # not a page, or one another link reaches
            continue
        if seen_per_endpoint.get(endpoint, 0) >= PER_ENDPOINT:
            continue
        seen_per_endpoint[endpoint] = seen_per_endpoint.get(endpoint, 0) + 1
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            texts[path] = ""
            continue
        reader = _Reader()
        reader.feed(response.get_data(as_text=True))
        texts[path] = " ".join(reader.text)
        queue += [link.split("#")[0] for link in reader.links
                  if link.startswith("/") and not link.startswith("//")]
    return texts


def _offences(texts: dict[str, str]) -> list[str]:
    return [f"{path}: …{text[max(0, m.start() - 30):m.end() + 30]}…"
            for path, text in texts.items() for m in FORBIDDEN.finditer(text)]


def test_resident_pages_name_no_code_library_or_format(app, login_as):
    seed_demo_once()
    owner = db.session.scalar(select(User).where(User.mobile == OWNER_MOBILE))
    audit = f"/c/{demo_compound().id}/audit"
    client = login_as(owner, app.test_client())
    # Results first: the links of the demo's first proposals may not lead to one.
    results = [f"/c/{r.compound_id}/proposals/{r.proposal_id}/result"
               for r in db.session.execute(select(Proposal.compound_id, ProposalResult.proposal_id)
                                           .join(Proposal).limit(PER_ENDPOINT))]
    start = results + ["/", "/me", "/notifications/", audit.replace("audit", "")]
    texts = _walk(app, client, start)
    assert len([t for t in texts.values() if t]) > 30  # the walk reached the domains' pages
    assert results and set(results) <= set(texts) and audit in texts
    assert not _offences(texts), "\n".join(_offences(texts))

    assert client.post("/prefs/language", data={"lang": "en", "next": "/"}).status_code == 302
    english = _walk(app, client, start)
    assert "Activity log" in english[audit]
    assert not _offences(english), "\n".join(_offences(english))


def test_the_check_finds_a_code_outside_the_fold_and_allows_it_inside():
    reader = _Reader()
    reader.feed('<p>ok</p><details class="how-to-verify"><summary>如何核验</summary>'
                "<p>SHA-256 abc</p><details><p>x</p></details><p>hash</p></details>"
                "<p>issue.create</p>")
    text = " ".join(reader.text)
    assert "SHA" not in text and "hash" not in text
    assert [m.group(0) for m in FORBIDDEN.finditer(text)] == ["issue.create"]
