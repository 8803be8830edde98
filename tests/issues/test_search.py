"""Chinese search over a compound's issues and comments, on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm): 2-character words, edits and hides in step, no other compound's content,
filters, ranking, escaped highlighting, and a fixed number of statements."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.core.errors import ServiceError
from app.core.time import utcnow
from app.extensions import db
from app.issues import comments, search
from tests.conftest import count_queries
from tests.issues.helpers import IssueWorld
from tests.issues.test_security import XSS, assert_inert

pytestmark = pytest.mark.both_databases

SEARCH_BUDGET = 10
HIT = re.compile(r'href="/c/\d+/issues/(\d+)(#c\d+)?"')


@pytest.fixture
def w(app):
    return IssueWorld()


def _url(w, **params):
    from urllib.parse import urlencode

    return f"/c/{w.compound.id}/issues/search?{urlencode(params)}"


def _hits(client, w, **params) -> list[str]:
    """The results as 'i<id>' (an issue) or 'c<id>' (a comment), in the order shown."""
    response = client.get(_url(w, **params))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    part = html.split('id="search-results"', 1)[1]
    return [f"c{a[2:]}" if a else f"i{i}" for i, a in HIT.findall(part)]


def _found(w, words, **filters) -> list[str]:
    results = search.search(w.compound, words, **filters)
    return [f"c{h.comment.id}" if h.comment else f"i{h.issue.id}" for h in results.hits]


def _world_with_text(w):
    parking = w.issue(title="地下停车场收费太贵", body="每月三百元。")
    lift = w.issue(title="5栋的问题", body="电梯经常停运，老人上下楼很难。")
    other = w.issue(title="垃圾分类", body="桶不够。")
    said = comments.post_comment(w.owners[1], other, "顺便说一下，停车位也不够。")
    db.session.commit()
    return parking, lift, other, said


def test_two_character_words_in_titles_bodies_and_comments(client, login_as, w):
    parking, lift, other, said = _world_with_text(w)
    login_as(w.owners[2])
    assert sorted(_hits(client, w, q="停车")) == sorted([f"i{parking.id}", f"c{said.id}"])
    assert _hits(client, w, q="电梯") == [f"i{lift.id}"]
    assert _hits(client, w, q="分类") == [f"i{other.id}"]
    assert _hits(client, w, q="停车场") == [f"i{parking.id}"]  # the trigram index path
    assert _hits(client, w, q="消防") == []
    page = client.get(_url(w, q="停车")).get_data(as_text=True)
    assert f'/issues/{other.id}#c{said.id}"' in page  # a comment links to its anchor
    assert "<mark>停车</mark>" in page


def test_every_word_must_match_and_latin_case_is_ignored(w):
    parking, lift, *_ = _world_with_text(w)
    both = w.issue(title="停车场电梯坏了", body="Lift B 不动")
    assert _found(w, ["停车", "电梯"]) == [f"i{both.id}"]
    assert _found(w, ["电梯", "停运"]) == [f"i{lift.id}"]
    assert _found(w, ["lift"]) == [f"i{both.id}"]
    assert _found(w, ["停车场", "收费"]) == [f"i{parking.id}"]


def test_query_rules(client, login_as, w):
    _world_with_text(w)
    for raw, message in (("车", "至少输入两个字"), ("停车 车", "至少输入两个字"),
                         ("停" * 51, "不超过 50 个字"),
                         ("一二 三四 五六 七八 九十 十一", "最多用 5 个词")):
        with pytest.raises(ServiceError) as refused:
            search.parse_query(raw)
        assert message in str(refused.value.message)
    assert search.parse_query("  停车   电梯 停车 ") == ["停车", "电梯"]
    assert search.parse_query("   ") == []
    login_as(w.owners[0])
    page = client.get(_url(w, q="车")).get_data(as_text=True)
    assert "每个词请至少输入两个字" in page and 'aria-invalid="true"' in page
    assert _hits(client, w, q="车") == []


def test_like_wildcards_and_fts_syntax_are_literal(w):
    percent = w.issue(title="满意度100%达标", body="")
    w.issue(title="满意度1000达标", body="a_b")
    assert _found(w, ["0%"]) == [f"i{percent.id}"]
    assert _found(w, ["%%"]) == []
    assert _found(w, ["__"]) == []
    assert _found(w, ["\\\\"]) == []
    quoted = w.issue(title='他说"停车"不行', body="")
    assert _found(w, ['"停车"']) == [f"i{quoted.id}"]
    assert _found(w, ['"停车', "OR", "NEAR(a"]) == []


def _fts_consistent():
    if db.engine.dialect.name == "sqlite":
        for table in ("issues_fts", "comments_fts"):
            db.session.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))


def test_edits_keep_the_index_in_step(w):
    parking, lift, other, said = _world_with_text(w)
    parking.title = "地下充电桩不够"
    parking.body_source = "晚上排队。"
    db.session.commit()
    assert _found(w, ["停车场"]) == [] and _found(w, ["收费"]) == []
    assert _found(w, ["充电桩"]) == [f"i{parking.id}"] and _found(w, ["排队"]) == [f"i{parking.id}"]
    comments.edit_comment(w.owners[1], said, "顺便说一下，快递柜也满了。")
    db.session.commit()
    assert _found(w, ["停车"]) == [] and _found(w, ["停车位"]) == []
    assert _found(w, ["快递柜"]) == [f"c{said.id}"] and _found(w, ["快递"]) == [f"c{said.id}"]
    parking.second_count = 3  # an update of other columns leaves the index alone
    db.session.commit()
    assert _found(w, ["充电桩"]) == [f"i{parking.id}"]
    gone = comments.post_comment(w.owners[2], lift, "门禁卡坏了")
    db.session.commit()
    assert _found(w, ["门禁卡"]) == [f"c{gone.id}"]
    db.session.delete(gone)
    db.session.commit()
    assert _found(w, ["门禁卡"]) == [] and _found(w, ["门禁"]) == []
    _fts_consistent()


def test_hidden_content_is_never_found(client, login_as, w):
    parking, lift, other, said = _world_with_text(w)
    reply = comments.post_comment(w.owners[2], parking, "停车费确实贵。")
    db.session.commit()
    login_as(w.owners[3])
    assert set(_hits(client, w, q="停车")) == {f"i{parking.id}", f"c{said.id}", f"c{reply.id}"}
    said.is_hidden, said.hidden_reason = True, "广告"
    parking.is_hidden, parking.hidden_reason = True, "不实"
    db.session.commit()
    # The hidden comment, the hidden issue and the comment under the hidden issue are gone.
    for viewer in (w.owners[3], w.party, w.staff):
        login_as(viewer)
        assert _hits(client, w, q="停车") == []
        page = client.get(_url(w, q="停车")).get_data(as_text=True)
        assert "停车费确实贵" not in page and "停车位也不够" not in page
        assert "地下停车场" not in page
    said.is_hidden = parking.is_hidden = False  # restored: found again at once
    db.session.commit()
    login_as(w.owners[3])
    assert set(_hits(client, w, q="停车")) == {f"i{parking.id}", f"c{said.id}", f"c{reply.id}"}


def test_other_compounds_content_is_never_found(client, login_as, w):
    from app.issues import services
    from tests.factories import make_resident, make_unit, make_user

    mine = w.issue(title="电梯坏了", body="")
    neighbour = make_user(name="别处业主")
    make_resident(neighbour, make_unit(w.other, building="1"), "owner")
    db.session.commit()
    theirs = services.post_issue(neighbour, w.other, title="电梯坏了", body="电梯电梯",
                                 category="公共设施")
    comments.post_comment(neighbour, theirs, "电梯也坏了")
    db.session.commit()
    login_as(w.owners[0])
    assert _hits(client, w, q="电梯") == [f"i{mine.id}"]
    assert _found(w, ["电梯"]) == [f"i{mine.id}"]
    login_as(w.outsider)
    response = client.get(_url(w, q="电梯"))
    assert response.status_code == 403
    assert "电梯" not in response.get_data(as_text=True)


def test_filters(w):
    from app.issues import services

    building = w.units[0].building_id
    a = w.issue(title="电梯异响", category="公共设施", building_id=building)
    b = w.issue(title="电梯广告", category="物业服务")
    said = comments.post_comment(w.owners[1], a, "电梯昨天又停了")
    services.acknowledge(w.property, b)
    db.session.commit()
    assert set(_found(w, ["电梯"])) == {f"i{a.id}", f"i{b.id}", f"c{said.id}"}
    assert _found(w, ["电梯"], status="acknowledged") == [f"i{b.id}"]
    assert set(_found(w, ["电梯"], category="公共设施")) == {f"i{a.id}", f"c{said.id}"}
    assert set(_found(w, ["电梯"], building_id=building)) == {f"i{a.id}", f"c{said.id}"}
    assert _found(w, ["电梯"], status="closed") == []


def test_filters_through_the_page(client, login_as, w):
    a = w.issue(title="电梯异响", category="公共设施")
    w.issue(title="电梯广告", category="物业服务")
    login_as(w.owners[1])
    assert _hits(client, w, q="电梯", category="公共设施", status="open") == [f"i{a.id}"]
    assert _hits(client, w, q="电梯", status="nonsense", building="0") != []


def test_ranking(w):
    now = utcnow()
    body_once = w.issue(title="小区问题一", body="电梯坏了")
    body_thrice = w.issue(title="小区问题二", body="电梯坏了，电梯不动，电梯没人修")
    title_old = w.issue(title="电梯噪音", body="")
    title_new = w.issue(title="电梯维修", body="")
    said = comments.post_comment(w.owners[1], body_once, "电梯电梯")
    for i, issue in enumerate((body_once, body_thrice, title_old, title_new)):
        issue.created_at = now - timedelta(days=10 - i)
    said.created_at = now
    db.session.commit()
    # Title matches first (newest first among equals), then by occurrences, then newest.
    assert _found(w, ["电梯"]) == [f"i{title_new.id}", f"i{title_old.id}", f"i{body_thrice.id}",
                                   f"c{said.id}", f"i{body_once.id}"]


def test_pages(client, login_as, w):
    for i in range(search.PAGE_SIZE + 3):
        w.issue(title=f"停车问题{i}", body="")
    login_as(w.owners[0])
    first = _hits(client, w, q="停车")
    second = _hits(client, w, q="停车", page=2)
    assert len(first) == search.PAGE_SIZE and len(second) == 3
    assert not set(first) & set(second)
    page = client.get(_url(w, q="停车")).get_data(as_text=True)
    assert "找到 23 条结果" in page and "page=2" in page and "q=%E5%81%9C%E8%BD%A6" in page


def test_highlight_is_built_from_escaped_parts():
    assert search.highlight("<b>停车</b>", ["停车"]) == "&lt;b&gt;<mark>停车</mark>&lt;/b&gt;"
    assert search.highlight("a<script>b", ["<script>"]) == "a<mark>&lt;script&gt;</mark>b"
    assert search.highlight("Lift lift", ["LIFT"]) == "<mark>Lift</mark> <mark>lift</mark>"
    assert search.highlight("停车场", ["停车", "车场"]) == "<mark>停车场</mark>"
    long = "开头" + "很长的话" * 40 + "这里说停车的事" + "后面的话" * 40
    cut = search.snippet(long, ["停车"])
    assert str(cut).startswith("…") and str(cut).endswith("…") and "<mark>停车</mark>" in cut
    assert len(str(cut)) < 120
    assert search.snippet("短文  停车", ["停车"]) == "短文 <mark>停车</mark>"


def test_xss_in_content_and_query_stays_inert(client, login_as, w):
    payload = "\n\n".join(XSS)
    for p in XSS:
        issue = w.issue(title=p[:120], body=payload)
        comments.post_comment(w.owners[1], issue, p + " " + payload)
    db.session.commit()
    login_as(w.owners[2])
    for q in ("script", "<script>alert(1)</script>", "javascript:alert(3)", "onerror", "<svg",
              '"><img src=x onerror=alert(1)>'):
        for params in ({"q": q}, {"q": q, "category": q}):
            response = client.get(_url(w, **params))
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            assert_inert(html, q)
    html = client.get(_url(w, q="<script>")).get_data(as_text=True)
    assert "<mark>&lt;script&gt;</mark>" in html


def test_htmx_gets_the_results_alone(client, login_as, w):
    issue = w.issue(title="电梯坏了", body="")
    login_as(w.owners[0])
    response = client.get(_url(w, q="电梯"),
                          headers={"HX-Request": "true", "HX-Target": "search-results"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="search-results"' in html
    assert f"/issues/{issue.id}" in html
    assert "<html" in client.get(_url(w, q="电梯")).get_data(as_text=True)


def test_issue_list_has_the_search_form(client, login_as, w):
    login_as(w.owners[0])
    html = client.get(f"/c/{w.compound.id}/issues/?status=open").get_data(as_text=True)
    assert f'action="/c/{w.compound.id}/issues/search"' in html
    assert 'name="q"' in html and 'name="status" value="open"' in html


def test_search_page_budget(client, login_as, w):
    issue = w.issue(title="停车难", body="")
    comments.post_comment(w.owners[1], issue, "停车位太少")
    db.session.commit()
    login_as(w.owners[2])
    url = _url(w, q="停车")

    def measure():
        client.get(url)
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    few = measure()
    for i in range(30):
        other = w.issue(w.owners[i % 4], title=f"停车{i}", body="停车停车",
                        building_id=w.units[i % 4].building_id)
        comments.post_comment(w.owners[(i + 1) % 4], other, f"停车意见{i}")
        db.session.commit()
    many = measure()
    assert many == few, (few, many)
    assert many <= SEARCH_BUDGET, many


def test_indexes_exist_and_are_used(w):
    parking, *_ = _world_with_text(w)
    if db.engine.dialect.name == "sqlite":
        ids = db.session.scalars(text(
            "SELECT rowid FROM issues_fts WHERE issues_fts MATCH '\"停车场\"'")).all()
        assert ids == [parking.id]
        with count_queries() as q:
            search.search(w.compound, ["停车场"])
        assert any("issues_fts MATCH" in s and "comments_fts MATCH" in s for s in q.statements)
        with count_queries() as q:
            search.search(w.compound, ["停车"])  # 2 characters: base tables only
        assert not any("_fts" in s for s in q.statements)
    else:
        names = set(db.session.scalars(text(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm'")))
        assert names == {"ix_issues_title_trgm", "ix_issues_body_trgm", "ix_comments_body_trgm"}
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables otherwise
        for sql, index in (("SELECT id FROM issues WHERE body_source ILIKE '%停车场%'",
                            "ix_issues_body_trgm"),
                           ("SELECT id FROM comments WHERE body_source ILIKE '%停车%'",
                            "ix_comments_body_trgm")):
            plan = "\n".join(db.session.scalars(text("EXPLAIN " + sql)))
            assert index in plan, plan
        db.session.rollback()
