"""Factories of the dialogues' tests: platforms, events, attendance and tallies, conflict-prevention plans — on the
shared cast."""

import datetime

import pytest

D = datetime.date
FIRST_DAY = D(2026, 3, 10)


@pytest.fixture
def make_platform(registry):
    from dialogues.models import DialoguePlatform

    def make(site="kyshtut", **fields):
        site_obj = registry[site]
        defaults = {"name": f"Диалог борбору {DialoguePlatform.objects.count() + 1}", "site": site_obj}
        if site_obj.has_centre:
            defaults |= {"lat": site_obj.centre_lat, "lon": site_obj.centre_lon}
        return DialoguePlatform.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def make_event(registry):
    """`make_event(site="kyshtut", start=date, days=1, kind="training", status="held", **fields)`."""
    from dialogues.models import Event

    def make(site="kyshtut", start=FIRST_DAY, days=1, kind="training", status="held", **fields):
        defaults = {
            "title": f"Иш-чара {Event.objects.count() + 1}",
            "kind": kind,
            "status": status,
            "site": registry[site],
            "start_date": start,
            "end_date": start + datetime.timedelta(days=days - 1),
        }
        return Event.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def attend():
    """`attend(event, person, days=None (every day), role="participant")`."""
    from dialogues.models import Attendance

    def make(event, person, days=None, role="participant"):
        chosen = event.days if days is None else [event.start_date + datetime.timedelta(days=n - 1) for n in days]
        return Attendance.objects.create(event=event, person=person, days=chosen, role=role)

    return make


@pytest.fixture
def tally():
    from dialogues.models import AttendanceTally

    def make(event, sex="female", band="15_24", count=10, completed=0):
        return AttendanceTally.objects.create(event=event, sex=sex, age_band=band, count=count, completed=completed)

    return make


@pytest.fixture
def make_plan(make_organization):
    """`make_plan(site="kyshtut", status="draft", risks=1, actions=1, **fields)` — a plan authored by the site's ayil
    okmotu, with `risks` risks (likelihood 3, impact 4) and `actions` actions (budget 10 000 som each, the first
    risk linked, the ayil okmotu responsible). A status other than draft is set directly (with a decision where
    the status needs one), as a plan reaches it in the workflow."""
    from decimal import Decimal

    from dialogues.plans.models import APPROVED_STATUSES, ConflictPreventionPlan, PlanAction, Risk

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
