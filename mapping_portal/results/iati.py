"""The results as an IATI 2.03 activity file (UNDP publishes to IATI): one activity, the project, with its pilot
sites as locations and each result's indicators with their baseline and, per period, the target and the actual
value with its disaggregations — the figures of `framework.build` for the user who downloads it, so a viewer's file
is suppressed exactly as the reports page is.

Element order follows the IATI 2.03 activity schema (tests/data/iati/2.03/, validated in
tests/mapping_portal/test_iati.py). Codes, from the IATI codelists of version 2.03:

* sector 15220 "Civilian peace-building, conflict prevention and resolution" (vocabulary 1, OECD DAC CRS purpose
  codes, 5 digit): "support for civilian activities related to peace building, conflict prevention and resolution,
  including capacity building, monitoring, dialogue and information exchange" — the project's work;
* reporting and implementing organisation type 40 (Multilateral): UNDP; participating-org role 4 (Implementing);
* activity-status 1/2/3 (pipeline, implementation, finalisation) from the programme's dates;
  activity-date types 1 (planned start), 2 (actual start, once it has passed) and 3 (planned end);
* result type 1 (Output); indicator measure 1 (Unit) or 2 (Percentage); location-reach 1 (activity),
  location-class 1 (administrative region: an ayil aimak) or 2 (populated place: a town), exactness 1 or 2.

Small cells. IATI has no "<5": in 2.03 an actual of a unit or percentage indicator must carry a numeric @value
(the schema's documentation says so and the IATI validator's rule 8.10.1 flags an actual without one). So a value
the user may not see is never written as a number nor as an empty actual: the <actual> (headline or disaggregated
cell) is left out, an XML comment in the period says so, and the indicator's description says in en, ru and ky
why values are missing. A cell hidden only so that a small one cannot be worked out from the total (≥5) is left out
too: writing it would give the small one away.
"""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from mapping_portal import access, suppression
from mapping_portal.models import ExportLog, PilotSite
from mapping_portal.results import framework, periods
from mapping_portal.results.models import Indicator, Programme, Target
from mapping_portal.shortcuts import require

VERSION = "2.03"
LANGUAGES = ("en", "ru", "ky")  # the file's default language first (iati-activity/@xml:lang)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

SECTOR_VOCABULARY_DAC_5 = "1"
SECTOR_PEACEBUILDING = "15220"  # Civilian peace-building, conflict prevention and resolution
ORGANISATION_TYPE_MULTILATERAL = "40"  # UNDP; the programme has no field for it (one reporter)
ROLE_IMPLEMENTING = "4"
RESULT_TYPE_OUTPUT = "1"
MEASURE_UNIT, MEASURE_PERCENTAGE = "1", "2"
RECIPIENT_COUNTRY = "KG"
SRS_WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"

# Indicators whose values add up across activities (counts); means and shares do not.
NOT_AGGREGABLE = {Indicator.Unit.PERCENT, Indicator.Unit.POINTS}

DESCRIPTION = _(
    "%(title)s. Results against targets at the pilot sites (%(sites)s), computed from the records of the "
    "project's portal."
)
CUMULATIVE = _("Counted from the start of the project to the end of each period.")
WITHIN_PERIOD = _("Counted within each period.")
WITHHELD = _(
    "Some values are left out of this file: counts of fewer than 5 people, values that would let such a count be "
    "worked out, and shares that count fewer than 5 people or leave fewer than 5 out."
)


def file_periods(programme, key: str) -> list[periods.Period]:
    """The periods the file reports: the one a key names; for the whole project ("all", the default), the whole
    project and every period that has a target, in the order of the reports page's choices."""
    if key != periods.ALL:
        return [periods.parse(key, programme)]
    targeted = set(Target.objects.values_list("period", flat=True).distinct())
    return [period for period in periods.choices(programme) if period.key == periods.ALL or period.key in targeted]


def activity_file(user, programme: Programme, key: str = periods.ALL) -> tuple[bytes, int]:
    """The IATI activities file of the programme's results as `user` may see them, and how many indicator periods
    it holds. `key` is a valid period key of the programme."""
    reports = [framework.build(user, programme, period) for period in file_periods(programme, key)]
    now = timezone.now().replace(microsecond=0)
    root = ET.Element("iati-activities", {"version": VERSION, "generated-datetime": now.isoformat()})
    activity = ET.SubElement(root, "iati-activity", {"last-updated-datetime": now.isoformat(), XML_LANG: LANGUAGES[0]})
    _text(activity, "iati-identifier", programme.iati_identifier)
    org = {"ref": programme.reporting_org_ref, "type": ORGANISATION_TYPE_MULTILATERAL}
    _narratives(ET.SubElement(activity, "reporting-org", org), {"en": programme.reporting_org_name})
    _narratives(ET.SubElement(activity, "title"), programme.names())
    sites = reports[0].sites
    _description(activity, programme, sites)
    participating = ET.SubElement(activity, "participating-org", {**org, "role": ROLE_IMPLEMENTING})
    _narratives(participating, {"en": programme.reporting_org_name})
    ET.SubElement(activity, "activity-status", {"code": _status(programme, timezone.localdate())})
    _dates(activity, programme, timezone.localdate())
    if sites:
        ET.SubElement(activity, "activity-scope", {"code": _scope(sites)})
    ET.SubElement(activity, "recipient-country", {"code": RECIPIENT_COUNTRY, "percentage": "100"})
    for site in sites:
        _location(activity, site)
    ET.SubElement(
        activity,
        "sector",
        {"vocabulary": SECTOR_VOCABULARY_DAC_5, "code": SECTOR_PEACEBUILDING, "percentage": "100"},
    )
    count = _results(activity, programme, reports, sites)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), count


