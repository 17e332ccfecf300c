"""The donor report (mapping_portal/results/donor_report.py): each format in each language, the Kyrgyz letters and
whole words read back from the PDF, the XLSX's sheets and figures, suppression for the viewer, each role's access,
bad choices answered 400, the export logged, and a fixed number of queries."""

import datetime
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from dialogues.models import DialoguePlatform, Event, EventKind
from grants.models import GrantCall
from mapping_portal import hooks
from mapping_portal.models import ExportLog, User
from mapping_portal.results import donor_report, periods, site_map
from mapping_portal.results.models import Indicator, Programme
from tests.helpers import follow_job
from tests.pdf_text import pdf_pages, squeezed

URL = "/{lang}/reports/donor-report.{fmt}"
KYRGYZ = re.compile("[ңөүҢӨҮ]")


@pytest.fixture
def measured(sites):
    """people_trained answered by a crafted measure: 16 people, 4 women and 12 men (the viewer sees "<5" and
    "≥5"), and a breakdown by site."""
    saved = hooks.indicators.get("people_trained")
    by_site = [(s.slug, s.name_ky, n) for s, n in zip(sites.values(), (9, 7, 0), strict=True)]
    measure = hooks.Measure(
        value=16,
        people=True,
        breakdowns=[
            hooks.Breakdown("sex", "Жынысы боюнча", [("f", "Аялдарзз", 4), ("m", "Эркектерзз", 12)]),
            hooks.Breakdown("site", "Пилоттук жер боюнча", by_site),
        ],
    )
    hooks.indicators.register(lambda scope: measure, key="people_trained")
    yield measure
    if saved is None:
        hooks.indicators.unregister("people_trained")
    else:
        hooks.indicators.register(saved, key="people_trained")


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(media_root):
    """The report is made in the background and kept through the storage API: here, in a temporary folder."""


def _get(client_for, user, fmt="pdf", lang="ky", **params):
    """The report as its user gets it: asked for, made by the job (here, in this process), downloaded."""
    client = client_for(user)
    return follow_job(client, client.get(URL.format(lang=lang, fmt=fmt), params))


def _pdf_text(response) -> str:
    return "\n".join(pdf_pages(response.content))


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_report_renders_in_each_format_and_language(client_for, admin, measured, fmt, lang):
    response = _get(client_for, admin, fmt, lang, language=lang)
    assert response.status_code == 200
    assert re.search(rf'filename="donor-report-all-{lang}-\d{{8}}-\d{{4}}\.{fmt}"', response["Content-Disposition"])
    trained = Indicator.objects.get(measure="people_trained")
    name = getattr(trained, f"name_{lang}")
    if fmt == "pdf":
        assert response["Content-Type"] == "application/pdf"
        assert squeezed(name) in squeezed(_pdf_text(response))
    else:
        sheet = _workbook(response).worksheets[1]
        assert name in [row[1] for row in sheet.iter_rows(values_only=True)]


def test_the_kyrgyz_pdf_embeds_kyrgyz_letters_and_never_breaks_a_word(client_for, admin, measured):
    text = _pdf_text(_get(client_for, admin, "pdf", "ky", language="ky"))
    assert KYRGYZ.search(text)
    lines = text.splitlines()
    words_shown = {word for line in lines for word in line.split()}
    # The longest indicator names, in Kyrgyz: each appears, and each of their words is drawn whole on one line.
    for indicator in Indicator.objects.all():
        assert squeezed(indicator.name_ky) in squeezed(text), indicator.measure
        for word in indicator.name_ky.split():
            assert word in words_shown, (indicator.measure, word)
    # The Kyrgyz programme name (the cover's title) too.
    programme = Programme.current()
    assert all(word in words_shown for word in programme.name_ky.split())


def test_the_language_parameter_wins_over_the_page_language(client_for, admin, measured):
    response = _get(client_for, admin, "pdf", "ky", language="en")
    text = _pdf_text(response)
    assert "People who completed a training (each counted once)" in " ".join(text.split())
    assert "Тренингди толук өткөн" not in text


