"""The IATI 2.03 activity file of the results: valid against the official schema (vendored in tests/data/iati/2.03)
for every role that may download it, its numbers those of framework.build, no suppressed value written as a
number, access per role, the period asked for, the export log and a bounded query count."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from mapping_portal import hooks
from mapping_portal.models import ExportLog
from mapping_portal.results import framework, iati, periods
from mapping_portal.results.models import Indicator, Programme, Target

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "iati" / "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


@pytest.fixture
def programme(db):
    return Programme.current()


@pytest.fixture
def measured():
    """Every indicator's provider replaced by a fixed answer (none: not computed) for the test, so that the file is
    tested on known figures whichever providers the apps register."""
    saved = {key: hooks.indicators.get(key) for key in hooks.indicators.keys()}
    for key in saved:
        hooks.indicators.unregister(key)

    def provide(key, measure):
        hooks.indicators.register(lambda scope: measure, key=key)

    yield provide
    for key in hooks.indicators.keys():
        hooks.indicators.unregister(key)
    for key, provider in saved.items():
        hooks.indicators.register(provider, key=key)


def _breakdowns(female, male):
    return [
        hooks.Breakdown("sex", "By sex", [("female", "women", female), ("male", "men", male)]),
        hooks.Breakdown("age", "By age (UN bands)", [("15_24", "15–24", female), ("25_64", "25–64", male)]),
        hooks.Breakdown("age", "By age (Kyrgyz youth band)", [("14_28", "14–28", female), ("29_plus", "29+", male)]),
        hooks.Breakdown("site", "By pilot site", [("kyshtut", "Kyshtut", female), ("kerben", "Kerben", male)]),
    ]


@pytest.fixture
def crafted(programme, measured):
    """Targets in the whole project, 2025 and a quarter of 2026; people trained with breakdowns by sex, two age
    bandings and site (women 7, men 2: a small cell and its complement for the viewer); a share; an amount."""
    trained = Indicator.objects.get(measure="people_trained")
    Target.objects.create(indicator=trained, period="2025", value=30)
    Target.objects.create(indicator=trained, period="2026-Q1", value=Decimal("45.0"))
    share = Indicator.objects.get(measure="women_share_participants")
    Target.objects.create(indicator=share, period="all", value=50)
    measured("people_trained", hooks.Measure(value=9, people=True, breakdowns=_breakdowns(7, 2)))
    measured("people_reached", hooks.Measure(value=25, people=True, breakdowns=_breakdowns(15, 10)))
    measured("women_share_participants", hooks.Measure(part=3, whole=40))
    measured("grants_awarded_som", hooks.Measure(value=Decimal("1250000.50")))
    measured("initiative_groups", hooks.Measure(value=2))
    return measured


def _download(client_for, user, query=""):
    return client_for(user).get(reverse("results:iati") + query)


def _tree(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def _indicator(tree, measure):
    title = Indicator.objects.get(measure=measure).name_en
    return tree.xpath("//indicator[title/narrative[@xml:lang='en']=$title]", title=title)[0]


def _period(indicator, start):
    return indicator.xpath("period[period-start/@iso-date=$start]", start=start)[0]


def _actuals(period):
    """{(dimension or location, value) or None: the actual's value}."""
    found = {}
    for actual in period.findall("actual"):
        dimension = actual.find("dimension")
        location = actual.find("location")
        if dimension is not None:
            key = (dimension.get("name"), dimension.get("value"))
        elif location is not None:
            key = ("location", location.get("ref"))
        else:
            key = None
        assert key not in found
        found[key] = actual.get("value")
    return found


@pytest.mark.parametrize("role", ["admin", "viewer", "la_kyshtut"])
def test_the_file_validates_against_the_iati_2_03_schema(client_for, users, crafted, schema, role):
    tree = _tree(_download(client_for, users[role]))
    assert schema.validate(tree), schema.error_log.filter_from_errors()
    assert tree.get("version") == "2.03"
    assert len(tree.findall("iati-activity")) == 1


def test_the_schema_refuses_a_file_out_of_order(client_for, admin, crafted, schema):
    """The validation can fail: the same file with its title moved before the identifier is refused."""
    tree = _tree(_download(client_for, admin))
    activity = tree.find("iati-activity")
    activity.insert(0, activity.find("title"))
    assert not schema.validate(tree)


def test_the_activity_is_described_in_three_languages_with_its_codes(client_for, admin, crafted, programme):
    activity = _tree(_download(client_for, admin)).find("iati-activity")
    assert activity.findtext("iati-identifier") == programme.iati_identifier
    assert activity.find("reporting-org").get("ref") == programme.reporting_org_ref
    for tag in ("title", "description"):
        texts = {n.get(XML_LANG): n.text for n in activity.find(tag).findall("narrative")}
        assert set(texts) == {"en", "ru", "ky"}
    assert activity.find("title").xpath("narrative[@xml:lang='ky']")[0].text == programme.name_ky
    assert "Кыштут" in activity.find("description").xpath("narrative[@xml:lang='ky']")[0].text
    assert activity.find("sector").attrib == {"vocabulary": "1", "code": "15220", "percentage": "100"}
    assert activity.find("recipient-country").get("code") == "KG"
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates["1"] == "2024-04-01" and dates["3"] == "2026-12-31"
    locations = {location.get("ref"): location for location in activity.findall("location")}
    assert set(locations) == {"akturpak", "kyshtut", "kerben"}
    lat, lon = (float(x) for x in locations["kyshtut"].findtext("point/pos").split())
    assert 39 < lat < 42 and 69 < lon < 75  # "lat lng" in Kyrgyzstan
    result_titles = [r.find("title").xpath("narrative[@xml:lang='en']")[0].text for r in activity.findall("result")]
    assert result_titles[0] == "Civil-society organizations mapped and their capacity assessed"
    assert all(r.get("type") == "1" for r in activity.findall("result"))


def test_the_numbers_are_those_of_framework_build(client_for, admin, crafted, programme):
    tree = _tree(_download(client_for, admin))
    for key in ("all", "2025", "2026-Q1"):
        period = periods.parse(key, programme)
        report = framework.build(admin, programme, period)
        for figure in report.figures:
            element = _period(_indicator(tree, figure.indicator.measure), period.start.isoformat())
            assert element.find("period-end").get("iso-date") == period.end.isoformat()
            target = element.find("target")
            assert (None if target is None else Decimal(target.get("value"))) == figure.target
            actuals = _actuals(element)
            if figure.actual is None:
                assert actuals == {}
                continue
            assert Decimal(actuals[None]) == Decimal(figure.actual)
    trained = _period(_indicator(tree, "people_trained"), "2024-04-01")
    assert _actuals(trained) == {
        None: "9",
        ("sex", "female"): "7",
        ("sex", "male"): "2",
        ("age/by-age-un-bands", "15_24"): "7",
        ("age/by-age-un-bands", "25_64"): "2",
        ("age/by-age-kyrgyz-youth-band", "14_28"): "7",
        ("age/by-age-kyrgyz-youth-band", "29_plus"): "2",
        ("location", "kyshtut"): "7",
        ("location", "kerben"): "2",
    }
    assert trained.find("target").get("value") == "60"
    assert _period(_indicator(tree, "people_trained"), "2026-01-01").find("target").get("value") == "45"
    share = _period(_indicator(tree, "women_share_participants"), "2024-04-01")
    assert _actuals(share) == {None: "7.5"}
    assert _indicator(tree, "women_share_participants").get("measure") == "2"
    som = _period(_indicator(tree, "grants_awarded_som"), "2024-04-01")
    assert _actuals(som) == {None: "1250000.5"}


def test_a_suppressed_figure_is_not_written_as_a_number(client_for, users, crafted, measured, schema):
    measured("plans_approved", hooks.Measure(value=4, people=True))  # a headline count of 4 people
    admin_tree = _tree(_download(client_for, users["admin"]))
    assert _actuals(_period(_indicator(admin_tree, "plans_approved"), "2024-04-01")) == {None: "4"}
    response = _download(client_for, users["viewer"])
    tree = _tree(response)
    assert schema.validate(tree)
    small = _period(_indicator(tree, "plans_approved"), "2024-04-01")
    assert _actuals(small) == {}
    assert any("withheld" in comment.text for comment in small.xpath("comment()"))
    trained = _period(_indicator(tree, "people_trained"), "2024-04-01")
    # Men 2 is under 5 and women 7 would give it away (9 − 7): both left out, in every breakdown.
    assert _actuals(trained) == {None: "9"}
    assert _actuals(_period(_indicator(tree, "people_reached"), "2024-04-01"))[("sex", "male")] == "10"
    assert _actuals(_period(_indicator(tree, "women_share_participants"), "2024-04-01")) == {}  # 3 of 40: n<5
    description = _indicator(tree, "people_trained").find("description")
    assert {n.get(XML_LANG) for n in description.findall("narrative")} == {"en", "ru", "ky"}
    assert "fewer than 5" in description.xpath("narrative[@xml:lang='en']")[0].text
    assert "fewer than 5" not in _indicator(tree, "people_reached").find("description")[0].text
    text = response.content.decode()
    assert not re.search(r'value="[^"]*[<>≥n][^"]*"', text.replace("&lt;", "<"))
    assert "≥5" not in text and "&lt;5" not in text
    for value in tree.xpath("//actual/@value | //target/@value | //baseline/@value"):
        Decimal(value)  # every value a number


def test_the_local_authority_gets_its_site_only(client_for, la_kyshtut, crafted):
    activity = _tree(_download(client_for, la_kyshtut)).find("iati-activity")
    assert [location.get("ref") for location in activity.findall("location")] == ["kyshtut"]
    assert activity.find("activity-scope").get("code") == "7"


def test_a_period_asked_for_is_the_only_one_and_a_bad_one_gives_the_whole_file(client_for, admin, crafted):
    one = _tree(_download(client_for, admin, "?period=2025"))
    starts = set(one.xpath("//indicator/period/period-start/@iso-date"))
    assert starts == {"2025-01-01"}
    whole = _tree(_download(client_for, admin))
    assert set(whole.xpath("//indicator/period/period-start/@iso-date")) == {"2024-04-01", "2025-01-01", "2026-01-01"}
    for bad in ("?period=2031", "?period=2025-Q9", "?period=%00", "?period=" + "9" * 3000, "?period=all&period=x"):
        response = _download(client_for, admin, bad)
        assert response.status_code == 200
        assert set(etree.fromstring(response.content).xpath("//indicator/period/period-start/@iso-date")) == starts | {
            "2024-04-01",
            "2026-01-01",
        }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("la_kyshtut", 200),
        ("viewer", 200),
        ("reviewer", 403),
        ("applicant", 403),
    ],
)
def test_who_may_download_the_file(client_for, users, crafted, role, status):
    """As the reports page: everyone who reads the results' aggregates."""
    assert _download(client_for, users[role]).status_code == status
    assert client_for(users[role]).get(reverse("results:index")).status_code == status


