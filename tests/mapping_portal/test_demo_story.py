"""The pilot demo (`seed_demo`, what `make run` loads) tells the project's story: every kind of institution in each
site, their analysis and network, capacity at the start and the end, the trainings, the plans and a grant call
through its whole cycle — each role finds something to do or to read. Loaded once for the module."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from mapping_portal.models import User

pytestmark = pytest.mark.django_db
SITES = ("akturpak", "kyshtut", "kerben")
EVERY_INSTITUTION = {
    "cso",
    "womens-organization",
    "youth-organization",
    "aksakal-court",
    "crime-prevention-centre",
    "local-self-government",
    "initiative-group",
}


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True, PASSWORD_HASHERS=fast):
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


def every_count():
    """How many rows each model of the portal's apps holds (history tables included)."""
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for app in ("mapping_portal", "stakeholders", "dialogues", "grants")
        for model in apps.get_app_config(app).get_models()
    }


def test_each_site_holds_25_to_40_organizations_of_every_institution_type():
    from stakeholders.models import Organization, Person

    for slug in SITES:
        organizations = Organization.objects.filter(site__slug=slug)
        assert 25 <= organizations.count() <= 40, slug
        assert EVERY_INSTITUTION <= set(organizations.values_list("type__code", flat=True)), slug
        people = Person.objects.filter(site__slug=slug)
        assert people.filter(is_active_citizen=True).count() >= 5 and people.filter(memberships__isnull=False).exists()
    # Each organization named in Kyrgyz and Russian, marked as demo in both languages.
    demo = Organization.objects.filter(description__contains="Демо жазуу").filter(
        description__contains="Демонстрационная запись"
    )
    assert demo.count() == Organization.objects.count()
    assert not Organization.objects.filter(name_ru="").exists()


def test_every_organization_has_a_leader_and_nobody_is_listed_twice():
    from stakeholders.models import Organization, Person

    assert not Organization.objects.exclude(memberships__role="leader").exists()
    namesakes = Person.objects.values("full_name").annotate(n=Count("id")).filter(n__gt=1)
    assert not namesakes.exists()


def test_capacity_baseline_and_endline_for_at_least_ten_organizations_with_their_plans():
    from stakeholders.models import CapacityAssessment, Organization

    both = Organization.objects.filter(assessments__kind="baseline", assessments__status="final").filter(
        assessments__kind="endline", assessments__status="final"
    )
    assert both.distinct().count() >= 10
    baseline = CapacityAssessment.objects.filter(kind="baseline").first()
    endline = CapacityAssessment.objects.get(organization=baseline.organization, kind="endline")
    assert endline.overall_score() > baseline.overall_score()  # the story: capacity grew
    assert baseline.actions.count() == 3 and baseline.finalized_by.username == "staff"


def test_stakeholder_analysis_and_network_in_each_site():
    from stakeholders.models import Organization, OrganizationRelationship

    for slug in SITES:
        organizations = list(Organization.objects.filter(site__slug=slug))
        quadrants = {organization.analysis_quadrant for organization in organizations}
        assert {"manage-closely", "keep-satisfied", "keep-informed", "monitor"} <= quadrants, slug
        assert {o.stance for o in organizations} >= {"supportive", "neutral"}
        ties = OrganizationRelationship.objects.filter(source__site__slug=slug)
        assert ties.count() >= 15 and ties.values("kind").distinct().count() == 4, slug


def test_three_centres_the_three_day_training_of_60_and_three_initiative_groups():
    from dialogues.counting import count_people
    from dialogues.models import DialoguePlatform, Event, InitiativeGroup

    assert DialoguePlatform.objects.count() == 3
    assert InitiativeGroup.objects.values("organization__site").distinct().count() == 3
    trainings = Event.objects.filter(kind="training", status="held")
    assert {len(event.days) for event in trainings} == {3}
    counts = count_people(trainings)
    assert counts.total("trained") == 60
    by_sex = counts.by("sex", "trained")
    assert by_sex.get("female", 0) >= 25 and by_sex.get("male", 0) >= 25
    assert len([band for band, n in counts.by("un_band", "trained").items() if n]) >= 3


