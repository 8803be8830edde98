"""Import every domain's models so SQLAlchemy's registry and Alembic see all tables."""
from app.accounts.models import (  # noqa: F401
    PhoneCode,
    PhoneVerification,
    User,
    UserSession,
)
from app.api.models import ApiToken, ApiTokenUse  # noqa: F401
from app.audit.models import AuditAnchor, AuditChain, AuditEntry  # noqa: F401
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
    SubdistrictAssignment,
    Unit,
    UnitClaim,
)
from app.covenants.models import (  # noqa: F401
    Covenant,
    CovenantArticle,
    CovenantComment,
    CovenantCommitment,
    CovenantSignature,
    CovenantVersion,
)
from app.dispatch.models import (  # noqa: F401
    Grid,
    GridArea,
    Organisation,
    OrganisationHandler,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketPhoto,
)
from app.funds.models import (  # noqa: F401
    Fund,
    FundQuestion,
    FundSequence,
    FundStatement,
    FundStatementNotice,
    FundVoucher,
    LedgerEntry,
)
from app.issues import search_index  # noqa: F401  (FTS5 / pg_trgm DDL run by create_all)
from app.issues.models import (  # noqa: F401
    Comment,
    CommentRevision,
    Issue,
    IssueCategory,
    IssueEvent,
    IssuePhoto,
    IssueSecond,
)
from app.meetings.models import (  # noqa: F401
    AgendaItem,
    Attendance,
    DemandSignature,
    FollowUpTask,
    Meeting,
    MeetingDemand,
    MeetingRules,
    Minutes,
    MinutesResponse,
    MinutesRevision,
)
from app.microprojects.models import (  # noqa: F401
    MicroProject,
    ProjectBallot,
    ProjectBallotChoice,
    ProjectEvent,
    ProjectMilestone,
    ProjectPhoto,
    ProjectRating,
    ProjectRound,
    ProjectSecond,
)
from app.moderation.models import ModerationAction, Mute, Report  # noqa: F401
from app.notices.models import Notice, NoticeAck, NoticeRead, NoticeRevision  # noqa: F401
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
    SealedVote,
    SecretParticipation,
    SecretTotal,
    SecretVote,
)
from app.proposals.models_election import ElectionCandidate, NominationSupport  # noqa: F401
from app.proposals.models_summary import ConsultationSummary  # noqa: F401
from app.proposals.survey_models import (  # noqa: F401
    SealedSurveyAnswer,
    SurveyAnswerSet,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyResult,
    SurveyText,
)
from app.trustbooks.models import (  # noqa: F401
    TrustAnnualAccount,
    TrustBudget,
    TrustBudgetLine,
    TrustDispute,
)
