"""The registry's indicators for the results framework: organizations mapped, capacity change, women among leaders
and founders — against crafted data (dates and sites in and out, deactivated and merged records, a person counted
once), their links by role, their query counts, and suppression through framework.build for the viewer."""

import datetime
from decimal import Decimal
from functools import partial

import pytest
from django.utils import timezone, translation

from mapping_portal import hooks
from mapping_portal.results import framework, periods
from mapping_portal.results.models import Programme
from stakeholders import merging
from stakeholders.models import Membership, Organization
from tests.stakeholders.test_assessments import assess, make_template

D = datetime.date
START, END = D(2025, 1, 1), D(2025, 12, 31)


@pytest.fixture(autouse=True)
def english():
    """The titles and notes are read in English here (they are translated like every string)."""
    with translation.override("en"):
        yield


def measure(key, user, site_ids=None, start=START, end=END):
    return hooks.indicators.get(key)(hooks.Scope(user, start, end, site_ids))


def mapped_on(organization, day):
    """Date an organization's entry in the registry (created_at is set by the database on creation)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Organization.objects.filter(pk=organization.pk).update(created_at=moment)
    return organization


def rows(breakdown):
    return {key: value for key, _label, value in breakdown.rows}


def breakdown(measure, dimension):
    return next(b for b in measure.breakdowns if b.dimension == dimension)


# --- Organizations mapped ---------------------------------------------------------------------------------------


@pytest.fixture
def mapped(make_organization, registry):
    """Three organizations mapped in 2025 (two in Kyshtut, one in Kerben), and five that do not count."""
    made = {
        "kyshtut_cso": make_organization("kyshtut", areas=("peace-security", "inclusive-participation")),
        "kyshtut_youth": make_organization("kyshtut", type_code="youth-organization", areas=("peace-security",)),
        "kerben_cso": make_organization("kerben"),
        "before": make_organization("kyshtut"),
        "after": make_organization("kerben"),
        "inactive": make_organization("kyshtut", is_active=False),
        "merged": make_organization("kyshtut"),
        "last_day": make_organization("kerben", type_code="youth-organization"),
    }
    for name, organization in made.items():
        mapped_on(organization, {"before": D(2024, 12, 31), "after": D(2026, 1, 1), "last_day": END}.get(name, START))
    Organization.objects.filter(pk=made["merged"].pk).update(merged_into=made["kyshtut_cso"], is_active=False)
    return made


def test_organizations_mapped_counts_active_unmerged_organizations_mapped_within_the_dates(mapped, staff):
    result = measure("organizations_mapped", staff)
    assert result.value == 4  # kyshtut_cso, kyshtut_youth, kerben_cso, last_day
    assert result.people is False
    assert rows(breakdown(result, "site")) == {"akturpak": 0, "kyshtut": 2, "kerben": 2}
    by_type = rows(breakdown(result, "type"))
    assert (by_type["cso"], by_type["youth-organization"]) == (2, 2)
    assert sum(by_type.values()) == 4
    assert all(b.people is False for b in result.breakdowns)


def test_an_organization_in_two_directions_counts_in_each_and_the_title_says_so(mapped, staff):
    directions = breakdown(measure("organizations_mapped", staff), "direction")
    by_direction = rows(directions)
    assert by_direction["peace-security"] == 2
    assert by_direction["inclusive-participation"] == 1
    assert sum(by_direction.values()) == 3  # not the total of 4: two have no direction, one has two
    assert "counts in each" in str(directions.title)


def test_organizations_mapped_at_one_site_and_its_link(mapped, staff):
    result = measure("organizations_mapped", staff, {mapped["kyshtut_cso"].site_id})
    assert result.value == 2
    assert [key for key, _label, _value in breakdown(result, "site").rows] == ["kyshtut"]
    assert result.url == "/en/stakeholders/?site=kyshtut&active=true"


def test_organizations_mapped_within_a_quarter_only(mapped, staff):
    assert measure("organizations_mapped", staff, start=D(2025, 10, 1)).value == 1  # last_day


@pytest.mark.parametrize(
    ("role", "linked"),
    [("admin", True), ("staff", True), ("la_kyshtut", True), ("viewer", True), ("applicant", False)],
)
def test_the_organization_list_is_linked_for_those_who_may_browse_the_registry(mapped, users, role, linked):
    url = measure("organizations_mapped", users[role]).url
    assert bool(url) is linked
    if linked:
        assert url.startswith("/en/stakeholders/")


def test_organizations_mapped_takes_three_queries_whatever_the_data(
    make_organization, staff, django_assert_num_queries
):
    with django_assert_num_queries(3):  # sites with their counts, types, thematic directions
        assert measure("organizations_mapped", staff, start=D(2026, 1, 1), end=D(2026, 12, 31)).value == 0
    for site in ("kyshtut", "kerben", "akturpak", "kyshtut"):
        make_organization(site, areas=("peace-security",))
    with django_assert_num_queries(3):
        assert measure("organizations_mapped", staff, start=D(2026, 1, 1), end=D(2026, 12, 31)).value == 4


def test_an_empty_site_scope_counts_nothing_without_a_query(mapped, staff, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert measure("organizations_mapped", staff, set()).value == 0


# --- Capacity change --------------------------------------------------------------------------------------------

BASELINE = {"a1": 1, "a2": 2, "b1": 2, "b2": 2, "b3": 2}  # A 1.50, B 2.00 → 1.75
ENDLINE = {"a1": 3, "a2": 3, "b1": 3, "b2": 3, "b3": 4}  # A 3.00, B 3.33 → 3.17 (half up): +1.42
FLAT_2 = dict.fromkeys(BASELINE, 2)
FLAT_3 = dict.fromkeys(BASELINE, 3)  # 2.00 → 3.00: +1.00


@pytest.fixture
def assessed(make_organization, staff, registry):
    template = make_template()

    def pair(site="kyshtut", baseline=FLAT_2, endline=FLAT_3, end_date="2025-06-01", final=True, **fields):
        organization = make_organization(site, **fields)
        assess(organization, template, "baseline", "2024-10-01", baseline, final=True, user=staff)
        assess(organization, template, "endline", end_date, endline, final=final, user=staff)
        return organization

    pair.template = template
    return pair


def test_capacity_change_is_the_mean_change_of_the_overall_score(assessed, staff):
    assessed(baseline=BASELINE, endline=ENDLINE)  # +1.42
    assessed()  # +1.00
    result = measure("capacity_change", staff)
    assert result.value == Decimal("1.2")  # (1.42 + 1.00) / 2 = 1.21
    assert result.people is False
    assert result.note == "2 organizations with both a baseline and an endline assessment"
    assert rows(breakdown(result, "site")) == {"akturpak": 0, "kyshtut": 2, "kerben": 0}


def test_capacity_change_agrees_with_the_assessments_own_overall_scores(assessed, staff):
    organization = assessed(baseline=BASELINE, endline=ENDLINE)
    baseline, endline = sorted(organization.assessments.all(), key=lambda a: a.date)
    change = endline.overall_score() - baseline.overall_score()
    assert change == Decimal("1.42")
    assert measure("capacity_change", staff).value == Decimal("1.4")


def test_not_applicable_indicators_and_domains_are_left_out_as_on_the_assessment_page(assessed, staff):
    baseline = {"a1": "na", "a2": "na", "b1": 1, "b2": 2, "b3": "na"}  # A left out, B 1.50 → 1.50
    endline = {"a1": 4, "a2": "na", "b1": 2, "b2": 3, "b3": 3}  # A 4.00, B 2.67 → 3.34 (3.335 half up)
    organization = assessed(baseline=baseline, endline=endline)
    first, last = sorted(organization.assessments.all(), key=lambda a: a.date)
    assert last.overall_score() - first.overall_score() == Decimal("1.84")
    assert measure("capacity_change", staff).value == Decimal("1.8")


def test_capacity_change_leaves_out_endlines_outside_the_dates_drafts_and_inactive_organizations(
    assessed, registry, staff
):
    assessed(baseline=BASELINE, endline=ENDLINE)
    assessed(end_date="2026-02-01")  # endline after the scope
    assessed(final=False)  # endline still a draft
    assessed(is_active=False)
    assessed(site="kerben", endline=dict.fromkeys(BASELINE, 4))  # counted only when Kerben is in the scope
    result = measure("capacity_change", staff, {registry["kyshtut"].pk})
    assert (result.value, result.note) == (
        Decimal("1.4"),
        "1 organization with both a baseline and an endline assessment",
    )
    assert measure("capacity_change", staff).value == Decimal("1.7")  # (1.42 + 2.00) / 2 = 1.71


def test_an_organization_with_a_baseline_only_or_a_midline_is_not_counted(assessed, make_organization, staff):
    organization = make_organization()
    assess(organization, assessed.template, "baseline", "2024-10-01", FLAT_2, final=True, user=staff)
    assess(organization, assessed.template, "midline", "2025-05-01", FLAT_3, final=True, user=staff)
    result = measure("capacity_change", staff)
    assert result.value is None
    assert result.note.startswith("0 organizations")


def test_the_earliest_baseline_and_the_latest_endline_in_the_scope_are_compared(assessed, staff):
    organization = assessed()  # baseline 2.00 on 2024-10-01, endline 3.00 on 2025-06-01
    assess(organization, assessed.template, "baseline", "2025-01-10", FLAT_3, final=True, user=staff)
    assess(organization, assessed.template, "endline", "2025-11-01", dict.fromkeys(BASELINE, 4), final=True, user=staff)
    assert measure("capacity_change", staff).value == Decimal("2.0")  # 2.00 → 4.00


@pytest.mark.parametrize(
    ("role", "linked"), [("staff", True), ("la_kyshtut", True), ("viewer", True), ("reviewer", False)]
)
def test_the_capacity_change_page_is_linked_for_those_who_see_assessments(assessed, users, role, linked):
    assessed()
    assert (measure("capacity_change", users[role]).url == "/en/stakeholders/assessments/change/") is linked


def test_capacity_change_takes_two_queries_whatever_the_data(assessed, staff, django_assert_num_queries):
    with django_assert_num_queries(2):  # the sites, the changes per site
        assert measure("capacity_change", staff).value is None
    assessed()
    assessed(site="kerben")
    with django_assert_num_queries(2):
        assert measure("capacity_change", staff).value == Decimal("1.0")


# --- Women among leaders and founders ---------------------------------------------------------------------------


def lead(person, organization, role="leader", **fields):
    return Membership.objects.create(person=person, organization=organization, role=role, **fields)


def test_women_among_leaders_and_founders_each_person_once(make_organization, make_person, staff):
    first, second = make_organization(), make_organization()
    aigul = make_person(sex="female")
    lead(aigul, first)
    lead(aigul, second, "founder")  # two roles, one person
    lead(make_person(sex="female"), second, "founder")
    lead(make_person(sex="male"), first)
    lead(make_person(sex="male"), first, "member")  # a member is not a leader
    lead(make_person(sex="female"), first, "contact")
    result = measure("women_share_governing_bodies", staff, end=D(2026, 12, 31))
    assert (result.part, result.whole, result.people) == (2, 3, True)
    assert rows(breakdown(result, "sex")) == {"female": 2, "male": 1}
    assert breakdown(result, "sex").people is True


def test_former_and_future_leaders_and_other_sites_are_left_out(make_organization, make_person, registry, staff):
    organization = make_organization()
    lead(make_person(sex="female"), organization, until=2024)  # left before the end of the scope
    lead(make_person(sex="female"), organization, until=2025)  # still there in 2025
    lead(make_person(sex="female"), organization, since=2026)  # came after
    lead(make_person(sex="male"), make_organization("kerben"))
    at_kyshtut = measure("women_share_governing_bodies", staff, {registry["kyshtut"].pk})
    assert (at_kyshtut.part, at_kyshtut.whole) == (1, 1)
    everywhere = measure("women_share_governing_bodies", staff)
    assert (everywhere.part, everywhere.whole) == (1, 2)


def test_inactive_organizations_and_people_and_merged_duplicates_are_left_out(make_organization, make_person, staff):
    organization = make_organization()
    lead(make_person(sex="female"), make_organization(is_active=False))
    lead(make_person(sex="female", is_active=False), organization)
    kept, duplicate = make_person(sex="female", full_name="Айгүл Асанова"), make_person(sex="female")
    lead(kept, organization)
    lead(duplicate, make_organization(), "founder")
    before = measure("women_share_governing_bodies", staff)
    assert before.part == 2  # two records of the same woman
    merging.merge(kept, duplicate, staff, "The same person, entered twice.")
    after = measure("women_share_governing_bodies", staff)
    assert (after.part, after.whole) == (1, 1)


def test_women_among_leaders_takes_one_query_whatever_the_data(
    make_organization, make_person, staff, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert measure("women_share_governing_bodies", staff).whole == 0
    for n in range(6):
        lead(make_person(sex="male" if n % 2 else "female"), make_organization())
    with django_assert_num_queries(1):
        assert measure("women_share_governing_bodies", staff).whole == 6


# --- Through the framework, as the viewer -----------------------------------------------------------------------


def figure_as(user, measure_key, site=None):
    programme = Programme.current()
    report = framework.build(user, programme, periods.parse("all", programme), site)
    return next(figure for figure in report.figures if figure.indicator.measure == measure_key)


@pytest.mark.parametrize(("women", "shown"), [(4, ["<5", "≥5"]), (5, [5, 10])])
def test_the_viewer_sees_small_cells_of_leaders_by_sex_suppressed(make_organization, make_person, users, women, shown):
    organization = make_organization()
    for n in range(women + 10):
        lead(make_person(sex="female" if n < women else "male"), organization)
    viewer = figure_as(users["viewer"], "women_share_governing_bodies")
    assert [value for _key, _label, value in viewer.breakdowns[0].rows] == shown
    assert viewer.actual == ("n<5" if women == 4 else Decimal("33.3"))
    staff = figure_as(users["staff"], "women_share_governing_bodies")
    assert [value for _key, _label, value in staff.breakdowns[0].rows] == [women, 10]


def test_the_viewer_sees_organizations_counts_as_they_are(make_organization, users):
    for _n in range(4):
        make_organization("kyshtut")
    make_organization("kerben")
    viewer = figure_as(users["viewer"], "organizations_mapped")
    assert viewer.actual == 5
    assert [value for _key, _label, value in viewer.breakdowns[0].rows] == [0, 4, 1]  # organizations, not people


# --- Women's share of seats on governing bodies -----------------------------------------------------------------


def test_board_seats_add_the_counts_typed_on_the_forms_of_live_organizations(make_organization, registry, staff):
    make_organization("kyshtut", board_women=3, board_men=4)
    make_organization("kyshtut", board_women=2)  # men not given: counted as none
    make_organization("kyshtut")  # neither given: left out
    make_organization("kerben", board_women=6, board_men=1)
    make_organization("kyshtut", board_women=9, board_men=9, is_active=False)
    later = make_organization("kyshtut", board_women=9, board_men=9)
    mapped_on(later, D(2027, 2, 1))  # after the end of the scope
    seats = partial(measure, "women_share_board_seats", staff, end=D(2026, 12, 31))
    everywhere = seats()
    assert (everywhere.part, everywhere.whole) == (11, 16)
    assert rows(breakdown(everywhere, "sex")) == {"female": 11, "male": 5}
    at_kyshtut = seats(site_ids={registry["kyshtut"].pk})
    assert (at_kyshtut.part, at_kyshtut.whole) == (5, 9)
    assert seats(site_ids=set()).whole == 0


def test_board_seats_take_one_query_and_the_viewer_sees_a_small_rest_hidden(
    make_organization, users, staff, django_assert_num_queries
):
    make_organization("kyshtut", board_women=12, board_men=3)
    with django_assert_num_queries(1):
        measure("women_share_board_seats", staff)
    assert figure_as(users["staff"], "women_share_board_seats").actual == Decimal("80.0")
    viewer = figure_as(users["viewer"], "women_share_board_seats")
    assert viewer.actual == "n<5"  # 80 % of 15 seats would give the 3 men away
    assert [value for _key, _label, value in viewer.breakdowns[0].rows] == ["≥5", "<5"]
