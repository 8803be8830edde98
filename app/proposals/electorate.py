"""Freezing the electorate when voting opens (DESIGN §3): later roster changes move nothing."""
from collections import defaultdict

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from app.compounds.models import Holding, Residency, RoleGrant, Unit
from app.extensions import db
from app.proposals.models import ElectorateMember, ElectorateUnit, Proposal
from app.proposals.scopes import unit_filter
from app.proposals.tally import DEVELOPER


def snapshot(proposal: Proposal) -> int:
    """Write the electorate rows for `proposal`; return how many voters it has."""
    if proposal.kind == "owners":
        return _snapshot_owners(proposal)
    if proposal.kind == "council":
        user_ids = db.session.scalars(select(RoleGrant.user_id).where(
            RoleGrant.compound_id == proposal.compound_id,
            RoleGrant.role == (proposal.council_body or "council"),
            RoleGrant.revoked_at.is_(None)).distinct())
    else:  # consultation: every verified resident, tenants included, one person one vote
        user_ids = db.session.scalars(select(Residency.user_id).where(
            Residency.compound_id == proposal.compound_id,
            Residency.revoked_at.is_(None)).distinct())
    rows = [{"proposal_id": proposal.id, "voter_key": f"u{uid}", "user_id": uid, "area": 0}
            for uid in sorted(set(user_ids))]
    if rows:
        db.session.execute(insert(ElectorateMember), rows)
    return len(rows)


def _snapshot_owners(proposal: Proposal) -> int:
    """One member per owner-party (units summed), all developer-held units as one member
    (建筑物区分所有权司法解释 第九条); a unit with no known owner votes alone (on paper).
    A scoped decision freezes only the units in its scope, and the grouping applies inside
    it: an owner with units inside and outside counts once with the inside area, and the
    developer's units outside the scope are not in the electorate at all."""
    stmt = select(Unit).where(Unit.compound_id == proposal.compound_id)
    in_scope = unit_filter(proposal)
    if in_scope is not None:
        stmt = stmt.where(in_scope)
    units = db.session.scalars(
        stmt.options(joinedload(Unit.building)).order_by(Unit.id)).all()
    holdings = {h.id: h for h in db.session.scalars(
        select(Holding).where(Holding.compound_id == proposal.compound_id))}
    groups: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.is_developer_held:
            key = DEVELOPER
        elif unit.holding_id is not None:
            key = f"h{unit.holding_id}"
        else:
            key = f"unit{unit.id}"
        groups[key].append(unit)
    member_rows = []
    for key, members_units in groups.items():
        holding = holdings.get(members_units[0].holding_id) if key.startswith("h") else None
        member_rows.append({
            "proposal_id": proposal.id, "voter_key": key,
            "area": sum((u.area for u in members_units), start=members_units[0].area * 0),
            "holding_id": holding.id if holding else None,
            "designated_mobile": holding.designated_mobile if holding else None,
            "units_label": " ".join(u.number for u in members_units),
        })
    if not member_rows:
        return 0
    db.session.execute(insert(ElectorateMember), member_rows)
    ids = dict(db.session.execute(select(ElectorateMember.voter_key, ElectorateMember.id).where(
        ElectorateMember.proposal_id == proposal.id)).all())
    unit_rows = [{"proposal_id": proposal.id, "member_id": ids[key], "unit_id": u.id,
                  "unit_number": u.number, "area": u.area, "area_source": u.area_source}
                 for key, members_units in groups.items() for u in members_units]
    db.session.execute(insert(ElectorateUnit), unit_rows)
    return len(member_rows)