@login_required
def download(request):
    """/<lang>/reports/iati.xml?period=…: the file for a period (the whole project when the period is missing,
    unreadable or outside the programme, as on the reports page); logged as every export is."""
    require(access.can_view_results(request.user))
    programme = Programme.current()
    key = request.GET.get("period", periods.ALL)
    if periods.parse(key, programme) is None:
        key = periods.ALL
    content, count = activity_file(request.user, programme, key)
    ExportLog.objects.create(
        user=request.user,
        export="iati",
        format="xml",
        filters={"period": [key]},
        rows=count,
        personal_data=False,
    )
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    filename = f"iati-{slugify(programme.iati_identifier)}-{key}.xml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The activity's parts ---------------------------------------------------------------------------------------


def _text(parent, tag, text, attributes=None):
    element = ET.SubElement(parent, tag, attributes or {})
    element.text = text
    return element


def _narratives(parent, texts: dict):
    """One narrative per language that has a text, in the file's language order; a text of unknown language is
    given under the key None and gets its language guessed from its letters."""
    for language in (*LANGUAGES, None):
        text = (texts.get(language) or "").strip()
        if text:
            _text(parent, "narrative", text, {XML_LANG: language or _language_of(text)})
    return parent


def _language_of(text: str) -> str:
    """Free text typed by an admin in one of the three languages: Kyrgyz if it has ң, ө or ү, Russian if it is
    otherwise Cyrillic, English otherwise."""
    if re.search("[ңөүҢӨҮ]", text):
        return "ky"
    return "ru" if re.search("[а-яёА-ЯЁ]", text) else "en"


def _in_languages(text, **values) -> dict:
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = str(text) % {key: value(language) for key, value in values.items()}
    return texts


def _description(activity, programme, sites):
    def title(language):
        return programme.names()[language] or programme.name

    def site_names(language):
        return ", ".join(site.names()[language] or site.name for site in sites)

    general = ET.SubElement(activity, "description", {"type": "1"})
    _narratives(general, _in_languages(DESCRIPTION, title=title, sites=site_names))
    if programme.description.strip():
        _narratives(ET.SubElement(activity, "description", {"type": "4"}), {None: programme.description})


def _status(programme, today) -> str:
    if today < programme.start:
        return "1"  # pipeline/identification
    return "2" if today <= programme.end else "3"  # implementation; finalisation


def _dates(activity, programme, today):
    ET.SubElement(activity, "activity-date", {"type": "1", "iso-date": programme.start.isoformat()})
    if programme.start <= today:
        ET.SubElement(activity, "activity-date", {"type": "2", "iso-date": programme.start.isoformat()})
    ET.SubElement(activity, "activity-date", {"type": "3", "iso-date": programme.end.isoformat()})


def _scope(sites) -> str:
    """ActivityScope: 5 several first-level areas (oblasts), 6 one oblast, 7 one district."""
    if len({site.oblast_en or site.oblast_ru or site.oblast_ky for site in sites}) > 1:
        return "5"
    return "6" if len({site.district_en or site.district_ru or site.district_ky for site in sites}) > 1 else "7"


def _location(activity, site: PilotSite):
    location = ET.SubElement(activity, "location", {"ref": site.slug})
    ET.SubElement(location, "location-reach", {"code": "1"})
    _narratives(ET.SubElement(location, "name"), site.names())
    if site.centre_lat is not None and site.centre_lon is not None:
        point = ET.SubElement(location, "point", {"srsName": SRS_WGS84})
        _text(point, "pos", f"{site.centre_lat:.6f} {site.centre_lon:.6f}")
        exact = site.centre_precision == "exact"
        ET.SubElement(location, "exactness", {"code": "1" if exact else "2"})
    ET.SubElement(location, "location-class", {"code": "2" if site.kind == PilotSite.Kind.TOWN else "1"})


# --- Results --------------------------------------------------------------------------------------------------


