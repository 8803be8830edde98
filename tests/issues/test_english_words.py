"""English mode says every label of an issue in English: the default categories, and the
anonymous author, which is stored as the compound's record says it (in Chinese) whatever the
language its author used, and shown in each reader's language."""
from app.extensions import db
from app.issues import comments
from app.issues.models import Issue
from tests.issues.helpers import IssueWorld


def _english(client):
    assert client.post("/prefs/language", data={"lang": "en", "next": "/"}).status_code == 302


def test_categories_and_anonymous_authors_read_in_the_readers_language(app, client, login_as):
    w = IssueWorld()
    issue = w.issue(show_as="anonymous")
    comments.post_comment(w.owners[1], issue, "我也遇到了。", show_as="anonymous")
    db.session.commit()
    assert db.session.get(Issue, issue.id).anonymous_label == "某业主 (3栋)"  # the record
    base = f"/c/{w.compound.id}/issues"

    login_as(w.tenant)
    page = client.get(f"{base}/{issue.id}").get_data(as_text=True)
    assert "公共设施" in page and "某业主 (3栋)" in page and "某业主 (4栋)" in page
    _english(client)
    for path in (f"{base}/{issue.id}", f"{base}/"):
        page = client.get(path).get_data(as_text=True)
        assert "Public facilities" in page and ">公共设施<" not in page, path  # values stay
    page = client.get(f"{base}/{issue.id}").get_data(as_text=True)
    assert "An owner (building 3)" in page and "An owner (building 4)" in page
    assert "某业主" not in page and w.owners[0].display_name not in page
    new = client.get(f"{base}/new").get_data(as_text=True)
    assert '<option value="公共设施">Public facilities</option>' in new  # the value stays


def test_an_anonymous_author_writing_in_english_is_stored_in_chinese(app, client, login_as):
    w = IssueWorld()
    login_as(w.owners[0])
    _english(client)
    response = client.post(f"/c/{w.compound.id}/issues/new", data={
        "title": "Lamp broken", "body": "Dark at night.", "category": "公共设施",
        "show_as": "anonymous"})
    assert response.status_code == 302
    issue = db.session.scalar(db.select(Issue))
    assert issue.anonymous_label == "某业主 (3栋)"
