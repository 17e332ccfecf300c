"""Factories of the plans' tests, imported by each tests/dialogues/test_plans_*.py module (as fixtures)."""

import datetime
from decimal import Decimal

import pytest

D = datetime.date


@pytest.fixture
def make_plan(make_organization):
    """`make_plan(site="kyshtut", status="draft", risks=1, actions=1, **fields)` — a plan authored by the site's ayil
    okmotu, with `risks` risks (likelihood 3, impact 4) and `actions` actions (budget 10 000 som each, the first
    risk linked, the ayil okmotu responsible). A status other than draft is set directly (with a decision where
    the status needs one), as a plan reaches it in the workflow."""
    from dialogues.models import APPROVED_STATUSES, ConflictPreventionPlan, PlanAction, Risk

    def make(site="kyshtut", status="draft", risks=1, actions=1, **fields):
        body = fields.pop("authoring_body", None) or make_organization(
            site=site, type_code="local-self-government", name_ky=f"{site.capitalize()} айыл өкмөтү"
        )
        defaults = {
            "site": body.site,
            "authoring_body": body,
            "title": f"Чыр-чатактарды алдын алуу боюнча план {ConflictPreventionPlan.objects.count() + 1}",
            "period_start": D(2026, 1, 1),
            "period_end": D(2027, 12, 31),
            "context_analysis": "Чек ара айылдарындагы суу талаштары.",
            "status": status,
        }
        if status in APPROVED_STATUSES:
            defaults |= {"decision_number": "12/3", "decision_date": D(2026, 2, 1)}
        plan = ConflictPreventionPlan.objects.create(**(defaults | fields))
        made_risks = [
            Risk.objects.create(plan=plan, description=f"Суу үчүн талаш {n + 1}", likelihood=3, impact=4)
            for n in range(risks)
        ]
        for n in range(actions):
            action = PlanAction.objects.create(
                plan=plan,
                title=f"Иш-чара {n + 1}",
                focus="dialogue",
                start_date=D(2026, 3, 1),
                end_date=D(2026, 6, 30),
                budget=Decimal("10000"),
            )
            action.responsible_organizations.add(body)
            if made_risks:
                action.risks.add(made_risks[0])
        return plan

    return make
