"""Anonymous reads of /api/v1/: what the site shows anyone, checked against the OpenAPI
document; a published result recounted from its export with the real `flask tally compute`."""
import json

import pytest

from app.extensions import db
from app.notices import services as notice_services
from app.proposals import services
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import World
from tests.proposals.web import open_now, vote_now

FIGURES = ("quorum_met", "passed", "threshold", "total_area", "total_owners",
           "participating_area", "participating_owners", "yes_area", "yes_owners", "no_area",
           "no_owners", "abstain_area", "abstain_owners")


def _closed_vote(w, **kw):
    p = open_now(w, w.proposal(matter=7, **kw))
    for owner, choice in zip(w.owners, ["yes", "yes", "yes", "no"], strict=False):
        vote_now(p, owner, choice)
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    return p


def test_anonymous_lists_results_fetches_an_export_and_recounts_it(app, api, tmp_path):
    w = World(n_owners=6)
    p = _closed_vote(w)
    compound = api.get("/api/v1/compounds").get_json()["items"][0]
    assert compound["id"] == w.compound.id and compound["name"] == "测试小区"
    listing = api.get(compound["links"]["results"]).get_json()
    item = next(i for i in listing["items"] if i["proposal_id"] == p.id)
    assert item["stage"] == "preliminary" and item["kind"] == "owners" and len(item["digest"]) == 64
    export = api.get(item["links"]["export"])
    assert export.status_code == 200 and export.mimetype == "application/json"
    text = export.get_data(as_text=True)
    assert not any(o.display_name in text or o.mobile in text for o in w.owners)
    path = tmp_path / "export.json"
    path.write_bytes(export.data)
    run = app.test_cli_runner().invoke(args=["tally", "compute", str(path)])
    assert run.exit_code == 0, run.output
    recount = json.loads(run.output)
    published = api.get(item["links"]["self"]).get_json()["result"]
    for key in FIGURES:
        assert recount[key] == published[key], key
    assert recount["passed"] is True and recount["yes_owners"] == 3


def test_a_vote_still_open_has_no_public_result(app, api):
    w = World(n_owners=4)
    p = open_now(w, w.proposal(matter=7))
    vote_now(p, w.owners[0], "yes")
    base = f"/api/v1/compounds/{w.compound.id}/results"
    assert api.get(base).get_json()["items"] == []
    assert api.get(f"{base}/{p.id}").status_code == 404
    assert api.get(f"{base}/{p.id}/export").status_code == 404


def test_a_secret_ballot_export_keeps_its_votes_for_members(app, api, token_for):
    w = World(n_owners=4)
    p = _closed_vote(w, is_secret=True)
    path = f"/api/v1/compounds/{w.compound.id}/results/{p.id}/export"
    anonymous = api.get(path).get_json()
    assert anonymous["secret"] is True and "votes" not in anonymous
    assert "votes_withheld" in anonymous and len(anonymous["participants"]) == 4
    outsider = make_user(name="外小区业主")
    elsewhere = make_compound("别的小区")
    make_resident(outsider, make_unit(elsewhere, room="901"))
    db.session.commit()
    assert "votes" not in api.get(path, token=token_for(outsider)).get_json()
    member = api.get(path, token=token_for(w.owners[0])).get_json()
    assert len(member["votes"]) == 4 and {v["choice"] for v in member["votes"]} == {"yes", "no"}


def test_notices_only_once_published_and_never_drafts(app, api):
    w = World(n_owners=1)
    shown = notice_services.create_draft(w.staff, w.compound, kind="general", title="停水通知",
                                         body="周六上午停水。")
    notice_services.publish(w.staff, shown, announce=False)
    draft = notice_services.create_draft(w.staff, w.compound, kind="general", title="草稿",
                                         body="未定稿")
    db.session.commit()
    base = f"/api/v1/compounds/{w.compound.id}/notices"
    items = api.get(base).get_json()["items"]
    assert [n["title"] for n in items] == ["停水通知"] and items[0]["phase"] == "running"
    one = api.get(items[0]["links"]["self"]).get_json()
    assert one["body_markdown"] == "周六上午停水。" and "<p>" in one["body_html"]
    assert api.get(f"{base}/{draft.id}").status_code == 404


