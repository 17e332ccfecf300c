"""Small grants: calls with their review criteria, applications with their team and budget, status changes,
reviews with scores, awards and tranches, reports (DESIGN.md §3 "Small grants").

Money is in som (KGS), as Decimal. The limits that matter — a budget line's quantity and cost, a score
between 1 and 5, the sum of awards within a call's envelope, tranches within their award — are guarded
in the database too (check constraints here, triggers in the migrations), not only in forms.

One module per part: `calls` (calls, criteria), `applications` (applications, applicant accounts, budget lines,
status changes, attachments), `reviews` (reviews, scores), `awards` (awards, tranches), `reports` (reports,
spending, photos).
"""

from grants.models.applications import (  # noqa: F401
    ApplicantAccount,
    ApplicantRegistration,
    ApplicationAttachment,
    ApplicationStatus,
    BudgetLine,
    GrantApplication,
    GrantApplicationQuerySet,
    StatusChange,
)
from grants.models.awards import Award, Tranche  # noqa: F401
from grants.models.calls import (  # noqa: F401
    DEFAULT_CRITERIA,
    GrantCall,
    GrantCallQuerySet,
    ProjectKind,
    ReviewCriterion,
)
from grants.models.money import MONEY, ZERO  # noqa: F401
from grants.models.reports import GrantReport, ReportPhoto, ReportSpending  # noqa: F401
from grants.models.reviews import Review, ReviewQuerySet, Score  # noqa: F401