def test_the_xlsx_has_a_sheet_per_section_and_the_framework_figures(client_for, admin, measured):
    book = _workbook(_get(client_for, admin, "xlsx", "en", language="en"))
    assert book.sheetnames == [
        "Donor report",
        "Results against targets",
        "Breakdowns",
        "Activities and trainings",
        "Dialogue and resource centres",
        "Initiative groups",
        "Conflict-prevention plans",
        "Small grants portfolio",
        "Projects",
        "Grant calls",
        "Capacity change",
    ]
    results = book["Results against targets"]
    assert results.freeze_panes == "A2"
    rows = {row[1]: row for row in results.iter_rows(min_row=2, values_only=True) if row[1]}
    trained = rows["People who completed a training (each counted once)"]
    assert trained[4:7] == (60, 16, 27)  # target, actual, progress (16 of 60)
    progress = next(row for row in results.iter_rows(min_row=2) if row[1].value == trained[1])[6]
    assert progress.number_format == '0" %"'
    assert rows["Initiative groups formed"][4] == 3
    breakdowns = {(r[1], r[2]): r[3] for r in book["Breakdowns"].iter_rows(min_row=2, values_only=True)}
    assert breakdowns[("Жынысы боюнча", "Аялдарзз")] == 4
    assert len(book["Donor report"]._images) == 1  # the map


def test_amounts_in_som_are_numbers_with_a_space_between_thousands(client_for, admin, sites):
    call = GrantCall.objects.create(
        title_ky="Тренингден кийинки чакан гранттар",
        title_en="Small grants after the training",
        opens_on=datetime.date(2025, 3, 1),
        closes_on=datetime.date(2025, 4, 1),
        envelope=1500000,
        max_per_grant=100000,
        status=GrantCall.Status.OPEN,
    )
    call.sites.set(sites.values())
    sheet = _workbook(_get(client_for, admin, "xlsx", "en", language="en"))["Grant calls"]
    envelope = sheet["C2"]
    assert (sheet["A2"].value, envelope.value) == ("Small grants after the training", 1500000)
    assert envelope.number_format == '[>=1000000]# ### ##0" som";[>=1000]# ##0" som";0" som"'
    text = " ".join(_pdf_text(_get(client_for, admin, "pdf", "en", language="en")).split())
    assert "1 500 000 som" in text.replace("\u00a0", " ")


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_viewer_gets_suppressed_cells_and_never_a_small_raw_count(client_for, viewer, admin, measured, fmt):
    response = _get(client_for, viewer, fmt, "ky", language="ky")
    assert response.status_code == 200
    if fmt == "pdf":
        # A mark may be drawn in two strings (DejaVu is embedded as subsets): compare without white space.
        text = squeezed(_pdf_text(response))
        assert "Аялдарзз<5Эркектерзз≥5" in text
        assert "<5:" in text  # the note says what the mark means
        # The admin's report has the raw counts at the same places.
        assert "Аялдарзз4Эркектерзз12" in squeezed(_pdf_text(_get(client_for, admin, fmt, "ky", language="ky")))
    else:
        sheet = _workbook(response).worksheets[2]
        cells = {(r[1], r[2]): r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
        assert cells[("Жынысы боюнча", "Аялдарзз")] == "<5"
        assert cells[("Жынысы боюнча", "Эркектерзз")] == "≥5"
        assert 4 not in [value for row in sheet.iter_rows(values_only=True) for value in row]


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("staff", 200), ("la_kyshtut", 200), ("viewer", 200), ("reviewer", 403), ("applicant", 403)],
)
def test_each_role_may_or_may_not_download(client_for, users, who, status):
    assert _get(client_for, users[who], "xlsx").status_code == status


def test_anonymous_is_sent_to_sign_in(client_for, users):
    response = _get(client_for, None)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "1999"}, "This period is not one of the project's"),
        ({"period": "bogus"}, "This period is not one of the project's"),
        ({"site": "nowhere"}, "This pilot site does not exist or is not one of yours"),
        ({"language": "de"}, "The report is made in Kyrgyz, Russian or English only"),
    ],
)
def test_a_bad_choice_answers_400_with_the_reason(client_for, admin, params, message):
    response = _get(client_for, admin, "pdf", "en", **params)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ExportLog.objects.exists()


def test_a_local_authority_may_not_ask_for_another_site(client_for, la_kyshtut):
    response = _get(client_for, la_kyshtut, "pdf", "en", site="kerben")
    assert response.status_code == 400


def test_an_unknown_format_is_not_found(client_for, admin):
    assert client_for(admin).get("/en/reports/donor-report.docx").status_code == 404


def test_nothing_chosen_takes_the_defaults(client_for, admin):
    response = _get(client_for, admin, "xlsx", "ru")
    assert response.status_code == 200
    assert "-all-ru-" in response["Content-Disposition"]


