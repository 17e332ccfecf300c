"""Models of dialogues: platforms, events and attendance; the reach summary the counts read. The plans' models
live in dialogues.plans.models, imported here so that Django registers them under the same app."""

import dialogues.plans.models  # noqa: F401
from dialogues.models.events import (  # noqa: F401
    INITIATIVE_GROUP_TYPE,
    MAX_EVENT_DAYS,
    TOO_LONG_MESSAGE,
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
    too_long,
    validate_days,
)
from dialogues.models.outcomes import (  # noqa: F401
    BAND_COUNT,
    PASS_PERCENT,
    KnowledgeCheck,
    band_scores,
    passed,
    validate_score,
)
from dialogues.models.reach import PersonReach, ReachSpan  # noqa: F401
