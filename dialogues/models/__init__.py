"""Models of dialogues: platforms, events and attendance; the reach summary the counts read."""

from dialogues.models.events import (  # noqa: F401
    INITIATIVE_GROUP_TYPE,
    MAX_EVENT_DAYS,
    Attendance,
    AttendanceRole,
    AttendanceTally,
    DialoguePlatform,
    DialogueQuerySet,
    Event,
    EventKind,
    EventPhoto,
    EventQuerySet,
    FollowUpAction,
    InitiativeGroup,
    InitiativeGroupQuerySet,
    TallyBand,
    validate_days,
)
from dialogues.models.plans import (  # noqa: F401
    APPROVED_STATUSES,
    AUTHORING_BODY_TYPES,
    EDITABLE_STATUSES,
    ActionStatus,
    ConflictPreventionPlan,
    PlanAction,
    PlanComment,
    PlanFocus,
    PlanQuerySet,
    PlanSnapshot,
    PlanStatus,
    PlanStatusChange,
    ProgressNote,
    Risk,
    RiskLevel,
    risk_level,
)
from dialogues.models.reach import PersonReach  # noqa: F401
