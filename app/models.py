"""Import every domain's models so SQLAlchemy's registry and Alembic see all tables."""
from app.accounts.models import User, UserSession  # noqa: F401
from app.audit.models import AuditEntry, AuditHead  # noqa: F401
from app.compounds.models import (  # noqa: F401
    Building,
    Community,
    Compound,
    Holding,
    HoldingOwner,
    InviteCode,
    Residency,
    RoleGrant,
    RoleRequest,
    RosterUpload,
    StaffAssignment,
    Subdistrict,
    Unit,
    UnitClaim,
)
from app.issues.models import (  # noqa: F401
    Comment,
    CommentRevision,
    Issue,
    IssueCategory,
    IssueEvent,
    IssuePhoto,
    IssueSecond,
)
from app.notifications.models import Follow, Notification  # noqa: F401
from app.proposals.models import (  # noqa: F401
    Ballot,
    ElectorateMember,
    ElectorateUnit,
    Objection,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalOption,
    ProposalResult,
    ProxyAuthorisation,
    SecretParticipation,
    SecretVote,
)