def test_each_download_is_logged_without_personal_data(client_for, staff):
    _get(client_for, staff, "pdf", "en", period="2026", site="kyshtut", language="ru")
    entry = ExportLog.objects.get()
    assert (entry.user, entry.export, entry.format, entry.personal_data) == (staff, "donor-report", "pdf", False)
    assert entry.filters == {"period": ["2026"], "site": ["kyshtut"], "language": ["ru"]}


def _events(sites, n):
    for i in range(n):
        for site in sites.values():
            Event.objects.create(
                title=f"Жолугушуу {i}",
                kind=EventKind.TRAINING if i % 2 else EventKind.DIALOGUE_MEETING,
                status=Event.Status.HELD,
                site=site,
                start_date=datetime.date(2025, 5, 1 + i),
                end_date=datetime.date(2025, 5, 1 + i),
            )
        DialoguePlatform.objects.create(name=f"Борбор {i}", site=list(sites.values())[i % 3])


def test_the_report_reads_a_fixed_number_of_queries(admin, sites):
    programme = Programme.current()
    period = periods.parse("all", programme)
    _events(sites, 1)
    # A fresh user each time: the user's sites are read once per request and kept on the user object.
    with CaptureQueriesContext(connection) as few:
        donor_report.collect(User.objects.get(pk=admin.pk), programme, period)
    _events(sites, 4)
    with CaptureQueriesContext(connection) as many:
        report = donor_report.collect(User.objects.get(pk=admin.pk), programme, period)
    # the framework's build (the indicators: ~30, fixed, tests/mapping_portal/test_results_pages.py) and the
    # report's own sections (~10)
    assert len(many) == len(few) <= 45
    assert [row.total for row in report.events] == [9, 6]  # dialogue meetings (i = 0 twice, 2), trainings (1, 3)


def test_what_each_role_reads_follows_its_querysets(admin, viewer, la_kyshtut, sites):
    programme = Programme.current()
    period = periods.parse("all", programme)
    _events(sites, 3)
    mine = donor_report.collect(la_kyshtut, programme, period)
    assert [s.slug for s in mine.results.sites] == ["kyshtut"]
    assert {c.site.slug for c in mine.centres} == {"kyshtut"}
    assert all(set(row.by_site) == {sites["kyshtut"].pk} for row in mine.events)
    theirs = donor_report.collect(viewer, programme, period)
    assert theirs.centres is None and theirs.groups is None and theirs.projects is None
    assert sum(row.total for row in theirs.events) == 9  # the viewer reads the events' counts
    assert len(donor_report.collect(admin, programme, period).centres) == 3


def test_the_map_draws_boundaries_and_centres(sites):
    kyshtut = sites["kyshtut"]
    kyshtut.boundary = {
        "type": "Polygon",
        "coordinates": [[[70.7, 39.9], [70.95, 39.9], [70.95, 40.1], [70.7, 40.1], [70.7, 39.9]]],
    }
    plan = site_map.layout(list(sites.values()), {kyshtut.pk}, 400, 300)
    shape = next(s for s in plan.shapes if s.covered)
    assert len(shape.rings) == 1 and len(shape.rings[0]) == 5
    assert all(0 <= x <= 400 and 0 <= y <= 300 for x, y in shape.rings[0])
    assert all(s.centre is not None for s in plan.shapes)
    assert plan.scale_km > 0 and not plan.note
    assert site_map.png(list(sites.values()), {kyshtut.pk}).startswith(b"\x89PNG")


def test_the_buttons_partial_asks_for_the_page_period_and_site_in_a_chosen_language(admin, sites, rf):
    from django.template.loader import render_to_string

    from mapping_portal.results import framework

    programme = Programme.current()
    report = framework.build(admin, programme, periods.parse("2026", programme), sites["kerben"])
    request = rf.get("/ru/reports/")
    request.user = admin
    with translation.override("ru"):
        page = render_to_string(
            "mapping_portal/results/partials/donor_report_buttons.html", {"report": report}, request=request
        )
    assert 'action="/ru/reports/donor-report.pdf"' in page
    assert 'formaction="/ru/reports/donor-report.xlsx"' in page
    assert 'name="period" value="2026"' in page and 'name="site" value="kerben"' in page
    assert '<option value="ru" lang="ru" selected>' in page


def test_sheet_titles_keep_to_excel_limit_without_cutting_a_word():
    from mapping_portal.results.report_xlsx import sheet_title

    taken = set()
    assert sheet_title("Чыр-чатактарды алдын алуу боюнча пландар", taken) == "Чыр-чатактарды алдын алуу"
    assert sheet_title("Grants: [calls]/2026?", taken) == "Grants calls2026"
    assert sheet_title("grants calls2026", taken) == "grants calls2026 2"
