"""Exports: the Excel 表决结果统计表, the printable page with its QR code, and the public JSON
that `flask tally compute` recounts to the same result — for open and secret ballots, simple
and option ballots, owners, councils and consultations."""
import io
import json

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.proposals import results, services
from app.proposals.tally import TallyError
from app.proposals.tally_file import compute_document
from tests.factories import make_unit
from tests.proposals.helpers import World
from tests.proposals.web import open_now, url, vote_now


def _text(response) -> str:
    return response.get_data(as_text=True)


def _sheet_rows(data: bytes, name: str) -> list[tuple]:
    wb = load_workbook(io.BytesIO(data))
    return [tuple(c for c in row if c is not None) for row in wb[name].iter_rows(values_only=True)]


def _close(proposal):
    services.close_voting(proposal, now=proposal.voting_closes_at)
    db.session.commit()


def test_xlsx_hides_choices_until_close_then_states_every_figure(app, client, login_as):
    w = World(n_owners=4)
    p = open_now(w, w.proposal(matter=5))
    receipt = vote_now(p, w.owners[0], "yes")
    vote_now(p, w.owners[1], "yes")
    vote_now(p, w.owners[2], "no")
    login_as(w.owners[3])
    response = client.get(url(p, "export.xlsx"))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    summary = _sheet_rows(response.data, "汇总")
    assert any("投票尚未截止" in str(r[0]) for r in summary if r)
    ballots_rows = _sheet_rows(response.data, "选票")
    row = next(r for r in ballots_rows if r and r[0] == receipt)
    assert row[1] == w.units[0].number and row[2] == "100.00" and "截止后公布" in row
    assert "同意" not in row
    _close(p)
    data = client.get(url(p, "export.xlsx")).data
    summary = _sheet_rows(data, "汇总")
    flat = [str(c) for r in summary for c in r]
    assert "参与表决的专有部分面积" in flat and "300.00 m²" in flat and "400.00 m²" in flat
    assert "75.00%" in flat and "三分之二以上（≥ 2/3）" in flat and "达到" in flat
    assert "结论" in flat and "通过" in flat
    assert any(s.startswith("民法典 第二百七十八条") for s in flat)
    assert services.final_result(p) is None and any(len(s) == 64 for s in flat)  # head hash
    row = next(r for r in _sheet_rows(data, "选票") if r and r[0] == receipt)
    assert "同意" in row
    assert w.owners[0].display_name not in flat and w.owners[0].mobile not in flat


def test_secret_xlsx_keeps_participants_and_votes_apart(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal(is_secret=True))
    receipts = [vote_now(p, o, c) for o, c in zip(w.owners, ["yes", "no", "yes"], strict=True)]
    login_as(w.staff)
    data = client.get(url(p, "export.xlsx")).data
    assert "选票" not in load_workbook(io.BytesIO(data)).sheetnames
    participants = _sheet_rows(data, "参与名单")
    assert {r[0] for r in participants[1:]} == {u.number for u in w.units}
    assert not any(r in str(participants) for r in receipts)
    assert "投票截止后公布" in str(_sheet_rows(data, "匿名票"))
    _close(p)
    votes = _sheet_rows(client.get(url(p, "export.xlsx")).data, "匿名票")
    assert sorted(r[0] for r in votes[1:]) == sorted(receipts)
    assert not any(u.number in str(votes) for u in w.units)


def test_print_page_has_large_type_and_a_qr_code_to_its_check_page(app, client, login_as):
    w = World(n_owners=3)
    p = open_now(w, w.proposal())
    vote_now(p, w.owners[0])
    vote_now(p, w.owners[1])
    login_as(w.owners[2])
    assert client.get(url(p, "print")).status_code == 404  # no result yet
    _close(p)
    page = _text(client.get(url(p, "print")))
    assert 'class="print-result"' in page and "表决结果公告" in page
    assert 'src="data:image/svg+xml' in page
    assert f"http://localhost/v/result/{p.id}/" in page  # its login-free check page
    assert "表决结果：通过" in page
    assert '<details class="how-to-verify" open>' in page  # on paper nothing folds away


def test_json_export_recounts_to_the_result_page_figures(app, client, login_as, tmp_path):
    w = World(n_owners=5)
    make_unit(w.compound, room="901", area="120.55", developer=True)
    make_unit(w.compound, room="902", area="80.10", developer=True)
    db.session.commit()
    p = open_now(w, w.proposal(matter=7))
    for owner, choice in zip(w.owners, ["yes", "yes", "yes", "no"], strict=False):
        vote_now(p, owner, choice)
    login_as(w.owners[4])
    response = client.get(url(p, "export.json"))
    assert response.status_code == 409 and "投票截止后" in _text(response)
    _close(p)
    response = client.get(url(p, "export.json"))
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    doc = json.loads(response.data)
    assert {"units", "ballots", "matter"} <= doc.keys()
    assert not any(o.display_name in response.get_data(as_text=True) for o in w.owners)
    path = tmp_path / "export.json"
    path.write_bytes(response.data)
    run = app.test_cli_runner().invoke(args=["tally", "compute", str(path)])
    assert run.exit_code == 0, run.output
    recount = json.loads(run.output)
    shown = services.final_result(p) or _preliminary(p)
    for key in ("quorum_met", "passed", "threshold", "total_area", "total_owners",
                "participating_area", "participating_owners", "yes_area", "yes_owners",
                "no_area", "no_owners", "abstain_area", "abstain_owners"):
        assert recount[key] == shown[key], key
    assert recount["developer_units"] == 2 and recount["total_owners"] == 6
    page = _text(client.get(url(p, "result")))
    assert f"{recount['participating_area']} m²</strong> / {recount['total_area']} m²" in page