def test_pages_have_links_and_a_maximum(app, api):
    for i in range(5):
        make_compound(f"小区{i}")
    db.session.commit()
    first = api.get("/api/v1/compounds?per_page=2").get_json()
    assert first["total"] == 5 and len(first["items"]) == 2 and first["links"]["prev"] is None
    second = api.get(first["links"]["next"]).get_json()
    assert second["page"] == 2 and second["links"]["prev"] == first["links"]["self"]
    last = api.get(second["links"]["next"]).get_json()
    assert len(last["items"]) == 1 and last["links"]["next"] is None
    refused = api.get("/api/v1/compounds?per_page=101")
    assert refused.status_code == 422 and "per_page" in refused.get_json()["errors"]["query"]
    assert api.get("/api/v1/compounds?page=0").status_code == 422


def test_etag_answers_304_and_anonymous_answers_are_public(app, api, token_for):
    w = World(n_owners=1)
    first = api.get(f"/api/v1/compounds/{w.compound.id}")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    assert "Authorization" in first.headers["Vary"]
    again = api.get(f"/api/v1/compounds/{w.compound.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    make_compound("新小区")
    db.session.commit()
    listing = api.get("/api/v1/compounds")
    changed = api.get("/api/v1/compounds", headers={"If-None-Match": listing.headers["ETag"]})
    assert changed.status_code == 304
    make_compound("又一个小区")
    db.session.commit()
    assert api.get("/api/v1/compounds",
                   headers={"If-None-Match": listing.headers["ETag"]}).status_code == 200
    private = api.get(f"/api/v1/compounds/{w.compound.id}", token=token_for(w.owners[0]))
    assert private.headers["Cache-Control"].startswith("private")


def test_unknown_compound_and_item_are_json_404(app, api):
    missing = api.get("/api/v1/compounds/999999")
    assert missing.status_code == 404 and missing.get_json()["status"] == "NOT_FOUND"
    assert "没有这项内容" in missing.get_json()["message"]


@pytest.mark.both_databases
def test_the_result_list_shows_the_final_result_once_published(app, api):
    w = World(n_owners=4)
    p = _closed_vote(w)
    services.publish_result(w.staff, p, now=p.objection_ends_at)
    db.session.commit()
    items = api.get(f"/api/v1/compounds/{w.compound.id}/results").get_json()["items"]
    assert [(i["proposal_id"], i["stage"]) for i in items] == [(p.id, "final")]


def test_the_audit_answer_names_the_compound_chain_and_its_anchors_link_up(app, api):
    w = World(n_owners=4)
    p = _closed_vote(w)
    services.publish_result(w.staff, p, now=p.objection_ends_at)
    db.session.commit()
    audit = api.get(f"/api/v1/compounds/{w.compound.id}/audit").get_json()
    assert audit["chain"] == f"c{w.compound.id}" and audit["head"]["seq"] > 0
    published = next(a for a in audit["anchors"] if a["reason"] == "result_published")
    assert published["chain"] == audit["chain"]
    # The stamp printed on the final result is an entry of that chain, at or before the anchor.
    stamp = api.get(f"/api/v1/compounds/{w.compound.id}/results/{p.id}").get_json()
    assert stamp["audit_head"] and published["chain_seq"] <= audit["head"]["seq"]
    walked, url, prev = [], "/api/v1/audit/anchors?per_page=2", "0" * 64
    while url:
        page = api.get(url).get_json()
        for anchor in page["items"]:
            assert anchor["prev_hash"] == prev, anchor
            prev = anchor["hash"]
            walked.append(anchor["seq"])
        url = page["links"].get("next")
    assert walked == list(range(1, len(walked) + 1)) and prev == audit["anchor_head"]["hash"]
