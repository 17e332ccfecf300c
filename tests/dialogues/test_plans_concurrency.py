"""Two people acting on one plan at the same moment, on the real PostgreSQL with real threads: the plan row's lock
and version let exactly one through, and the other is told (nothing is lost, nothing half-done)."""

import pytest
from django.core.exceptions import ValidationError

from dialogues.plans import workflow
from dialogues.plans.models import ConflictPreventionPlan, PlanSnapshot, PlanStatusChange, Risk
from tests.helpers import run_at_once

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_submissions_from_one_page_at_once_make_one_snapshot(users, make_plan):
    plan = make_plan()
    staff = users["staff"]
    outcomes = run_at_once(lambda n: workflow.transition(plan, "submitted", staff, version=plan.version), THREADS)
    moved = [o for o in outcomes if isinstance(o, ConflictPreventionPlan)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(moved) == 1 and len(refused) == THREADS - 1
    assert {error.code for error in refused} == {"stale"}
    assert PlanSnapshot.objects.filter(plan=plan).count() == 1 and PlanStatusChange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_edit_racing_a_submission_is_either_in_the_snapshot_or_refused(users, make_plan):
    """Half the threads add a risk, half submit: whatever order the lock gives, the submitted snapshot holds exactly
    the risks saved before it, and no risk is added to a submitted plan."""
    plan = make_plan()
    staff = users["staff"]

    def work(n):
        if n % 2:
            return workflow.transition(plan, "submitted", staff, version=None)
        with workflow.editing(plan, staff) as locked:
            return Risk.objects.create(plan=locked, description=f"Тобокелдик {n}", likelihood=2, impact=2)

    outcomes = run_at_once(work, THREADS)
    assert sum(isinstance(o, ConflictPreventionPlan) for o in outcomes) == 1  # one submission; the others not allowed
    snapshot = PlanSnapshot.objects.get(plan=plan)
    added = [o for o in outcomes if isinstance(o, Risk)]
    refused = [o for o in outcomes if isinstance(o, workflow.NotEditable)]
    assert len(added) + len(refused) == THREADS // 2
    assert plan.risks.count() == 1 + len(added) == len(snapshot.data["risks"])
