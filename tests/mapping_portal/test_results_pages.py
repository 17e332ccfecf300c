"""The reports page (/<lang>/reports/) and the admin's indicator page: who may open them, what a bad filter gets,
setting and removing targets with their history, editing an indicator, and bounded query counts."""

import pytest
from django.utils.html import escape

from mapping_portal.results.models import Indicator, Target
from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import count_queries, url

PAGE_ROLES = {"admin": 200, "staff": 200, "la_kyshtut": 200, "la_kerben": 200, "viewer": 200}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_the_results_page_answers_each_role(client_for, users, role):
    response = client_for(users[role]).get(url("results:index"))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == PAGE_ROLES.get(role, 403)


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_results_page_names_every_indicator_in_the_language(client_for, admin, language):
    content = client_for(admin).get(url("results:index", language=language)).content.decode()
    for indicator in Indicator.objects.all():
        assert escape(getattr(indicator, f"name_{language}")) in content


def test_a_local_authority_chooses_among_its_own_sites_only(client_for, la_kyshtut, sites):
    response = client_for(la_kyshtut).get(url("results:index"), {"site": "kerben"})
    assert response.status_code == 200
    assert response.context["report"].site is None
    assert [site.slug for site in response.context["report"].sites] == ["kyshtut"]
    assert b'data-testid="filter-errors"' in response.content


@pytest.mark.parametrize(
    "query",
    [{"period": "2099"}, {"period": "\x00"}, {"period": "2026-Q9"}, {"site": "nowhere"}, {"period": "x" * 5000}],
)
def test_an_unreadable_filter_is_said_and_the_whole_project_shown(client_for, staff, query):
    response = client_for(staff).get(url("results:index"), query)
    assert response.status_code == 200
    assert response.context["report"].period.key == "all"
    assert b'data-testid="filter-errors"' in response.content


def test_a_chosen_period_and_site_are_shown(client_for, staff, sites):
    response = client_for(staff).get(url("results:index"), {"period": "2026-Q2", "site": "kerben"})
    report = response.context["report"]
    assert (report.period.key, report.site) == ("2026-Q2", sites["kerben"])


def test_the_results_page_query_count_is_bounded_and_does_not_grow_with_the_records(
    client_for, staff, la_kyshtut, viewer, make_organization, make_person
):
    import datetime

    from dialogues.models import Attendance, Event

    def add_records(site):
        organization = make_organization(site)
        event = Event.objects.create(
            title="Тренинг",
            kind="training",
            status="held",
            site=organization.site,
            start_date=datetime.date(2026, 3, 10),
            end_date=datetime.date(2026, 3, 12),
        )
        for _number in range(3):
            Attendance.objects.create(event=event, person=make_person(site), days=event.days)

    add_records("kyshtut")
    # the session, the user, the programme, the user's sites, the indicators, the targets, the sites of the filter
    # and the menu; then the providers: each a fixed number (tests of each app), the sites read once per build.
    counts = {user: count_queries(client_for(user), url("results:index"), {"period": "2026"}) for user in (staff,)}
    add_records("kerben")
    add_records("kyshtut")
    for user in (staff, la_kyshtut, viewer):
        assert count_queries(client_for(user), url("results:index"), {"period": "2026"}) <= 36
    assert count_queries(client_for(staff), url("results:index"), {"period": "2026"}) == counts[staff]


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_only_admins_open_an_indicator_to_set_its_targets(client_for, users, role):
    indicator = Indicator.objects.get(measure="people_trained")
    response = client_for(users[role]).get(url("results:indicator", indicator.pk))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role == "admin" else 403)
    posted = client_for(users[role]).post(
        url("results:indicator", indicator.pk), {"form": "target", "target-period": "2025", "target-value": "20"}
    )
    assert Target.objects.filter(indicator=indicator, period="2025").exists() == (role == "admin")
    if role != "admin":
        assert posted.status_code in (302, 403)


def test_an_unknown_indicator_is_404(client_for, admin):
    assert client_for(admin).get(url("results:indicator", 99999)).status_code == 404