def _preliminary(proposal):
    from app.proposals.pages import stored_result
    return stored_result(proposal).result


def _roundtrip(proposal):
    doc = json.loads(json.dumps(results.export_document(proposal)))
    recount = compute_document(doc)
    recount.pop("developer_units", None)
    return doc, recount, results.compute(proposal)


@pytest.mark.parametrize("secret", [False, True])
def test_owner_ballots_round_trip_open_and_secret(app, secret):
    w = World(n_owners=5)
    make_unit(w.compound, room="990", area="33.33",
              owners=[(w.owners[0].display_name, w.owners[0].mobile)])  # a second unit
    db.session.commit()
    p = open_now(w, w.proposal(matter=6, is_secret=secret))
    for owner, choice in zip(w.owners, ["yes", "yes", "yes", "no", "abstain"], strict=True):
        vote_now(p, owner, choice)
    _close(p)
    doc, recount, web = _roundtrip(p)
    assert recount == web
    if secret:
        assert "ballots" not in doc and len(doc["participants"]) == len(doc["votes"]) == 5
        # No weight, owner or order beside a vote: only receipts and choices, and totals.
        assert all(set(v) == {"receipt", "choice"} for v in doc["votes"])
        assert [v["receipt"] for v in doc["votes"]] == sorted(v["receipt"] for v in doc["votes"])
        assert doc["totals"] == {"yes": {"votes": 3, "area": "333.33"},
                                 "no": {"votes": 1, "area": "100.00"},
                                 "abstain": {"votes": 1, "area": "100.00"}}
        assert "cannot" in doc["not_recomputable"]


@pytest.mark.parametrize("secret", [False, True])
def test_option_ballots_round_trip_with_a_verdict_per_option(app, secret):
    w = World(n_owners=6)
    p = open_now(w, w.proposal(matter=4, is_secret=secret,
                               options=["甲物业", "乙物业", "丙物业"]))
    for owner, choice in zip(w.owners, ["opt2", "opt2", "opt2", "opt2", "opt1", "abstain"],
                             strict=True):
        vote_now(p, owner, choice)
    _close(p)
    doc, recount, web = _roundtrip(p)
    assert recount == web
    assert doc["choices"] == ["opt1", "opt2", "opt3", "abstain"]
    assert [o["label"] for o in doc["options"]] == ["甲物业", "乙物业", "丙物业"]
    assert recount["options"] == {"opt1": {"passed": False}, "opt2": {"passed": True},
                                  "opt3": {"passed": False}}
    assert recount["passed"] is True and recount["opt2_owners"] == 4


@pytest.mark.parametrize("secret", [False, True])
def test_council_and_consultation_round_trip(app, secret):
    w = World(n_owners=3)
    council = open_now(w, w.proposal(kind="council", is_secret=secret))
    for member, choice in zip(w.council, ["yes", "yes", "yes", "no"], strict=False):
        vote_now(council, member, choice)
    _close(council)
    _, recount, web = _roundtrip(council)
    assert recount == web and recount["passed"] is True and recount["participating"] == 4
    consultation = open_now(w, w.proposal(kind="consultation", is_secret=secret,
                                          options=["周六", "周日"]))
    for owner, choice in zip(w.owners, ["opt1", "opt2", "opt1"], strict=True):
        vote_now(consultation, owner, choice)
    _close(consultation)
    _, recount, web = _roundtrip(consultation)
    assert recount == web and recount["counts"] == {"opt1": 2, "opt2": 1, "abstain": 0}


SECRET_BASE = {
    "kind": "owners", "matter": 1, "secret": True,
    "units": [{"unit": "1-1-101", "area": "90.00", "owner": "h1"},
              {"unit": "1-1-102", "area": "80.00", "owner": "h2"}],
    "participants": ["h1"], "votes": [{"receipt": "R1", "choice": "yes"}],
    "totals": {"yes": {"votes": 1, "area": "90.00"}}}


@pytest.mark.parametrize(("change", "message"), [
    ({"participants": ["h9"]}, "not in the electorate"),
    ({"participants": ["h1", "h1"]}, "listed twice"),
    ({"participants": ["h1", "h2"]}, "2 participants"),
    ({"totals": {"yes": {"votes": 1, "area": "80.00"}}}, "do not add up"),
    ({"totals": {"no": {"votes": 1, "area": "90.00"}}}, "votes list has 1"),
    ({"totals": None}, "needs 'totals'"),
    ({"votes": [{"receipt": "R1", "choice": "opt1"}]}, "unknown choice"),
    ({"votes": [{"choice": "yes"}]}, "needs"),
    ({"participants": None}, "needs a 'participants'"),
    ({"choices": ["yes"]}, "at least two"),
])
def test_compute_document_refuses_inconsistent_secret_or_option_files(change, message):
    with pytest.raises(TallyError, match=message):
        compute_document({**SECRET_BASE, **change})
    assert compute_document(SECRET_BASE)["participating_area"] == "90.00"
