"""Demo plans: one per pilot site in a different state, loaded with the dialogues' demo data, once."""

from django.urls import reverse
from django.utils import translation

from dialogues import seed
from dialogues.plans.models import ConflictPreventionPlan, PlanSnapshot


def test_one_demo_plan_per_site_in_different_states_loads_once(registry, client_for, users):
    from stakeholders import seed as stakeholder_seed

    stakeholder_seed.load_demo()
    created = seed.load_demo()
    assert created["conflict-prevention plans"] == 3
    states = dict(ConflictPreventionPlan.objects.values_list("site__slug", "status"))
    assert states == {"akturpak": "in_implementation", "kyshtut": "submitted", "kerben": "draft"}
    approved = ConflictPreventionPlan.objects.get(site__slug="akturpak")
    assert approved.decision_number and approved.decision_date and approved.authoring_body.site == approved.site
    assert PlanSnapshot.objects.filter(plan__site__slug="kyshtut", reviewed_at__isnull=True).count() == 1
    assert seed.load_demo()["conflict-prevention plans"] == 0
    # The follow-up of Ak-Turpak shows its progress; the Kyshtut authority reviews its plan.
    with translation.override("en"):
        dashboard = client_for(users["staff"]).get(reverse("plans:site-dashboard", args=["akturpak"]))
        assert dashboard.status_code == 200 and 'data-testid="done">1<' in dashboard.content.decode()
        kyshtut = ConflictPreventionPlan.objects.get(site__slug="kyshtut")
        page = client_for(users["la_kyshtut"]).get(reverse("plans:plan-detail", args=[kyshtut.pk])).content.decode()
    assert 'data-testid="move-approved"' in page
