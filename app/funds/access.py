"""Who keeps a fund, who reads it and who may question it. The keeper follows from the source:

| source                    | keeper: posts entries, answers questions | publishes statements |
|---------------------------|------------------------------------------|----------------------|
| 社区保障资金, 社区基金      | community staff (社区工作者)             | community staff      |
| 公共收益, 维修资金          | the owners' committee (业委会)           | the committee        |
| 物业费 (信托制)             | the property manager (物业)              | the committee        |

On trust-model books the property manager keeps the ledger and the committee, which oversees
it, publishes the monthly 财务公开 (DESIGN §1: the committee publishes accounts; a property
manager cannot publish notices); the committee does not post there itself.

Reading: a compound's funds are open to everyone with a role in the compound (tenants
included: they live with the money's effects); a community's funds to everyone with a role in
any of its compounds, its staff and its subdistrict's staff. Asking: a compound's money is the
owners' (民法典 第二百八十一条, 第二百八十二条), so owners ask about it; a community's money
serves its residents, so any resident of the community asks. An admin may do everything."""
from sqlalchemy import bindparam, exists, or_, select

from app.compounds.access import has_role, may_read, roles_in
from app.compounds.models import (
    Community,
    Compound,
    Residency,
    RoleGrant,
    StaffAssignment,
    SubdistrictAssignment,
)
from app.core.errors import PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.funds.models import COMMUNITY_SOURCES

KEEPER_ROLES = {"public_income": "committee", "maintenance": "committee",
                "property_fee": "property"}
KEEPER_LABELS = {"staff": _l("社区工作者"), "committee": _l("业委会"), "property": _l("物业")}
NOT_KEEPER = _l("只有这个资金账户的管理方可以记账和答复提问。")
NOT_PUBLISHER = _l("只有这个资金账户的公开责任方可以发布月度财务公开。")
NOT_ASKER = _l("只有本小区业主（小区资金）或本社区居民（社区资金）可以对账目提问。")


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def keeper_role(fund) -> str:
    return "staff" if fund.source in COMMUNITY_SOURCES else KEEPER_ROLES[fund.source]


def publisher_role(fund) -> str:
    return "committee" if fund.source == "property_fee" else keeper_role(fund)


def is_community_staff(user, community_id: int) -> bool:
    if not _authenticated(user):
        return False
    if user.is_admin:
        return True
    return db.session.scalar(select(StaffAssignment.id).where(
        StaffAssignment.user_id == user.id, StaffAssignment.community_id == community_id,
        StaffAssignment.revoked_at.is_(None)).limit(1)) is not None


def _holds(user, fund, role: str) -> bool:
    if not _authenticated(user):
        return False
    if fund.community_id is not None:
        return role == "staff" and is_community_staff(user, fund.community_id)
    return has_role(user, fund.compound_id, role)


def is_keeper(user, fund) -> bool:
    return _holds(user, fund, keeper_role(fund))


def may_publish(user, fund) -> bool:
    return _holds(user, fund, publisher_role(fund))


def require_keeper(user, fund) -> None:
    if not is_keeper(user, fund):
        raise PermissionDenied(NOT_KEEPER)


def require_publisher(user, fund) -> None:
    if not may_publish(user, fund):
        raise PermissionDenied(NOT_PUBLISHER)


_IN_COMMUNITY = select(Compound.id).where(Compound.community_id == bindparam("community_id"))
_RESIDENT_OF_COMMUNITY = exists(select(Residency.id).where(
    Residency.user_id == bindparam("user_id"), Residency.revoked_at.is_(None),
    Residency.compound_id.in_(_IN_COMMUNITY.scalar_subquery())))
_ROLE_IN_COMMUNITY = exists(select(RoleGrant.id).where(
    RoleGrant.user_id == bindparam("user_id"), RoleGrant.revoked_at.is_(None),
    RoleGrant.compound_id.in_(_IN_COMMUNITY.scalar_subquery())))
_STAFF_OF_COMMUNITY = exists(select(StaffAssignment.id).where(
    StaffAssignment.user_id == bindparam("user_id"), StaffAssignment.revoked_at.is_(None),
    StaffAssignment.community_id == bindparam("community_id")))
_SUBDISTRICT_OF_COMMUNITY = exists(select(SubdistrictAssignment.id).where(
    SubdistrictAssignment.user_id == bindparam("user_id"),
    SubdistrictAssignment.revoked_at.is_(None),
    SubdistrictAssignment.subdistrict_id == select(Community.subdistrict_id).where(
        Community.id == bindparam("community_id")).scalar_subquery()))
_MAY_READ_COMMUNITY = select(or_(_RESIDENT_OF_COMMUNITY, _ROLE_IN_COMMUNITY,
                                 _STAFF_OF_COMMUNITY, _SUBDISTRICT_OF_COMMUNITY))
_MAY_ASK_COMMUNITY = select(_RESIDENT_OF_COMMUNITY)


def may_read_community(user, community_id: int) -> bool:
    if not _authenticated(user):
        return False
    if user.is_admin:
        return True
    return bool(db.session.scalar(_MAY_READ_COMMUNITY, {"user_id": user.id,
                                                        "community_id": community_id}))


def may_read_fund(user, fund) -> bool:
    if fund.community_id is not None:
        return may_read_community(user, fund.community_id)
    return may_read(user, fund.compound_id)


def may_ask(user, fund) -> bool:
    if not _authenticated(user):
        return False
    if user.is_admin:
        return True
    if fund.community_id is not None:
        return bool(db.session.scalar(_MAY_ASK_COMMUNITY, {"user_id": user.id,
                                                           "community_id": fund.community_id}))
    return "owner" in roles_in(user, fund.compound_id)


def require_asker(user, fund) -> None:
    if not may_ask(user, fund):
        raise PermissionDenied(NOT_ASKER)
