"""The signed-in homes (issue 16): what each role's home counts and lists, and links to; that nobody sees another
site's figures; that the public home is unchanged; and that a home's query count does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.dialogues.conftest import attend, make_event, make_plan  # noqa: F401  (fixtures reused here)
from tests.grants.conftest import aigerim, applicant, make_application, make_call, online_call, today  # noqa: F401
from tests.stakeholders.test_assessments import make_template

DAY = datetime.timedelta(days=1)


def home(client, user):
    client.force_login(user)
    response = client.get("/en/")
    assert response.status_code == 200
    return response


def figures(response, section):
    """{label: (value, url)} of one section of the home."""
    for found in response.context["sections"]:
        if found.key == section:
            return {str(item.label): (item.value, item.url) for item in found.items}
    return {}


def items(response, section):
    for found in response.context["sections"]:
        if found.key == section:
            return found.items
    return []


@pytest.fixture
def work(users, make_event, make_plan, make_application, make_organization, online_call, today):  # noqa: F811
    """`work(site, n)` — n records of each kind a staff home counts, at one site: events past their date still
    planned, events with an overdue follow-up action, plans in draft, submitted and approved (delayed actions),
    applications in draft, submitted, in screening and in review, awards with a tranche due and a recent report,
    assessments in draft, and an event coming up."""
    from dialogues.models import FollowUpAction
    from grants.models import Award, GrantReport, Tranche
    from stakeholders.models import CapacityAssessment

    template = make_template()

    def make(site="kyshtut", n=1):
        call = online_call(sites=(site,))
        for _ in range(n):
            make_event(site=site, status="planned", start=today - 3 * DAY)
            held = make_event(site=site, status="held", start=today - 10 * DAY)
            FollowUpAction.objects.create(event=held, what="Letter", owner="Aida", due=today - DAY)
            make_event(site=site, status="planned", start=today + 5 * DAY, title=f"Coming up at {site}")
            make_plan(site=site, status="draft")
            make_plan(site=site, status="submitted", submitted_at=timezone.now(), title=f"Plan to review at {site}")
            make_plan(site=site, status="approved")  # its action ended 30.06.2026: delayed
            for status in ("draft", "submitted", "screening", "in_review"):
                make_application(call=call, site=site, status=status)
            awarded = make_application(call=call, site=site, status="approved")
            award = Award.objects.create(
                application=awarded, call=call, amount=Decimal("50000"), decided_by=users["staff"]
            )
            Tranche.objects.create(award=award, number=1, planned_date=today - DAY, planned_amount=Decimal("20000"))
            GrantReport.objects.create(award=award, period_end=today, text="Done")
            CapacityAssessment.objects.create(
                organization=make_organization(site=site),
                template=template,
                kind="baseline",
                date="2026-03-01",
                method="facilitated",
                assessor="Асел",
            )

    return make


STAFF_FIGURES = {
    "drafts": {
        "Capacity assessments in draft": "/en/stakeholders/assessments/?status=draft",
        "Conflict-prevention plans in draft": "/en/plans/?status=draft",
        "Grant applications in draft": "/en/grants/applications/?status=draft",
        "Events past their date, still marked planned": "/en/dialogues/?status=planned&date_to=",
    },
    "follow-up": {"Events with follow-up actions overdue": "/en/dialogues/?overdue=true"},
    "grants": {
        "Applications submitted, to screen": "/en/grants/applications/?status=submitted",
        "Applications in eligibility screening": "/en/grants/applications/?status=screening",
        "Applications in review, to decide": "/en/grants/applications/?status=in_review",
        "Awards with a tranche due": "/en/grants/applications/?tranche_due=true",
        "Reports received in the last 30 days": "/en/grants/applications/?recent_report=true",
    },
}


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_home_counts_the_work_waiting_with_links_to_the_filtered_lists(client, users, work, role):
    work("kyshtut", n=2)
    work("kerben", n=1)
    response = home(client, users[role])
    for section, expected in STAFF_FIGURES.items():
        found = figures(response, section)
        for label, url in expected.items():
            value, link = found[label]
            assert value == 3, label  # two at Kyshtut, one at Kerben
            assert link.startswith(url), label
            assert f'href="{link.replace("&", "&amp;")}"' in response.content.decode()
    assert figures(response, "follow-up")["Plans sent back with changes requested"][0] == 0


def test_each_count_of_the_staff_home_is_what_its_list_shows(client, users, work):
    """Following a count's link lists exactly that many records (the count and the list use the same filter)."""
    work("kyshtut", n=2)
    response = home(client, users["staff"])
    for section in STAFF_FIGURES:
        for label, (value, url) in figures(response, section).items():
            page = client.get(url)
            assert page.status_code == 200, url
            assert page.context["page"].paginator.count == value, label


