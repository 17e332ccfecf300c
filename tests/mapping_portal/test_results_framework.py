"""The results framework's own rules: defaults installed, periods, targets per period and site, suppression of the
actual values and breakdowns, a provider missing. The indicators' computations are tested with their apps."""

import datetime
from decimal import Decimal

import pytest

from mapping_portal import hooks
from mapping_portal.results import framework, periods
from mapping_portal.results.models import Indicator, Programme, Target

D = datetime.date


@pytest.fixture
def programme(db):
    return Programme.current()


@pytest.fixture
def measured():
    """Replace the providers of two measures by fixed answers for the duration of a test (the framework's rules
    are tested here, not the computations)."""
    saved = {key: hooks.indicators.get(key) for key in ("people_trained", "women_share_participants")}
    answers = {}

    def provide(key, measure):
        answers[key] = measure
        hooks.indicators.register(lambda scope: answers[key], key=key)

    yield provide
    for key, provider in saved.items():
        if provider is None:
            hooks.indicators.unregister(key)
        else:
            hooks.indicators.register(provider, key=key)


def test_the_seed_results_and_targets_are_installed(programme):
    assert programme.start == D(2024, 4, 1)
    targets = {t.indicator.measure: t.value for t in Target.objects.filter(period="all", site=None)}
    assert targets == {"people_trained": 60, "initiative_groups": 3, "centres": 3, "plans_approved": 3}
    assert Indicator.objects.filter(unit="percent").count() == 6
    assert all(i.name_ky and i.name_ru and i.name_en for i in Indicator.objects.all())


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("all", D(2024, 4, 1), D(2026, 12, 31)),
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2024", D(2024, 4, 1), D(2024, 12, 31)),  # cut to the programme's start
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("2024-Q2", D(2024, 4, 1), D(2024, 6, 30)),
    ],
)
def test_periods_read_their_keys(programme, key, start, end):
    period = periods.parse(key, programme)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("key", ["", "2023", "2024-Q1", "2027", "2026-Q5", "26", "all ", "2026-q1", "x" * 500])
def test_a_period_outside_the_programme_or_unreadable_is_none(programme, key):
    assert periods.parse(key, programme) is None


def test_the_period_choices_cover_the_programme(programme):
    keys = [period.key for period in periods.choices(programme)]
    assert keys[:4] == ["all", "2024", "2024-Q2", "2024-Q3"]
    assert keys[-1] == "2026-Q4"
    assert "2024-Q1" not in keys


def test_actual_people_and_breakdowns_are_suppressed_for_the_viewer_only(programme, users, measured):
    sexes = hooks.Breakdown("sex", "By sex", [("female", "women", 7), ("male", "men", 2)])
    measured("people_trained", hooks.Measure(value=9, people=True, breakdowns=[sexes]))
    period = periods.parse("all", programme)
    staff = _figure(framework.build(users["staff"], programme, period), "people_trained")
    assert (staff.actual, staff.target, staff.progress) == (9, Decimal(60), 15)
    assert [row[2] for row in staff.breakdowns[0].rows] == [7, 2]
    viewer = _figure(framework.build(users["viewer"], programme, period), "people_trained")
    assert viewer.actual == 9
    assert [row[2] for row in viewer.breakdowns[0].rows] == ["≥5", "<5"]


def test_a_count_of_4_people_is_hidden_and_5_is_shown(programme, users, measured):
    period = periods.parse("all", programme)
    for value, shown in ((4, "<5"), (5, 5)):
        measured("people_trained", hooks.Measure(value=value, people=True))
        figure = _figure(framework.build(users["viewer"], programme, period), "people_trained")
        assert figure.actual == shown
        assert figure.progress == (None if shown == "<5" else 8)


def test_a_share_is_worked_out_and_hidden_when_small(programme, users, measured):
    period = periods.parse("all", programme)
    measured("women_share_participants", hooks.Measure(part=3, whole=40))
    assert _figure(framework.build(users["staff"], programme, period), "women_share_participants").actual == Decimal(
        "7.5"
    )
    viewer = framework.build(users["viewer"], programme, period)
    assert _figure(viewer, "women_share_participants").actual == "n<5"
    assert viewer.notes  # the page says what n<5 means


def test_a_site_target_is_the_target_at_that_site_and_the_local_authority_gets_its_sites(
    programme, users, registry, measured
):
    indicator = Indicator.objects.get(measure="people_trained")
    Target.objects.create(indicator=indicator, period="all", site=registry["kyshtut"], value=20)
    Target.objects.create(indicator=indicator, period="all", site=registry["kerben"], value=25)
    measured("people_trained", hooks.Measure(value=10, people=True))
    period = periods.parse("all", programme)
    assert _figure(framework.build(users["staff"], programme, period), "people_trained").target == 60
    at_kerben = framework.build(users["staff"], programme, period, registry["kerben"])
    assert _figure(at_kerben, "people_trained").target == 25
    assert _figure(framework.build(users["la_kyshtut"], programme, period), "people_trained").target == 20


def test_an_indicator_without_a_provider_says_so(programme, users):
    Indicator.objects.filter(measure="people_trained").update(measure="nobody_computes_this")
    figure = _figure(
        framework.build(users["staff"], programme, periods.parse("all", programme)), "nobody_computes_this"
    )
    assert figure.actual is None
    assert figure.note


def _figure(report, measure):
    return next(figure for figure in report.figures if figure.indicator.measure == measure)


def test_a_flushed_database_gets_the_default_framework_back(db):
    from django.core.management import call_command

    call_command("flush", "--no-input", verbosity=0)
    programme = Programme.current()
    assert programme.start == D(2024, 4, 1)
    assert Target.objects.get(indicator__measure="people_trained", site=None).value == 60
