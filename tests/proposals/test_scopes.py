"""Scoped owners' decisions (列支范围): the electorate, totals and thresholds are those of the
buildings or units in scope, with owner counting per 司法解释 第八、九条 inside the scope."""
import json

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.verification import verify
from app.core.db import with_loaded
from app.core.errors import ServiceError
from app.extensions import db
from app.proposals import ballots, results, services
from app.proposals.models import ElectorateMember, Proposal, ProposalScope
from app.proposals.tally_file import compute_document
from tests.factories import make_compound, make_resident, make_unit, make_user
from tests.proposals.helpers import World

pytestmark = pytest.mark.both_databases


def _members(proposal) -> dict[str, ElectorateMember]:
    return {m.voter_key: m for m in db.session.scalars(select(ElectorateMember).where(
        ElectorateMember.proposal_id == proposal.id))}


def _fresh(p):
    return with_loaded(p, Proposal.options)


def _scoped(w, scope, matter=5, **kw):
    p = services.create(w.party, w.compound, title="更换3栋电梯", body="", kind="owners",
                        matter=matter, scope=scope, **kw)
    db.session.commit()
    return p


def _walk(w, p):
    from tests.proposals.helpers import to_deliberation
    to_deliberation(p, w.party, w.party_deputy)
    db.session.commit()
    return w.to_voting(p)


# (units as (building, room, area, owner key or "dev"), scope, expected members:
#  {key: (area, unit count)}, total owners, total area)
TABLE = [
    pytest.param(
        [("3", "101", "100.00", "A"), ("3", "102", "80.00", "A"), ("1", "101", "50.00", "A"),
         ("3", "201", "90.00", "B")],
        ["3栋"], {"A": ("180.00", 2), "B": ("90.00", 1)}, 2, "270.00",
        id="a multi-unit owner counts once inside a scope, with the inside area only"),
    pytest.param(
        [("3", "101", "100.00", "A"), ("1", "901", "120.00", "dev"),
         ("1", "902", "80.00", "dev"), ("3", "201", "90.00", "B")],
        ["3"], {"A": ("100.00", 1), "B": ("90.00", 1)}, 2, "190.00",
        id="a scope that leaves out the developer's units"),
    pytest.param(
        [("3", "101", "100.00", "A"), ("3", "901", "120.00", "dev"),
         ("3", "902", "80.00", "dev"), ("1", "903", "70.00", "dev")],
        ["3栋"], {"A": ("100.00", 1), "developer": ("200.00", 2)}, 2, "300.00",
        id="the developer's units inside the scope count together as one owner"),
    pytest.param(
        [("3", "101", "100.00", "A"), ("5", "1201", "90.00", "B"), ("5", "1202", "95.00", "C"),
         ("1", "101", "60.00", "A")],
        ["3栋", "5-1-1201"], {"A": ("100.00", 1), "B": ("90.00", 1)}, 2, "190.00",
        id="buildings and single units together"),
]


@pytest.mark.parametrize("units, scope, expected, owners, area", TABLE)
def test_scoped_electorate(app, units, scope, expected, owners, area):
    w = World(n_owners=0)
    people = {}
    for building, room, unit_area, owner in units:
        if owner == "dev":
            make_unit(w.compound, building=building, room=room, area=unit_area, developer=True)
            continue
        person = people.setdefault(owner, make_user(name=f"业主{owner}"))
        unit = make_unit(w.compound, building=building, room=room, area=unit_area,
                         owners=[(person.display_name, person.mobile)])
        make_resident(person, unit)
    db.session.commit()
    p = _scoped(w, scope)
    _walk(w, p)
    members = _members(p)
    by_owner = {("developer" if key == "developer" else next(
        o for o, u in people.items() if m.designated_mobile == u.mobile)): m
        for key, m in members.items()}
    assert {k: (format(m.area, "f"), len(m.units_label.split()))
            for k, m in by_owner.items()} == expected
    result = results.compute(p)
    assert result["total_owners"] == owners and result["total_area"] == area
    assert result["scope"] == p.scope_label


def test_scope_label_is_frozen_with_the_notice_and_named_in_the_audit(app):
    w = World(n_owners=1)
    make_unit(w.compound, building="3", room="101")
    make_unit(w.compound, building="5", entrance="2", room="1201")
    db.session.commit()
    p = _scoped(w, ["5栋2单元1201", "3栋"])
    assert p.scope_label == "3栋、5栋2单元1201"
    _walk(w, p)
    assert p.scope_label == "3栋、5栋2单元1201"
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.data).where(
        AuditEntry.object_type == "proposals", AuditEntry.object_id == p.id)).all()
    assert any(a == "proposal.create" and d.get("scope") == "3栋、5栋2单元1201"
               for a, d in actions)
    with pytest.raises(ServiceError):  # after the notice nothing of the proposal changes
        services.update_draft(w.party, p, title="x", body="", kind="owners", matter=5,
                              council_body=None, is_secret=False, allows_changes=False,
                              shows_split_while_open=False, ballot_text="", voting_method="",
                              scope=["1栋"])
    db.session.rollback()
    assert verify().ok