def _results(activity, programme, reports, sites) -> int:
    """One <result> per result, one <indicator> per indicator, one <period> per report; returns the periods
    written."""
    count = 0
    site_refs = {key: site.slug for site in sites for key in (site.slug, str(site.pk), site.pk)}
    for index, section in enumerate(reports[0].sections):
        per_period = [(report.period, report.sections[index].figures) for report in reports]
        indicators = [figure.indicator for figure in section.figures]
        aggregable = all(indicator.unit not in NOT_AGGREGABLE for indicator in indicators)
        result = ET.SubElement(
            activity, "result", {"type": RESULT_TYPE_OUTPUT, "aggregation-status": _boolean(aggregable)}
        )
        _narratives(ET.SubElement(result, "title"), section.result.names())
        for position, indicator in enumerate(indicators):
            figures = [(period, figures[position]) for period, figures in per_period]
            _indicator(result, programme, indicator, figures, site_refs)
            count += len(figures)
    return count


def _indicator(result, programme, indicator, figures, site_refs):
    element = ET.SubElement(
        result,
        "indicator",
        {
            "measure": MEASURE_PERCENTAGE if indicator.is_share else MEASURE_UNIT,
            "ascending": "1",
            "aggregation-status": _boolean(indicator.unit not in NOT_AGGREGABLE),
        },
    )
    _narratives(ET.SubElement(element, "title"), indicator.names())
    notes = [CUMULATIVE if indicator.cumulative else WITHIN_PERIOD]
    if any(_withholds(figure) for _period, figure in figures):
        notes.append(WITHHELD)
    _narratives(ET.SubElement(element, "description"), {language: _joined(notes, language) for language in LANGUAGES})
    if indicator.baseline is not None:
        year = indicator.baseline_year or programme.start.year
        baseline = ET.SubElement(element, "baseline", {"year": str(year), "value": _number(indicator.baseline)})
        if indicator.baseline_note.strip():
            _narratives(ET.SubElement(baseline, "comment"), {None: indicator.baseline_note})
    for period, figure in figures:
        _period(element, period, figure, site_refs)


def _joined(texts, language) -> str:
    with translation.override(language):
        return " ".join(str(text) for text in texts)


def _period(indicator, period, figure: framework.Figure, site_refs):
    element = ET.SubElement(indicator, "period")
    ET.SubElement(element, "period-start", {"iso-date": period.start.isoformat()})
    ET.SubElement(element, "period-end", {"iso-date": period.end.isoformat()})
    if figure.target is not None:
        ET.SubElement(element, "target", {"value": _number(figure.target)})
    if figure.actual is None:
        element.append(ET.Comment(" actual not computed for this indicator "))
        return
    if isinstance(figure.actual, suppression.Hidden):
        element.append(ET.Comment(f" actual withheld ({figure.actual.reason}): see the indicator's description "))
    elif (total := _number_or_none(figure.actual)) is not None:
        ET.SubElement(element, "actual", {"value": total})
    if figure.indicator.is_share:
        return  # a share's breakdowns count people, not percentages: they do not fit a percentage indicator
    withheld = 0
    for name, breakdown in _named(figure.breakdowns):
        for key, _label, value in breakdown.rows:
            if isinstance(value, suppression.Hidden):
                withheld += 1
                continue
            if (number := _number_or_none(value)) is None:
                continue  # not measured there (a mean of no assessment)
            actual = ET.SubElement(element, "actual", {"value": number})
            if breakdown.dimension == "site" and key in site_refs:
                ET.SubElement(actual, "location", {"ref": site_refs[key]})
            else:
                ET.SubElement(actual, "dimension", {"name": name, "value": str(key)})
    if withheld:
        element.append(ET.Comment(f" {withheld} disaggregated value(s) withheld: see the indicator's description "))


def _named(breakdowns) -> list:
    """Each breakdown with its IATI dimension name: its own ("sex", "age"…) when it is the only one of that
    dimension, otherwise qualified by its English title (two age bandings must not read as one)."""
    seen = {}
    for breakdown in breakdowns:
        seen[breakdown.dimension] = seen.get(breakdown.dimension, 0) + 1
    named = []
    for breakdown in breakdowns:
        name = breakdown.dimension
        if seen[name] > 1:
            with translation.override("en"):
                name = f"{name}/{slugify(str(breakdown.title))}"
        named.append((name, breakdown))
    return named


def _withholds(figure) -> bool:
    if isinstance(figure.actual, suppression.Hidden):
        return True
    if figure.indicator.is_share:
        return False
    return any(isinstance(value, suppression.Hidden) for b in figure.breakdowns for _key, _label, value in b.rows)


def _number(value) -> str:
    """A number as IATI's decimal text: no exponent, no trailing zeros (60.0 → 60, 7.50 → 7.5)."""
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int):
        return str(value)
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        raise ValueError("not a finite number")
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _number_or_none(value) -> str | None:
    """A value as a number, None when it is none (never a mark nor text in a value)."""
    try:
        return None if value is None else _number(value)
    except (TypeError, ValueError, ArithmeticError):
        return None


def _boolean(value: bool) -> str:
    return "1" if value else "0"