def test_plans_in_different_states_through_their_workflow():
    from dialogues.plans import workflow
    from dialogues.plans.models import ConflictPreventionPlan, PlanAction

    plans = {plan.site.slug: plan for plan in ConflictPreventionPlan.objects.select_related("site")}
    assert {slug: plan.status for slug, plan in plans.items()} == {
        "akturpak": "in_implementation",
        "kyshtut": "submitted",
        "kerben": "draft",
    }
    # The local authority of Kyshtut has its plan to review; staff do not approve it.
    la, staff = User.objects.get(username="la-kyshtut"), User.objects.get(username="staff")
    assert "approved" in {to for to, _move in workflow.moves_for(la, plans["kyshtut"])}
    assert "approved" not in {to for to, _move in workflow.moves_for(staff, plans["kyshtut"])}
    # Ak-Turpak's history is real: submitted by staff, approved by its local authority, then in implementation.
    changes = list(plans["akturpak"].status_changes.order_by("pk").values_list("to_status", "by__username"))
    assert changes == [("submitted", "staff"), ("approved", "la-akturpak"), ("in_implementation", "staff")]
    actions = PlanAction.objects.filter(plan=plans["akturpak"])
    assert actions.filter(PlanAction.delayed_q()).exists() and actions.filter(status="done").exists()
    assert actions.exclude(PlanAction.delayed_q()).exclude(status="done").exists()  # one still to come


def test_the_reviewer_has_one_review_to_open_one_to_finish_and_others_handed_in():
    from grants.models import Review

    reviewer = User.objects.get(username="reviewer")
    states = dict(Review.objects.assigned_to(reviewer).values_list("status").annotate(n=Count("id")))
    assert states["assigned"] == 1 and states["scoring"] == 1 and states["submitted"] >= 1


def test_a_grant_call_through_its_whole_cycle():
    from grants.models import Award, GrantApplication, GrantCall, GrantReport, StatusChange, Tranche
    from grants.seed import CALL_TITLE

    call = GrantCall.objects.get(title_ky=CALL_TITLE)
    statuses = set(call.applications.values_list("status", flat=True))
    assert {"submitted", "screening", "in_review", "approved", "rejected"} <= statuses
    averages = [application.average for application in call.applications.ranked() if application.average is not None]
    assert len(averages) >= 5 and averages == sorted(averages, reverse=True) and averages[0] > averages[-1]
    assert Award.objects.filter(call=call).count() >= 3
    assert Tranche.objects.filter(award__call=call, paid_amount__isnull=False).exists()
    assert Tranche.objects.filter(award__call=call, paid_amount__isnull=True).exists()
    assert GrantReport.objects.filter(award__call=call).exists()
    # Not eligible: rejected at screening, with the reason.
    assert StatusChange.objects.filter(from_status="screening", to_status="rejected").exclude(comment="").exists()
    assert all(application.status_changes.exists() for application in GrantApplication.objects.exclude(status="draft"))


def test_the_applicant_sees_an_open_call_to_apply_to():
    from grants.models import GrantCall
    from mapping_portal import access

    applicant = User.objects.get(username="applicant")
    open_calls = [call for call in GrantCall.objects.for_user(applicant) if call.status == GrantCall.Status.OPEN]
    assert open_calls and access.can_apply_online(applicant, open_calls[0])


def test_people_are_never_public_and_no_incident_data():
    from stakeholders.models import Person

    assert not Person.objects.for_user(None).exists()


def test_seeding_again_changes_nothing():
    before = every_count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert every_count() == before
    assert "Demo records created: 0 organizations, 0 people" in out.getvalue()


def test_the_national_scale_still_loads_on_top_of_the_pilot(monkeypatch):
    """The benchmark volumes (small here) come on top of the pilot demo and leave it as it is."""
    from functools import partial

    from dialogues import seed as dialogues_seed
    from grants import seed as grants_seed
    from stakeholders import seed as stakeholders_seed
    from stakeholders.models import Organization

    pilot = Organization.objects.count()
    monkeypatch.setattr(
        stakeholders_seed,
        "_load_national_volumes",
        partial(stakeholders_seed._load_national_volumes, organizations=30, people=60),
    )
    monkeypatch.setattr(
        dialogues_seed,
        "_load_national_volumes",
        partial(dialogues_seed._load_national_volumes, events=6, attendance=30),
    )
    monkeypatch.setattr(
        grants_seed, "_load_national_volumes", partial(grants_seed._load_national_volumes, applications=12, per_call=6)
    )
    out = StringIO()
    call_command("seed_demo", "--scale", "national", stdout=out)
    assert "30 benchmark organizations" in out.getvalue() and "12 benchmark grant applications" in out.getvalue()
    assert Organization.objects.count() == pilot + 30