def _draft_fields(**kw):
    fields = {"title": "更换电梯", "body": "", "kind": "owners", "matter": 5,
              "council_body": None, "is_secret": False, "allows_changes": False,
              "shows_split_while_open": False, "ballot_text": "", "voting_method": ""}
    return {**fields, **kw}


def test_editing_the_scope_of_a_draft_is_audited_and_replaces_it(app):
    w = World(n_owners=1)
    make_unit(w.compound, building="3", room="101")
    db.session.commit()
    p = _scoped(w, ["3栋"])
    services.update_draft(w.party, _fresh(p), **_draft_fields(scope=["1栋", "3-1-101"]))
    db.session.commit()
    assert p.scope_label == "1栋、3栋1单元101"
    services.update_draft(w.party, _fresh(p), **_draft_fields(scope=[]))
    db.session.commit()
    assert p.scope_label is None
    assert db.session.scalars(select(ProposalScope)).all() == []
    assert verify().ok


@pytest.mark.parametrize("fields, scope, message", [
    ({"kind": "council", "matter": None}, ["1栋"], "第五至八项"),
    ({"matter": 4}, ["1栋"], "第五至八项"),
    ({"matter": 9}, ["1栋"], "第五至八项"),
    ({}, ["9栋"], "本小区没有这些楼栋或房屋：9栋"),
    ({}, ["1-1-999"], "1-1-999"),
])
def test_scope_refusals(app, fields, scope, message):
    w = World(n_owners=1)
    args = _draft_fields(**fields)
    args.pop("council_body")
    with pytest.raises(ServiceError) as caught:
        services.create(w.party, w.compound, scope=scope, **args)
    assert message in str(caught.value.message) and caught.value.field == "scope"


def test_a_unit_of_another_compound_or_an_empty_building_is_refused(app):
    w = World(n_owners=1)
    other = make_compound("别的小区")
    stranger = make_unit(other, building="7", room="701")
    empty = make_unit(w.compound, building="8", room="801")
    db.session.commit()
    p = _scoped(w, [])
    with pytest.raises(ServiceError) as caught:
        services.update_draft(w.party, _fresh(p), **_draft_fields(scope=["7-1-701"]))
    assert caught.value.field == "scope"
    db.session.rollback()
    from app.proposals import scopes
    with pytest.raises(ServiceError) as caught:  # by id: refused as well
        scopes.set_scope(p, None, unit_ids=[stranger.id])
    assert "本小区" in str(caught.value.message)
    db.session.rollback()
    db.session.delete(db.session.get(type(empty), empty.id))  # building 8 now holds no unit
    db.session.commit()
    with pytest.raises(ServiceError) as caught:
        services.update_draft(w.party, _fresh(p), **_draft_fields(scope=["8栋"]))
    assert "没有房屋" in str(caught.value.message)


def test_a_scope_must_be_cleared_before_the_matter_leaves_5_to_8(app):
    w = World(n_owners=1)
    p = _scoped(w, ["1栋"])
    with pytest.raises(ServiceError) as caught:
        services.update_draft(w.party, _fresh(p), **_draft_fields(matter=4))
    assert caught.value.field == "scope"


def test_outside_owner_gets_no_ballot_and_the_export_recounts(app, tmp_path):
    w = World(n_owners=2)  # building 1
    inside = []
    for room in ("301", "302", "303"):
        person = make_user(name=f"3栋业主{room}")
        unit = make_unit(w.compound, building="3", room=room, area="100.00",
                         owners=[(person.display_name, person.mobile)])
        make_resident(person, unit)
        inside.append(person)
    db.session.commit()
    p = _scoped(w, ["3栋"], matter=6)
    now = _walk(w, p)
    assert ballots.members_for_voter(p, w.owners[0]) == []
    for person, choice in zip(inside, ["yes", "yes", "yes"], strict=True):
        member = ballots.members_for_voter(p, person)[0]
        ballots.cast_in_person(p.id, member.id, person, choice, now=now)
    db.session.commit()
    services.close_voting(p, now=p.voting_closes_at)
    db.session.commit()
    doc = json.loads(json.dumps(results.export_document(p)))
    assert doc["scope"] == "3栋" and {u["unit"] for u in doc["units"]} == {
        "3-1-301", "3-1-302", "3-1-303"}
    path = tmp_path / "scoped.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = app.test_cli_runner().invoke(args=["tally", "compute", str(path)])
    assert run.exit_code == 0, run.output
    recount = json.loads(run.output)
    recount.pop("developer_units")
    stored = results.compute(p)
    assert recount == {k: v for k, v in compute_document(doc).items() if k != "developer_units"}
    assert recount == stored
    assert stored["passed"] and stored["total_owners"] == 3 and stored["scope"] == "3栋"


def test_compute_document_echoes_a_scope_text_and_refuses_anything_else():
    doc = {"kind": "owners", "matter": 5, "scope": "3栋",
           "units": [{"unit": "3-1-301", "area": "100.00", "owner": "h1"}],
           "ballots": [{"owner": "h1", "choice": "yes"}]}
    assert compute_document(doc)["scope"] == "3栋"
    assert "scope" not in compute_document({k: v for k, v in doc.items() if k != "scope"})
    from app.proposals.tally import TallyError
    with pytest.raises(TallyError, match="scope"):
        compute_document({**doc, "scope": ["3栋"]})