def test_anonymous_is_sent_to_sign_in(client_for, users, crafted):
    response = _download(client_for, None)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not ExportLog.objects.exists()


def test_each_download_is_logged_without_personal_data(client_for, viewer, crafted):
    response = _download(client_for, viewer, "?period=2025")
    assert 'filename="iati-xm-dac-41114-social-cohesion-kg-2025.xml"' in response["Content-Disposition"]
    entry = ExportLog.objects.get()
    assert (entry.user, entry.export, entry.format, entry.personal_data) == (viewer, "iati", "xml", False)
    assert entry.filters == {"period": ["2025"]}
    assert entry.rows == Indicator.objects.count()  # one period of each indicator


def test_the_query_count_does_not_grow_with_targets_or_breakdowns(client_for, admin, crafted, programme):
    client = client_for(admin)
    url = reverse("results:iati")

    def count(query=""):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url + query).status_code == 200
        return len(queries)

    whole, one = count(), count("?period=2025")
    for indicator in Indicator.objects.exclude(measure="people_trained"):
        Target.objects.create(indicator=indicator, period="2025", value=10)  # more targets, the same periods
    measured_more = hooks.Measure(value=30, people=True, breakdowns=_breakdowns(20, 10) * 3)
    crafted("people_trained", measured_more)  # more breakdowns
    assert (count(), count("?period=2025")) == (whole, one)
    # One build of the figures per period of the file: a target in one more period costs one build more, and the
    # periods are at most the programme's (the whole project, 3 years and their quarters), so the count is bounded.
    Target.objects.create(indicator=Indicator.objects.get(measure="centres"), period="2024", value=1)
    per_period = count() - whole
    assert 0 < per_period <= 6  # the framework's own queries (the providers are fixed answers here)
    assert whole - 3 * per_period <= 12  # the fixed part: session, user, programme, periods with a target, log


def test_numbers_are_written_as_plain_decimals():
    assert iati._number(Decimal("60.0")) == "60"
    assert iati._number(Decimal("7.50")) == "7.5"
    assert iati._number(Decimal("1E+3")) == "1000"
    assert iati._number(0) == "0"
    with pytest.raises(ArithmeticError):
        iati._number("<5")


def test_a_database_emptied_of_its_programme_gets_the_default_framework_again(client_for, admin, programme):
    Programme.objects.all().delete()
    assert _download(client_for, admin).status_code == 200
    assert Programme.objects.count() == 1
