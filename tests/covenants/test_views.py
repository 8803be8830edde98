"""Covenant pages over HTTP: every page renders for members, forms keep what was typed,
refusals change nothing, and every route is closed to another compound's members."""
import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.covenants import household, services
from app.covenants.lifecycle import covenant_of
from app.covenants.models import Covenant, CovenantComment, CovenantSignature, CovenantVersion
from app.extensions import db
from tests.covenants.helpers import CovenantWorld
from tests.issues.test_security import XSS, assert_inert


@pytest.fixture
def w(app):
    return CovenantWorld()


def _base(w):
    return f"/c/{w.compound.id}/covenants"


def test_drafting_a_covenant_through_the_form(client, login_as, w):
    login_as(w.party)
    response = client.post(_base(w) + "/new", data={"kind": "residents", "title": "",
                                                    "articles": "第一条内容"})
    assert response.status_code == 400
    assert "第一条内容" in response.get_data(as_text=True)  # what was typed stays
    response = client.post(_base(w) + "/new", data={"kind": "residents", "title": "居民公约",
                                                    "articles": "一。\n\n二。"})
    assert response.status_code == 302
    version = db.session.scalar(select(CovenantVersion))
    assert [a.body for a in version.articles] == ["一。", "二。"]


def test_residents_cannot_draft(client, login_as, w):
    login_as(w.owners[0])
    assert client.get(_base(w) + "/new").status_code == 403
    assert client.post(_base(w) + "/new", data={"kind": "residents", "title": "x",
                                                "articles": "y"}).status_code == 403
    assert db.session.scalar(select(func.count(Covenant.id))) == 0


def test_commenting_per_article_and_seeing_authors(client, login_as, w):
    version = w.draft()
    url = f"{_base(w)}/{version.covenant_id}/versions/{version.id}"
    login_as(w.member)
    page = client.get(url + "?article=2").get_data(as_text=True)
    assert re.search(r'<option value="2" selected>', page)
    response = client.post(url + "/comments", data={"article": 2, "body": "建议**细化**"})
    assert response.status_code == 302 and response.location.endswith("#art-2")
    login_as(w.owners[0])
    page = client.get(url).get_data(as_text=True)
    assert "<strong>细化</strong>" in page and w.member.display_name in page
    assert "badge-party" in page  # the commenter chose to show the party badge
    assert "针对修改前的条文" not in page
    services.save_articles(w.party, version, "改过的第一条。\n\n改过的第二条。")
    db.session.commit()
    assert "针对修改前的条文" in client.get(url).get_data(as_text=True)


def test_a_refused_step_changes_nothing(client, login_as, w):
    version = w.draft()
    url = f"{_base(w)}/{version.covenant_id}/versions/{version.id}"
    login_as(w.owners[0])
    response = client.post(url + "/step/close_consultation")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(CovenantVersion, version.id).state == "consultation"
    assert client.post(url + "/step/nonsense").status_code == 404


def test_walk_through_the_pages_to_publication(client, login_as, w):
    version = w.draft()
    url = f"{_base(w)}/{version.covenant_id}/versions/{version.id}"
    login_as(w.party)
    assert client.post(url + "/articles", data={"articles": "甲。\n\n乙。"}).status_code == 302
    assert client.post(url + "/step/close_consultation").status_code == 302
    assert client.post(url + "/step/submit_review").status_code == 302
    login_as(w.staff)
    assert client.post(url + "/step/approve_review").status_code == 302
    login_as(w.party)
    response = client.post(url + "/proposal", data={"kind": "consultation"})
    assert response.status_code == 302 and "/proposals/" in response.location
    response = client.post(url + "/step/adopt")
    assert response.status_code == 409
    assert "表决的最终结果尚未公布" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CovenantVersion, version.id).state == "voting"


def test_covenant_page_shows_count_diff_and_commitments(client, login_as, w):
    first = w.in_force()
    covenant = covenant_of(first)
    second = services.start_version(w.party, covenant)
    services.save_articles(w.party, second, "爱护公共设施，不在楼道和消防通道堆放杂物。\n\n"
                                             "垃圾分类投放。\n\n文明养犬，及时清理宠物粪便。"
                                             "\n\n节约用水。")
    w.approved(second)
    w.vote(second)
    from app.covenants import adoption
    adoption.adopt(w.party, second)
    adoption.publish(w.staff, second)
    household.commit(w.member, covenant, "我承诺带头遵守。")
    db.session.commit()
    login_as(w.owners[0])
    url = f"{_base(w)}/{covenant.id}"
    assert client.post(url + "/sign").status_code == 302
    login_as(w.family)
    response = client.post(url + "/sign")
    assert response.status_code == 409
    page = client.get(url).get_data(as_text=True)
    assert "已签署 1 户 / 共 5 户" in page
    assert "新增 1 条，删除 0 条，修改 2 条" in page
    assert "<ins><span class=\"vh\">" in page and "<del><span class=\"vh\">" in page
    assert "我承诺带头遵守。" in page and "badge-party" in page
    assert db.session.scalar(select(func.count(CovenantSignature.id))) == 1
    printed = client.get(url + "/print").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in printed and "第2版" in printed


def test_xss_in_comments_commitments_and_titles_is_inert(client, login_as, w):
    payload = "\n\n".join(XSS)
    version = w.in_force(articles=payload)
    covenant = covenant_of(version)
    household.commit(w.member, covenant, XSS[0])
    second = services.start_version(w.party, covenant)
    for p in XSS:
        services.comment(w.owners[0], second, 1, p)
    db.session.commit()
    login_as(w.owners[2])
    base = f"{_base(w)}/{covenant.id}"
    for url in (_base(w) + "/", base, base + "/print", f"{base}/versions/{second.id}",
                f"{base}/versions/{version.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), url)


def _url_for_rule(rule, values):
    path = rule.rule
    for key, value in values.items():
        path = path.replace(f"<int:{key}>", str(value)).replace(f"<{key}>", str(value))
    return path


def test_every_route_is_403_for_another_compound(app, client, login_as, w):
    version = w.in_force()
    covenant = covenant_of(version)
    household.sign(w.owners[0], covenant)
    db.session.commit()
    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    values = {"compound_id": w.compound.id, "covenant_id": covenant.id,
              "version_id": version.id, "name": "adopt"}
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("covenants.")]
    assert len(rules) >= 15
    login_as(w.outsider)
    for rule in rules:
        url = _url_for_rule(rule, values)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={
                "body": "x", "reason": "x", "articles": "x", "kind": "owners", "proposal": 1,
                "title": "x", "article": 1})
            assert response.status_code == 403, (method, url, response.status_code)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries
    assert db.session.scalar(select(func.count(CovenantComment.id))) == 0


def test_ids_of_another_compound_are_not_found(client, login_as, w):
    version = w.draft()
    mine = f"{_base(w)}/{version.covenant_id}"
    login_as(w.outsider)
    # The outsider's own compound with this compound's covenant id: 404, nothing leaks.
    from app.compounds.models import Residency
    other_id = db.session.scalar(select(Residency.compound_id).where(
        Residency.user_id == w.outsider.id))
    response = client.get(f"/c/{other_id}/covenants/{version.covenant_id}")
    assert response.status_code == 404
    response = client.get(f"/c/{other_id}/covenants/{version.covenant_id}/versions/{version.id}")
    assert response.status_code == 404
    assert client.get(mine).status_code == 403
