"""The small grants' indicators for the results framework: grants awarded (count and som), disbursed, and women's
share of lead applicants — against crafted data (dates and sites in and out, drafts left out, a person counted
once), their links by role, their query counts, and what the viewer reads through framework.build."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from grants.models import Award, GrantApplication, Tranche
from mapping_portal import hooks
from mapping_portal.results import framework, periods
from mapping_portal.results.models import Programme

D = datetime.date
START, END = D(2025, 1, 1), D(2025, 12, 31)


@pytest.fixture(autouse=True)
def english():
    """The titles and notes are read in English here (they are translated like every string)."""
    with translation.override("en"):
        yield


def measure(key, user, site_ids=None, start=START, end=END):
    return hooks.indicators.get(key)(hooks.Scope(user, start, end, site_ids))


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def rows(measure, dimension):
    breakdown = next(b for b in measure.breakdowns if b.dimension == dimension)
    assert breakdown.people is False
    return {key: value for key, _label, value in breakdown.rows}


@pytest.fixture
def call_at(make_call):
    """One call per site for the whole test (a call each would triple the test's time)."""
    calls = {}

    def call(site):
        if site not in calls:
            calls[site] = make_call(sites=(site,))
        return calls[site]

    return call


@pytest.fixture
def award(make_application, call_at, staff):
    """`award(site, amount, decided=date, kind=…, paid=[(date, amount)])` — an approved application with its award
    decided on that day and the tranches paid on theirs."""

    def make(site="kyshtut", amount=40_000, decided=START, kind="social", paid=()):
        application = make_application(call=call_at(site), site=site, status="approved", kind=kind)
        granted = Award.objects.create(application=application, call=application.call, amount=amount, decided_by=staff)
        Award.objects.filter(pk=granted.pk).update(decided_at=at(decided))
        for number, (day, value) in enumerate(paid, start=1):
            Tranche.objects.create(
                award=granted,
                number=number,
                planned_date=day,
                planned_amount=value,
                paid_date=day,
                paid_amount=value,
            )
        return granted

    return make


@pytest.fixture
def portfolio(award):
    """Three awards decided in 2025 (two in Kyshtut, one business in Kerben), one in 2024 paid in 2025, one in
    2026."""
    award("kyshtut", 40_000, START, paid=[(D(2025, 2, 1), 20_000), (D(2026, 1, 5), 20_000)])
    award("kyshtut", 30_000, END, paid=[(END, 10_000)])
    award("kerben", 50_000, D(2025, 6, 1), kind="business")
    award("kerben", 45_000, D(2024, 12, 31), paid=[(D(2025, 3, 1), 5_000)])
    award("kyshtut", 25_000, D(2026, 1, 1), paid=[(D(2026, 1, 2), 25_000)])


def test_grants_awarded_counts_the_awards_decided_within_the_dates(portfolio, staff):
    result = measure("grants_awarded", staff)
    assert (result.value, result.people) == (3, False)
    assert rows(result, "site") == {"akturpak": 0, "kyshtut": 2, "kerben": 1}
    assert rows(result, "kind") == {"social": 2, "business": 1}


def test_grants_awarded_in_som(portfolio, staff):
    result = measure("grants_awarded_som", staff)
    assert result.value == Decimal("120000.00")
    assert rows(result, "site") == {"akturpak": 0, "kyshtut": Decimal("70000.00"), "kerben": Decimal("50000.00")}
    assert rows(result, "kind") == {"social": Decimal("70000.00"), "business": Decimal("50000.00")}


def test_grants_disbursed_are_the_tranches_paid_within_the_dates_whenever_awarded(portfolio, staff):
    result = measure("grants_disbursed_som", staff)
    assert result.value == Decimal("35000.00")  # 20,000 + 10,000 + 5,000 of the award decided in 2024
    assert rows(result, "site") == {"akturpak": 0, "kyshtut": Decimal("30000.00"), "kerben": Decimal("5000.00")}
    assert rows(result, "kind") == {"social": Decimal("35000.00"), "business": 0}


def test_grants_at_one_site(portfolio, registry, staff):
    kerben = {registry["kerben"].pk}
    assert measure("grants_awarded", staff, kerben).value == 1
    assert measure("grants_awarded_som", staff, kerben).value == Decimal("50000.00")
    assert measure("grants_disbursed_som", staff, kerben).value == Decimal("5000.00")
    assert measure("grants_awarded", staff, kerben).url == "/en/grants/applications/?site=kerben&status=approved"


def test_nothing_awarded_is_zero(staff, registry):
    assert measure("grants_awarded", staff).value == 0
    assert measure("grants_awarded_som", staff).value == Decimal("0")
    assert measure("grants_disbursed_som", staff).value == Decimal("0")


@pytest.mark.parametrize(
    ("role", "linked"), [("admin", True), ("staff", True), ("la_kyshtut", True), ("viewer", False)]
)
def test_the_awards_are_linked_for_those_who_read_them_one_by_one(portfolio, users, role, linked):
    for key in ("grants_awarded", "grants_awarded_som", "grants_disbursed_som"):
        url = measure(key, users[role]).url
        assert (url == "/en/grants/applications/?status=approved") is linked


@pytest.mark.parametrize("key", ["grants_awarded", "grants_awarded_som", "grants_disbursed_som"])
def test_grants_take_two_queries_whatever_the_data(award, staff, registry, key, django_assert_num_queries):
    with django_assert_num_queries(2):  # the sites, the cube by site and kind
        measure(key, staff)
    award("kyshtut", paid=[(START, 1000)])
    award("kerben", kind="business", paid=[(START, 1000)])
    with django_assert_num_queries(2):
        assert measure(key, staff).value


# --- Women among lead applicants --------------------------------------------------------------------------------


@pytest.fixture
def applied(make_application, call_at, make_person):
    """`applied(person=None, site, submitted=date, status="submitted")` — an application handed in that day."""

    def make(person=None, site="kyshtut", submitted=START, status="submitted", sex="female"):
        application = make_application(
            call=call_at(site), site=site, status=status, lead_applicant=person or make_person(site=site, sex=sex)
        )
        GrantApplication.objects.filter(pk=application.pk).update(submitted_at=at(submitted) if submitted else None)
        return application

    return make


def test_women_among_lead_applicants_each_person_once_drafts_left_out(applied, make_person, staff):
    aigul = make_person(sex="female")
    applied(aigul)
    applied(aigul, status="rejected")  # two applications, one person
    applied(sex="female", status="withdrawn")  # handed in, then withdrawn: she applied
    applied(sex="male", status="approved")
    applied(sex="female", status="draft", submitted=None)
    applied(sex="male", status="draft")  # returned for corrections: a draft again
    applied(sex="female", submitted=D(2026, 2, 1))
    applied(make_person(sex="female", is_active=False))
    result = measure("women_share_lead_applicants", staff)
    assert (result.part, result.whole, result.people) == (2, 3, True)
    by_sex = next(b for b in result.breakdowns if b.dimension == "sex")
    assert by_sex.people is True
    assert [value for _key, _label, value in by_sex.rows] == [2, 1]


def test_women_among_lead_applicants_at_one_site(applied, registry, staff):
    applied(sex="female")
    applied(site="kerben", sex="male")
    at_kerben = measure("women_share_lead_applicants", staff, {registry["kerben"].pk})
    assert (at_kerben.part, at_kerben.whole) == (0, 1)
    assert at_kerben.url == "/en/grants/applications/?site=kerben"


@pytest.mark.parametrize(("role", "linked"), [("staff", True), ("la_kyshtut", False), ("viewer", False)])
def test_the_applications_are_linked_for_those_who_read_applicants_names(applied, users, role, linked):
    applied()
    assert bool(measure("women_share_lead_applicants", users[role]).url) is linked


def test_women_among_lead_applicants_takes_two_queries_whatever_the_data(applied, staff, django_assert_num_queries):
    with django_assert_num_queries(2):  # the sites, the people by sex
        assert measure("women_share_lead_applicants", staff).whole == 0
    for n in range(4):
        applied(sex="male" if n % 2 else "female", site=("kyshtut", "kerben")[n % 2])
    with django_assert_num_queries(2):
        assert measure("women_share_lead_applicants", staff).whole == 4


# --- Through the framework, as the viewer -----------------------------------------------------------------------


def figure_as(user, measure_key):
    programme = Programme.current()
    report = framework.build(user, programme, periods.parse("all", programme))
    return next(figure for figure in report.figures if figure.indicator.measure == measure_key)


@pytest.mark.parametrize(("women", "shown"), [(4, ["<5", "≥5"]), (5, [5, 10])])
def test_the_viewer_sees_small_cells_of_lead_applicants_by_sex_suppressed(applied, users, women, shown):
    today = timezone.localdate()
    for n in range(women + 10):
        applied(sex="female" if n < women else "male", submitted=today)
    viewer = figure_as(users["viewer"], "women_share_lead_applicants")
    assert [value for _key, _label, value in viewer.breakdowns[0].rows] == shown
    assert viewer.actual == ("n<5" if women == 4 else Decimal("33.3"))
    assert figure_as(users["staff"], "women_share_lead_applicants").actual == Decimal("28.6" if women == 4 else "33.3")


def test_the_viewer_reads_the_grants_aggregates_unsuppressed(award, users):
    today = timezone.localdate()
    for _n in range(4):
        award("kyshtut", 10_000, today)
    award("kerben", 20_000, today, kind="business")
    viewer = figure_as(users["viewer"], "grants_awarded")
    assert viewer.actual == 5
    assert [value for _key, _label, value in viewer.breakdowns[0].rows] == [0, 4, 1]  # grants, not people
    assert viewer.url == ""
    assert figure_as(users["viewer"], "grants_awarded_som").actual == Decimal("60000.00")
