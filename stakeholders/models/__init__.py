"""Models of the stakeholder registry: the registry itself, merges of duplicates, and capacity assessments."""

from stakeholders.models.assessments import (  # noqa: F401
    AssessmentDomain,
    AssessmentIndicator,
    AssessmentReopening,
    AssessmentTemplate,
    CapacityAssessment,
    DevelopmentAction,
    IndicatorScore,
)
from stakeholders.models.imports import ImportBatch, ImportRow  # noqa: F401
from stakeholders.models.merges import (  # noqa: F401
    DistinctPair,
    DuplicateCandidate,
    DuplicateScan,
    OrganizationMerge,
    PersonMerge,
    RecordKind,
)
from stakeholders.models.registry import (  # noqa: F401
    KYRGYZ_ALPHABET,
    WASHINGTON_GROUP_QUESTIONS,
    Difficulty,
    Membership,
    MembershipRole,
    Organization,
    OrganizationQuerySet,
    OrganizationRelationship,
    OrganizationType,
    Person,
    PersonQuerySet,
    RelationshipKind,
    Sex,
    Stance,
    TargetGroup,
    VulnerableGroup,
    kyrgyz_sort_key,
)
