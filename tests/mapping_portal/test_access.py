"""The access policy (DESIGN.md §4): site scope per role, the named predicates, and 404 outside scope."""

import pytest
from django.urls import reverse

from mapping_portal import access
from mapping_portal.models import PilotSite, Settlement
from tests.conftest import ROLES, make_user

# role → the pilot sites it may see (slugs)
SITE_SCOPE = {
    "admin": {"akturpak", "kyshtut", "kerben"},
    "staff": {"akturpak", "kyshtut", "kerben"},
    "la_akturpak": {"akturpak"},
    "la_kyshtut": {"kyshtut"},
    "la_kerben": {"kerben"},
    "reviewer": {"akturpak", "kyshtut", "kerben"},
    "viewer": {"akturpak", "kyshtut", "kerben"},
    "applicant": set(),  # no site scope: their own applications only (tests/grants/test_applicants.py)
    "anonymous": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_site_scope_of_each_role(users, role):
    visible = set(PilotSite.objects.for_user(users[role]).values_list("slug", flat=True))
    assert visible == SITE_SCOPE[role]


@pytest.mark.parametrize("role", ROLES)
def test_rows_of_a_site_follow_the_site_scope(users, role):
    settlements = Settlement.objects.for_user(users[role]).select_related("site")
    assert {s.site.slug for s in settlements} == SITE_SCOPE[role]


def test_staff_bound_to_one_site_sees_only_that_site(sites):
    field_officer = make_user("officer", "staff", ["kerben"])
    assert list(PilotSite.objects.for_user(field_officer).values_list("slug", flat=True)) == ["kerben"]


def test_local_authority_without_a_site_sees_no_site(sites):
    unassigned = make_user("la-nowhere", "local_authority")
    assert not PilotSite.objects.for_user(unassigned).exists()


def test_deactivated_user_gets_the_public_scope(users):
    users["staff"].is_active = False
    assert not PilotSite.objects.for_user(users["staff"]).exists()
    assert not access.can_manage_registry(users["staff"])


# role → the predicates that say yes (every other predicate says no)
ALLOWED = {
    "admin": {
        "run_jobs",  # its own background jobs only (Job.objects.for_user)
        "export_aggregates",
        "view_export_log",
        "use_admin",
        "send_password_reset",
        "manage_reference_data",
        "set_site_location",
        "manage_registry",
        "merge_records",
        "import_records",
        "view_personal_data",
        "export",
        "export_personal_data",
        "view_funding_sources",
        "view_contacts",
        "view_assessments",
        "view_stakeholder_analysis",
        "view_network",
        "view_events",
        "view_attendee_names",
        "view_dialogue_results",
        "view_small_counts",
        "view_grants",
        "manage_grants",
        "view_applications",
        "view_applicant_contacts",
        "view_applicant_names",
        "view_review_results",
        "browse_registry",
        "view_record_status",
        "view_staff_names",
        "view_grant_figures",
        "view_awards_on_map",
        "view_application_documents",
        "view_report_photos",
        "manage_applicant_accounts",
        "view_plans",
        "draft_plans",
        "comment_on_plans",
        "facilitate_plans",
        "review_plans",
        "track_plan_actions",
        "view_unapproved_plans",
        "view_results",
        "edit_results_framework",  # indicators and targets (DESIGN.md §3: "Targets are editable by admins")
        "view_history",
        "view_all_changes",  # recent changes across records, names included
    },
    "staff": {
        "run_jobs",  # its own background jobs only (Job.objects.for_user)
        "export_aggregates",
        "manage_registry",
        "merge_records",
        "import_records",
        "view_personal_data",
        "export",
        "view_funding_sources",
        "view_contacts",
        "view_assessments",
        "view_stakeholder_analysis",
        "view_network",
        "view_events",
        "view_attendee_names",
        "view_dialogue_results",
        "view_small_counts",
        "view_grants",
        "manage_grants",
        "view_applications",
        "view_applicant_contacts",
        "view_applicant_names",
        "view_review_results",
        "browse_registry",
        "view_record_status",
        "view_staff_names",
        "view_grant_figures",
        "view_awards_on_map",
        "view_application_documents",
        "view_report_photos",
        "manage_applicant_accounts",
        "view_plans",
        "draft_plans",
        "comment_on_plans",
        "facilitate_plans",
        "track_plan_actions",
        "view_unapproved_plans",
        "view_results",
        "view_history",  # of the records they may see
    },
    "la_kyshtut": {
        "run_jobs",  # its own background jobs only (Job.objects.for_user)
        "export",
        "export_aggregates",
        "view_contacts",
        "view_assessments",
        "view_network",
        "view_events",
        "view_dialogue_results",
        "view_grants",
        "view_applications",
        "browse_registry",
        "view_record_status",
        "view_staff_names",
        "view_grant_figures",
        "view_awards_on_map",
        "view_plans",
        "draft_plans",
        "comment_on_plans",
        "review_plans",
        "track_plan_actions",
        "view_unapproved_plans",
        "view_results",  # their sites' figures, suppressed
    },
    "reviewer": {
        "run_jobs",  # its own background jobs only (Job.objects.for_user)
        "view_contacts",
        "view_grants",
        "view_applications",
        "view_applicant_names",  # of the applications assigned to them
        "view_application_documents",  # of the applications assigned to them, not recused from
        "review_applications",
        "browse_registry",
        "view_record_status",
        "view_grant_figures",
    },
    "viewer": {
        "run_jobs",  # its own background jobs only (Job.objects.for_user)
        "export_aggregates",  # the results' figures, suppressed (DESIGN.md §4: viewers export aggregates)
        "view_contacts",
        "view_assessments",
        "view_network",
        "view_dialogue_results",
        "view_grants",
        "browse_registry",
        "view_record_status",
        "view_grant_figures",
        "view_plans",  # approved plans only: ConflictPreventionPlan.objects.for_user
        "view_results",  # suppressed aggregates
    },
    # Their own applications and the calls that take them online; nothing of the registry, contacts or figures.
    "applicant": {"run_jobs", "view_grants", "view_applications", "view_application_documents", "view_applicant_names"},
    "anonymous": {"browse_registry"},  # the organizations that consented to be listed
}
SITE_INDEPENDENT = [
    "use_admin",
    "send_password_reset",
    "manage_reference_data",
    "set_site_location",
    "manage_registry",
    "merge_records",
    "import_records",
    "view_personal_data",
    "export",
    "export_aggregates",
    "export_personal_data",
    "view_export_log",
    "run_jobs",
    "view_funding_sources",
    "view_contacts",
    "view_assessments",
    "view_stakeholder_analysis",
    "view_network",
    "view_events",
    "view_attendee_names",
    "view_dialogue_results",
    "view_small_counts",
    "view_grants",
    "manage_grants",
    "view_applications",
    "view_applicant_contacts",
    "view_applicant_names",
    "view_review_results",
    "browse_registry",
    "view_record_status",
    "view_grant_figures",
    "view_staff_names",
    "view_awards_on_map",
    "view_application_documents",
    "view_report_photos",
    "manage_applicant_accounts",
    "review_applications",
    "view_plans",
    "draft_plans",
    "comment_on_plans",
    "facilitate_plans",
    "review_plans",
    "track_plan_actions",
    "view_unapproved_plans",
    "view_results",
    "edit_results_framework",
    "view_history",
    "view_all_changes",
]


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("rule", SITE_INDEPENDENT)
def test_predicates_per_role(users, role, rule):
    assert access.PREDICATES[rule](users[role]) is (rule in ALLOWED[role])


def test_every_registered_predicate_is_covered_by_this_table():
    # The object-bound ones are tested with their objects (site pages here, records in tests/stakeholders).
    assert set(access.PREDICATES) == set(SITE_INDEPENDENT) | {
        "view_site_workspace",
        "edit_record",
        "edit_application",  # tests/grants
        "score_review",  # tests/grants
        "apply_online",  # tests/grants/test_applicants.py
        "submit_own_application",  # tests/grants/test_applicants.py
        "withdraw_own_application",  # tests/grants/test_applicants.py
        "attach_documents",  # tests/grants/test_applicants.py
        "manage_application",  # tests/grants/test_access_rules.py
        "manage_applicant_account_of",  # tests/grants/test_applicant_invitations.py
        "edit_plan",  # tests/dialogues/test_plans_access.py
        "draft_plan",  # tests/dialogues/test_plans_access.py
        "track_plan",  # tests/dialogues/test_plans_access.py
    }


# --- The site page: role × site → status ------------------------------------------------------

SITE_PAGE = [
    ("admin", "kyshtut", 200),
    ("staff", "kerben", 200),
    ("la_kyshtut", "kyshtut", 200),
    ("la_kyshtut", "kerben", 404),
    ("la_kyshtut", "akturpak", 404),
    ("la_kerben", "kyshtut", 404),
    ("reviewer", "akturpak", 200),
    ("viewer", "kerben", 200),
    ("applicant", "kyshtut", 404),
    ("anonymous", "kyshtut", 302),
]


@pytest.mark.parametrize(("role", "slug", "status"), SITE_PAGE)
def test_site_page_access(users, client_for, role, slug, status):
    response = client_for(users[role]).get(reverse("site-detail", args=[slug]))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


def test_local_authority_gets_404_for_other_sites_page_same_as_a_missing_site(client_for, la_kyshtut):
    client = client_for(la_kyshtut)
    other = client.get(reverse("site-detail", args=["kerben"]))
    missing = client.get(reverse("site-detail", args=["no-such-site"]))
    assert other.status_code == missing.status_code == 404


SITE_LOCATION_PAGE = [
    ("admin", "kyshtut", 200),
    ("staff", "kyshtut", 403),
    ("la_kyshtut", "kyshtut", 403),
    ("la_kyshtut", "kerben", 404),
    ("viewer", "kerben", 403),
    ("reviewer", "kerben", 403),
    ("applicant", "kerben", 404),
    ("anonymous", "kerben", 302),
]


@pytest.mark.parametrize(("role", "slug", "status"), SITE_LOCATION_PAGE)
def test_site_location_page_access(users, client_for, role, slug, status):
    response = client_for(users[role]).get(reverse("site-location", args=[slug]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("staff", 302), ("la_kerben", 302), ("viewer", 302), ("applicant", 302)]
)
def test_django_admin_is_for_admins_only(users, client_for, role, status):
    response = client_for(users[role]).get("/admin/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")


def test_admin_login_page_refuses_a_non_admin(users, client):
    response = client.post("/admin/login/", {"username": "staff", "password": "a-long-test-password-17"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_navigation_shows_administration_to_admins_only(users, client_for):
    assert "/admin/" in client_for(users["admin"]).get(reverse("home")).content.decode()
    assert "/admin/" not in client_for(users["staff"]).get(reverse("home")).content.decode()


def test_navigation_lists_only_the_sites_in_scope(users, client_for):
    page = client_for(users["la_kerben"]).get(reverse("home")).content.decode()
    assert reverse("site-detail", args=["kerben"]) in page
    assert reverse("site-detail", args=["kyshtut"]) not in page
