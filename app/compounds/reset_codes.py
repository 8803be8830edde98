"""Password reset codes that community staff hand out in person, for residents who have no
phone to receive an SMS. Services take the actor, flush and never commit; audited."""
from sqlalchemy import exists, or_, select

from app.accounts.models import User
from app.accounts.recovery import issue_staff_reset_code
from app.accounts.services import find_by_mobile
from app.compounds.access import is_staff, primary_role
from app.compounds.models import Compound, Residency, StaffAssignment, UnitClaim
from app.core.errors import NotFound, PermissionDenied
from app.core.i18n import lazy_gettext as _l
from app.extensions import db


def _known_here(user: User, compound: Compound) -> bool:
    """Verified for a unit of the compound, or asking to be."""
    return db.session.scalar(select(or_(
        exists().where(Residency.user_id == user.id, Residency.compound_id == compound.id,
                       Residency.revoked_at.is_(None)),
        exists().where(UnitClaim.user_id == user.id, UnitClaim.compound_id == compound.id,
                       UnitClaim.status == "pending"))))


def _is_staff_anywhere(user: User) -> bool:
    return db.session.scalar(select(exists().where(
        StaffAssignment.user_id == user.id, StaffAssignment.revoked_at.is_(None))))


def issue_reset_code(staff: User, compound: Compound, mobile: str) -> tuple[User, str]:
    """A one-time reset code (8 digits, 24 hours, 5 tries) for a resident of this compound,
    to be handed over in person. Only for residents: staff and admin accounts are reset by an
    administrator, so that no staff member can take over a colleague's account."""
    if not is_staff(staff, compound):
        raise PermissionDenied(_l("只有本社区的工作人员可以发放重置码。"))
    person = find_by_mobile(mobile)
    if person is None or not person.is_active_account or not _known_here(person, compound):
        raise NotFound(_l("本小区没有用这个手机号认证或申请认证的居民。"), field="mobile")
    if person.id == staff.id or person.is_admin or _is_staff_anywhere(person):
        raise PermissionDenied(_l("工作人员和管理员的账户不能在这里重置，请联系系统管理员。"),
                               field="mobile")
    return person, issue_staff_reset_code(staff, person, compound, primary_role(staff, compound))