def test_a_staff_member_of_one_site_counts_only_that_site(client, work, sites):
    from tests.conftest import make_user

    work("kyshtut", n=2)
    work("kerben", n=1)
    officer = make_user("officer", "staff", ["kerben"])
    response = home(client, officer)
    assert figures(response, "grants")["Applications submitted, to screen"][0] == 1
    assert figures(response, "drafts")["Conflict-prevention plans in draft"][0] == 1
    from dialogues.models import Event
    from dialogues.plans.models import ConflictPreventionPlan
    from grants.models import GrantApplication
    from stakeholders.models import Organization

    at_kyshtut = {
        *(o.name for o in Organization.objects.filter(site__slug="kyshtut")),
        *Event.objects.filter(site__slug="kyshtut").values_list("title", flat=True),
        *ConflictPreventionPlan.objects.filter(site__slug="kyshtut").values_list("title", flat=True),
        *GrantApplication.objects.filter(site__slug="kyshtut").values_list("title", flat=True),
    }
    changes = {item.label for item in items(response, "changes")}
    assert changes and not changes & at_kyshtut


def test_staff_home_lists_the_latest_changes_within_scope(client, users, work):
    work("kyshtut", n=1)
    response = home(client, users["staff"])
    changes = items(response, "changes")
    assert 0 < len(changes) <= 10
    assert [item.when for item in changes] == sorted((item.when for item in changes), reverse=True)
    assert len({item.url for item in changes}) == len(changes)  # a record saved twice is one line
    from stakeholders.models import Organization

    newest = Organization.objects.latest("pk")  # the last record work() saves
    assert changes[0].label == newest.name and changes[0].url == f"/en/stakeholders/{newest.pk}/"


def test_duplicates_new_since_the_last_visit_to_the_duplicates_page(client, users, make_organization):
    from stakeholders.duplicates import refresh_candidates

    make_organization(name_ky="Кербен аялдар кеңеши", site="kerben")
    make_organization(name_ky="Кербен аялдар кенеши", site="kerben")
    refresh_candidates("organization", users["staff"].sites.model.objects.get(slug="kerben"))
    label = "Possible duplicates new since your last visit"
    assert figures(home(client, users["staff"]), "registry")[label][0] == 1
    client.get(reverse("stakeholders:duplicate-list") + "?site=kerben")
    assert figures(home(client, users["staff"]), "registry")[label][0] == 0
    # Another user's visit does not count as this one's.
    assert figures(home(client, users["admin"]), "registry")[label][0] == 1


def test_admin_home_adds_users_by_role_and_the_latest_exports(client, users):
    from mapping_portal.models import ExportLog

    ExportLog.objects.create(user=users["staff"], export="organizations", format="csv", rows=12)
    response = home(client, users["admin"])
    by_role = figures(response, "users")
    assert by_role["local authority"][0] == 3
    assert by_role["project staff"][1] == "/admin/mapping_portal/user/?role__exact=staff"
    exports = items(response, "exports")
    assert [str(item.label) for item in exports] == ["organizations.csv", "The whole export log"]
    assert exports[0].url == "/en/exports/log/?export=organizations" and exports[1].url == "/en/exports/log/"
    assert "organizations" in client.get(exports[0].url).content.decode()
    assert "users" not in {section.key for section in home(client, users["staff"]).context["sections"]}


def test_local_authority_home_shows_the_plan_to_review_first_with_its_button(client, users, work):
    work("kyshtut", n=1)
    work("kerben", n=1)
    response = home(client, users["la_kyshtut"])
    sections = response.context["sections"]
    assert sections[0].key == "plan-review"
    (plan,) = sections[0].items
    assert plan.label == "Plan to review at kyshtut" and plan.urgent
    html = response.content.decode()
    assert "Review the plan" in html
    assert html.index("Plan to review at kyshtut") < html.index("Plan actions")
    assert client.get(plan.url).status_code == 200
    actions = figures(response, "plan-actions")
    assert actions["Plan actions delayed"][0] == 1
    assert actions["Plan actions delayed"][1] == reverse("plans:site-dashboard", args=["kyshtut"])
    assert [item.label for item in items(response, "events")] == ["Coming up at kyshtut"]
    site = figures(response, "site")
    assert site["Organizations"][0] >= 1 and "site=kyshtut" in site["Organizations"][1]


def test_a_local_authority_of_kerben_sees_nothing_of_kyshtut(client, users, work):
    work("kyshtut", n=3)
    work("kerben", n=1)
    response = home(client, users["la_kerben"])
    html = response.content.decode()
    assert "kyshtut" not in html.lower() and "Кыштут" not in html
    assert [item.label for item in items(response, "plan-review")] == ["Plan to review at kerben"]
    assert figures(response, "plan-actions")["Plan actions delayed"][0] == 1
    assert figures(response, "site")["Events held"][0] == 1
    assert not items(response, "drafts") and not items(response, "grants")