def test_admin_sets_changes_and_removes_a_target_and_the_history_keeps_it(client_for, admin, sites):
    client = client_for(admin)
    indicator = Indicator.objects.get(measure="centres")
    page = url("results:indicator", indicator.pk)
    data = {"form": "target", "target-period": "2026", "target-site": sites["kerben"].pk, "target-value": "1"}
    assert client.post(page, data).status_code == 302
    assert client.post(page, data | {"target-value": "2"}).status_code == 302
    target = Target.objects.get(indicator=indicator, period="2026", site=sites["kerben"])
    assert target.value == 2  # the same period and site: replaced, not doubled
    response = client.post(url("results:target-remove", indicator.pk), {"target": target.pk})
    assert response.status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    history = list(Target.history.filter(indicator_id=indicator.pk, period="2026").order_by("history_date"))
    assert [(entry.history_type, entry.value, entry.history_user) for entry in history] == [
        ("+", 1, admin),
        ("~", 2, admin),
        ("-", 2, admin),
    ]
    content = client.get(page).content.decode()
    assert content.count("admin ·") >= 3


@pytest.mark.parametrize(
    ("measure", "changes", "message"),
    [
        ("centres", {"target-value": "-1"}, "greater than or equal to 0"),
        ("centres", {"target-value": "lots"}, "Enter a number"),
        ("centres", {"target-period": "2099"}, "Select a valid choice"),
        ("centres", {"target-site": "99999"}, "Select a valid choice"),
        ("women_share_participants", {"target-value": "150"}, "at most 100"),
    ],
)
def test_a_bad_target_is_refused_with_a_message_and_nothing_saved(client_for, admin, measure, changes, message):
    indicator = Indicator.objects.get(measure=measure)
    before = Target.objects.count()
    data = {"form": "target", "target-period": "all", "target-value": "3"} | changes
    response = client_for(admin).post(url("results:indicator", indicator.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Target.objects.count() == before


def test_removing_a_target_twice_says_so(client_for, admin):
    indicator = Indicator.objects.get(measure="centres")
    target = indicator.targets.get()
    client = client_for(admin)
    client.post(url("results:target-remove", indicator.pk), {"target": target.pk})
    response = client.post(url("results:target-remove", indicator.pk), {"target": target.pk}, follow=True)
    assert "already removed" in response.content.decode()
    assert client.post(url("results:target-remove", indicator.pk), {"target": "²"}).status_code == 302


def indicator_data(indicator, **changes):
    return {
        "form": "indicator",
        "name_ky": indicator.name_ky,
        "name_ru": indicator.name_ru,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "baseline": "12",
        "baseline_year": "2024",
        "baseline_note": "",
        "cumulative": "on",
        "version": indicator.version,
    } | changes


def test_admin_edits_an_indicator_and_a_stale_form_is_told(client_for, admin):
    indicator = Indicator.objects.get(measure="organizations_mapped")
    client = client_for(admin)
    page = url("results:indicator", indicator.pk)
    assert client.post(page, indicator_data(indicator)).status_code == 302
    indicator.refresh_from_db()
    assert indicator.baseline == 12
    stale = client.post(page, indicator_data(indicator, baseline="20", version=indicator.version - 1))
    assert stale.status_code == 200
    indicator.refresh_from_db()
    assert indicator.baseline == 12
    nameless = client.post(page, indicator_data(indicator, name_ky="", name_ru="", name_en=""))
    assert "at least one language" in nameless.content.decode()


def test_the_indicator_page_query_count_is_bounded(client_for, admin, sites):
    indicator = Indicator.objects.get(measure="people_trained")
    client = client_for(admin)
    for year in ("2025", "2026"):
        for site in sites.values():
            Target.objects.create(indicator=indicator, period=year, site=site, value=10)
    assert count_queries(client, url("results:indicator", indicator.pk)) <= 20


def test_a_target_set_shows_in_the_admins_recent_changes_linked_to_its_indicator(client_for, admin):
    indicator = Indicator.objects.get(measure="initiative_groups")
    client = client_for(admin)
    client.post(
        url("results:indicator", indicator.pk), {"form": "target", "target-period": "2025", "target-value": "2"}
    )
    response = client.get(url("changes:list"), {"kind": "target", "user": admin.pk})
    assert response.status_code == 200
    [entry] = response.context["entries"]  # (the defaults, installed again after a flush, have no user)
    assert entry.link == url("results:indicator", indicator.pk)
    assert entry.history_user == admin
