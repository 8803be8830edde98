"""An anonymous issue hides its author wherever residents read who did something: the issue
and its timeline, the list and search, and the compound's audit trail, whose entries of the
author's own steps show "某业主 (3栋)" instead of "业主 刘**". Staff and the party cell (and the
author) still see who."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.services import record
from app.audit.verification import verify
from app.extensions import db
from app.issues import services
from tests.issues.helpers import IssueWorld

AUTHOR = "刘德华"
MASKED = "刘**"  # how the trail shows a named actor
LABEL = "某业主 (3栋)"


def _anonymous_issue_confirmed_by_its_author(client, login_as):
    w = IssueWorld()
    author = w.owners[0]  # building 3
    author.display_name = AUTHOR
    db.session.commit()
    login_as(author)
    response = client.post(f"/c/{w.compound.id}/issues/new", data={
        "title": "地库渗水", "body": "B2", "category": "物业服务", "building": "0",
        "show_as": "anonymous"}, content_type="multipart/form-data")
    assert response.status_code == 302
    issue = db.session.scalar(select(services.Issue))
    services.acknowledge(w.property, issue)
    services.answer(w.property, issue, "已修好")
    db.session.commit()
    assert client.post(f"/c/{w.compound.id}/issues/{issue.id}/act/confirm",
                       data={"rating": "satisfied"}).status_code == 302
    return w, issue


def _trail(client, w) -> str:
    response = client.get(f"/c/{w.compound.id}/audit")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_trail_hides_the_anonymous_author_from_members(app, client, login_as):
    w, issue = _anonymous_issue_confirmed_by_its_author(client, login_as)
    for viewer in (w.owners[1], w.tenant, w.property, w.council, w.grid):
        login_as(viewer)
        html = _trail(client, w)
        assert MASKED not in html and AUTHOR not in html, viewer.display_name
        assert html.count(LABEL) == 2  # raising the issue and confirming it
    for viewer in (w.staff, w.party, w.owners[0]):
        login_as(viewer)
        assert MASKED in _trail(client, w), viewer.display_name
    marks = db.session.scalars(select(AuditEntry.data).where(
        AuditEntry.action.in_(["issue.create", "issue.confirm"]))).all()
    assert [m["anonymous_as"] for m in marks] == [LABEL, LABEL]
    assert verify().ok


def test_entries_written_before_the_mark_are_hidden_too(app, client, login_as):
    """The chain can't be rewritten: an older entry of the author acting on their anonymous
    issue carries no mark, and the trail recognises it by the issue it covers."""
    w = IssueWorld()
    w.owners[0].display_name = AUTHOR
    issue = w.issue(w.owners[0], show_as="anonymous")
    record(w.owners[0], w.compound, "issue.confirm", issue, {"rating": "satisfied"},
           actor_role="owner")  # as the code before the mark wrote it
    named = w.issue(w.owners[0])  # the same person's named issue stays named
    db.session.commit()
    login_as(w.owners[1])
    html = _trail(client, w)
    assert html.count(LABEL) == 2 and html.count(MASKED) == 1
    assert named.show_as == "name"


def test_issue_timeline_hides_the_author_who_confirmed(app, client, login_as):
    w, issue = _anonymous_issue_confirmed_by_its_author(client, login_as)
    page = f"/c/{w.compound.id}/issues/{issue.id}"
    for viewer in (w.owners[1], w.property):
        login_as(viewer)
        html = client.get(page).get_data(as_text=True)
        assert AUTHOR not in html and LABEL in html and "发起人" in html
    for viewer in (w.staff, w.party):
        login_as(viewer)
        assert AUTHOR in client.get(page).get_data(as_text=True)


def test_search_and_list_keep_the_author_hidden(app, client, login_as):
    w, issue = _anonymous_issue_confirmed_by_its_author(client, login_as)
    login_as(w.owners[1])
    for path in ("/", "/search?q=地库"):
        html = client.get(f"/c/{w.compound.id}/issues{path}").get_data(as_text=True)
        assert LABEL in html and AUTHOR not in html, path


def test_an_anonymous_comment_hides_its_author_from_other_residents(app, client, login_as):
    w = IssueWorld()
    author = w.owners[0]  # building 3
    author.display_name = AUTHOR
    issue = w.issue(w.owners[1], title="楼道堆物")
    db.session.commit()
    login_as(author)
    page = f"/c/{w.compound.id}/issues/{issue.id}"
    assert client.post(f"{page}/comments", data={
        "body": "三楼的纸箱放了一个月", "anonymous": "y"}).status_code == 302
    for viewer in (w.owners[1], w.tenant, w.property):
        login_as(viewer)
        for path in (page, f"/c/{w.compound.id}/issues/search?q=纸箱", f"/c/{w.compound.id}/audit"):
            html = client.get(path).get_data(as_text=True)
            assert LABEL in html and AUTHOR not in html and MASKED not in html, path
    for viewer in (w.staff, w.party, author):
        login_as(viewer)
        assert AUTHOR in client.get(page).get_data(as_text=True)
    assert verify().ok