def test_reviewer_home_lists_its_reviews_their_state_and_deadline(client, users, make_application, online_call):  # noqa: F811
    from grants import workflow

    call = online_call(closes_on=timezone.localdate() + 20 * DAY)
    first, second = (make_application(call=call, status="in_review") for _ in range(2))
    make_application(call=call, status="in_review")  # not assigned to them
    workflow.assign_reviewer(first, users["reviewer"], users["staff"])
    done = workflow.assign_reviewer(second, users["reviewer"], users["staff"])
    workflow.declare(done, users["reviewer"], conflict=False, confidentiality=True, version=done.version)
    response = home(client, users["reviewer"])
    reviews = items(response, "reviews")
    assert {item.label for item in reviews} == {first.title, second.title}
    assert {str(item.value) for item in reviews} == {"assigned: declaration pending", "scoring"}
    with translation.override("en"):
        closing = date_format(call.closes_on, "SHORT_DATE_FORMAT")
    assert all(f"closing date {closing}" in str(item.detail) for item in reviews)
    for item in reviews:
        assert client.get(item.url).status_code == 200


def test_viewer_home_shows_the_results_with_small_counts_suppressed(client, users, make_event, attend, make_person):  # noqa: F811
    event = make_event(site="kyshtut", days=1)
    for n in range(7):
        attend(event, make_person(sex="female" if n < 4 else "male"))
    from dialogues.models import PersonReach

    assert PersonReach.objects.exists()  # the reach summary the results are read from is kept up to date
    response = home(client, users["viewer"])
    results = figures(response, "results")
    assert results["People reached (unique, named)"][0] == 7
    assert results["People reached (unique, named)"][1] == reverse("dialogues:results")
    by_sex = figures(response, "results-by-sex")
    assert by_sex["women"][0] == "<5" and by_sex["men"][0] == "<5"  # 4 and 3: suppressed as on the results page
    assert "drafts" not in {section.key for section in response.context["sections"]}


def test_applicant_home_shows_its_applications_and_calls(client, applicant, aigerim, make_application, online_call):  # noqa: F811
    call = online_call()
    draft = make_application(call=call, lead_applicant=aigerim, status="draft")
    submitted = make_application(call=call, lead_applicant=aigerim, status="submitted")
    make_application(call=call, status="submitted")  # someone else's
    online_call(
        title_ky="Жабык конкурс", accepts_online_applications=False
    )  # open, but not online: not theirs to apply to
    online_call(sites=("kerben",), title_ky="Кербендин конкурсу")  # another site's
    response = home(client, applicant)
    own = {item.label: item for item in items(response, "own-applications")}
    assert set(own) == {draft.title, submitted.title}
    assert own[draft.title].urgent and "submit it" in str(own[draft.title].detail)
    assert "eligible" in str(own[submitted.title].detail)
    assert [item.url for item in items(response, "open-calls")] == [reverse("grants:call-detail", args=[call.pk])]
    assert client.get(own[draft.title].url).status_code == 200


def test_the_public_home_is_unchanged(client, sites):
    response = client.get("/en/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "mapping_portal/home.html"
    assert "Stakeholder map of the pilot sites" in response.content.decode()


def test_a_deactivated_account_gets_the_public_home(client, users):
    staff = users["staff"]
    client.force_login(staff)
    staff.is_active = False
    staff.save()
    response = client.get("/en/")
    assert [t.name for t in response.templates][0] == "mapping_portal/home.html"


def _queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/").status_code == 200
    return len(queries)


# The queries of each home (session and user, the menu's sites, then the providers'): measured, kept.
HOME_QUERIES = {"admin": 19, "staff": 17, "la_kyshtut": 16, "reviewer": 8, "viewer": 9, "applicant": 8}


@pytest.mark.parametrize("role", HOME_QUERIES)
def test_a_homes_query_count_does_not_grow_with_the_data(client, users, work, applicant, aigerim, role):  # noqa: F811
    from grants import workflow
    from grants.models import GrantApplication
    from tests.conftest import make_user

    def more(n):
        work("kyshtut", n=n)
        for application in GrantApplication.objects.filter(status="in_review")[: n * 2]:
            if not application.reviews.filter(reviewer=users["reviewer"]).exists():
                workflow.assign_reviewer(application, users["reviewer"], users["staff"])
        GrantApplication.objects.filter(status="submitted").update(lead_applicant=aigerim)
        for n_user in range(n):
            make_user(f"extra-{role}-{GrantApplication.objects.count()}-{n_user}", "viewer")

    more(1)
    few = _queries(client, users[role] if role != "applicant" else applicant)
    more(3)
    many = _queries(client, users[role] if role != "applicant" else applicant)
    assert many == few, f"{role}: {few} queries with a few records, {many} with more"
    assert few == HOME_QUERIES[role]
