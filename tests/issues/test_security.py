"""Cross-compound access (every issues.* route), the XSS corpus on every page that shows
user text, and the comment rate limit."""
from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.issues import comments
from app.issues.models import IssuePhoto
from app.issues.photos import check, prepare
from tests.issues.helpers import IssueWorld, jpeg_bytes

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "[点我](javascript:alert(3))",
    '<a href="javascript:alert(4)">链接</a>',
    '<svg onload="alert(5)"><script>alert(6)</script></svg>',
    "<iframe src=//evil.example></iframe>",
    '[x](JaVaScRiPt:alert(7) "t")',
    "![img](x\" onerror=\"alert(8))",
    "<<script>script>alert(9)<</script>/script>",
    '<div style="background:url(javascript:alert(10))">x</div>',
]


class Checker(HTMLParser):
    """Collects anything that would run: script bodies, on* attributes, javascript: URLs,
    svg/iframe elements."""

    def __init__(self):
        super().__init__()
        self.problems, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        if tag in ("svg", "iframe", "object", "embed"):
            self.problems.append(tag)
        if tag == "script":
            self._in_script = not dict(attrs).get("src")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "style") and value and \
                    "javascript:" in value.replace(" ", "").lower():
                self.problems.append(f"{tag}[{name}]={value}")

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.problems.append("script")


def assert_inert(html: str, where: str) -> None:
    checker = Checker()
    checker.feed(html)
    assert checker.problems == [], where


@pytest.fixture
def w(app):
    return IssueWorld()


def test_xss_corpus_neutralised_everywhere(client, login_as, w):
    payload = "\n\n".join(XSS)
    w.owners[0].display_name = XSS[1][:40]
    w.owners[1].display_name = XSS[0][:40]
    issues = [w.issue(w.owners[0], title=p[:120], body=payload) for p in XSS]
    issue = issues[0]
    top = None
    for p in XSS:
        top = comments.post_comment(w.owners[1], issue, p)
        comments.post_comment(w.owners[0], issue, p + "\n\n" + payload, parent=top)
    comments.edit_comment(w.owners[1], top, payload)
    db.session.commit()
    base = f"/c/{w.compound.id}/issues"
    pages = [base + "/", f"{base}/{issue.id}", f"{base}/{issue.id}/comments/{top.id}/revisions",
             "/notifications/"]
    pages += [f"{base}/{i.id}" for i in issues[1:]]
    for viewer in (w.party, w.owners[1]):
        login_as(viewer)
        for url in pages:
            response = client.get(url)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, url
            assert_inert(response.get_data(as_text=True), url)
    login_as(w.owners[1])
    edit = client.get(f"{base}/{issue.id}/comments/{top.id}/edit").get_data(as_text=True)
    assert_inert(edit, "edit")
    # A failed submit shows the typed payload back in the form, escaped.
    response = client.post(f"{base}/new", data={"title": "", "body": payload,
                                                "category": "其他", "show_as": "name"})
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True), "new")


def _url_for_rule(rule, values):
    path = rule.rule
    for key, value in values.items():
        path = path.replace(f"<int:{key}>", str(value)).replace(f"<{key}>", str(value))
    return path.replace("<any(thumb):size>", "thumb")


def test_every_route_is_403_for_another_compound(app, client, login_as, w):
    issue = w.issue(w.owners[0])
    stored = prepare(check(jpeg_bytes())).store()
    photo = IssuePhoto(issue_id=issue.id, path=stored.path, sha256=stored.sha256,
                       thumb_path=stored.thumb_path, width=1, height=1, position=0)
    db.session.add(photo)
    comment = comments.post_comment(w.owners[1], issue, "评论")
    db.session.commit()
    values = {"compound_id": w.compound.id, "issue_id": issue.id, "comment_id": comment.id,
              "photo_id": photo.id, "name": "acknowledge"}
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("issues.")]
    assert len(rules) >= 12
    login_as(w.outsider)
    for rule in rules:
        url = _url_for_rule(rule, values)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"body": "x", "note": "x"})
            assert response.status_code == 403, (method, url, response.status_code)
    db.session.expire_all()
    assert issue.status == "open" and issue.second_count == 0


@pytest.fixture
def app_overrides():
    return {}


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "ISSUE_COMMENT_LIMIT": "3 per 10 minutes"}

    def test_comment_posting_is_rate_limited_per_account(self, client, login_as, w):
        issue = w.issue()
        url = f"/c/{w.compound.id}/issues/{issue.id}/comments"
        login_as(w.owners[1])
        statuses = [client.post(url, data={"body": f"第{i}条"}).status_code for i in range(4)]
        assert statuses == [302, 302, 302, 429]
        login_as(w.owners[2])
        assert client.post(url, data={"body": "别人"}).status_code == 302
