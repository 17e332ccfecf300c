"""The donor report as an XLSX workbook (openpyxl): a sheet per section with a bold, frozen header row; counts and
amounts as numbers (som with a space between thousands), suppressed cells as their marks ("<5"), the map of the
pilot sites as a picture on the cover sheet. Every text cell goes through exports.neutralise (no formulas)."""

import io
import re
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mapping_portal.exports import neutralise
from mapping_portal.results import site_map
from mapping_portal.results.report_text import event_kind_heading, unit_label
from mapping_portal.suppression import Hidden

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E8EEF5")
WRAP = Alignment(wrap_text=True, vertical="top")
# Thousands apart by a space whatever the reader's locale (Excel's "," would follow the locale).
COUNT_FORMAT = "[>=1000000]# ### ##0;[>=1000]# ##0;0"
DECIMAL_FORMAT = "0.0"
PROGRESS_FORMAT = '0" %"'
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def som_format(word: str) -> str:
    word = word.replace('"', "")
    return f'[>=1000000]# ### ##0" {word}";[>=1000]# ##0" {word}";0" {word}"'


def sheet_title(text: str, taken: set) -> str:
    title = _FORBIDDEN.sub("", str(text)).strip()
    if len(title) > 31:  # Excel's limit: cut at a space rather than inside a word
        cut = title[:32].rsplit(" ", 1)[0]
        title = cut if len(cut) >= 12 else title[:31]
    title = title.strip("'").strip() or "sheet"
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


class Book:
    def __init__(self):
        self.workbook = Workbook()
        self.taken = set()
        self.som = som_format(_("som"))

    def sheet(self, title, header, widths):
        if not self.taken:
            sheet = self.workbook.active
            sheet.title = sheet_title(title, self.taken)
        else:
            sheet = self.workbook.create_sheet(sheet_title(title, self.taken))
        if header:
            sheet.append([neutralise(str(h)) for h in header])
            for cell in sheet[1]:
                cell.font, cell.fill, cell.alignment = BOLD, HEAD_FILL, WRAP
            sheet.freeze_panes = "A2"
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        return sheet

    def add(self, sheet, values, formats=None, bold=False):
        """A row: numbers stay numbers (with `formats`: {column index: "som" | "count" | "decimal"}), suppressed
        marks and texts are text."""
        row = []
        for value in values:
            if isinstance(value, Hidden):
                row.append(str(value))
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool) or value is None:
                row.append(value)
            else:
                row.append(neutralise(str(value)))
        sheet.append(row)
        for index, cell in enumerate(sheet[sheet.max_row]):
            cell.alignment = WRAP
            if bold:
                cell.font = BOLD
            kind = (formats or {}).get(index)
            if kind and isinstance(cell.value, int | float | Decimal):
                cell.number_format = {
                    "som": self.som,
                    "count": COUNT_FORMAT,
                    "decimal": DECIMAL_FORMAT,
                    "progress": PROGRESS_FORMAT,
                }[kind]

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _number_kind(unit) -> str:
    return "som" if unit == "som" else "decimal" if unit in ("percent", "points") else "count"


def _value(value):
    """A figure's value for a cell: Decimals that are whole become ints (counts), marks stay marks."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def render(report) -> bytes:
    book = Book()
    results = report.results
    none = _("None in this period.")

    # Cover
    sheet = book.sheet(_("Donor report"), None, [28, 70])
    book.add(sheet, [_("Donor report"), results.programme.name], bold=True)
    book.add(sheet, [capfirst(_("period")), results.period.label])
    book.add(sheet, [capfirst(_("pilot sites")), report.site_label])
    book.add(sheet, [_("Generated on"), report.generated.strftime("%d.%m.%Y %H:%M")])
    book.add(sheet, [_("Language of the report"), report.language_name])
    book.add(sheet, [results.programme.reporting_org_name])
    book.add(sheet, [_("Map of the pilot sites: the sites this report covers are in blue.")])
    picture = Image(io.BytesIO(site_map.png(report.map_sites, report.covered_ids)))
    sheet.add_image(picture, "B9")

    # Results against targets
    head = [capfirst(_("result")), _("Indicator"), capfirst(_("unit")), capfirst(_("baseline")), capfirst(_("target"))]
    head += [_("Actual"), _("Progress"), capfirst(_("note"))]
    sheet = book.sheet(_("Results against targets"), head, [34, 48, 12, 12, 12, 12, 10, 40])
    for section in results.sections:
        for figure in section.figures:
            kind = _number_kind(figure.indicator.unit)
            book.add(
                sheet,
                [
                    section.result.name,
                    figure.indicator.name,
                    unit_label(figure.indicator),
                    _value(figure.baseline),
                    _value(figure.target),
                    _value(figure.actual),
                    figure.progress,
                    str(figure.note or ""),
                ],
                {3: kind, 4: kind, 5: kind, 6: "progress"},
            )
    for note in results.notes:
        book.add(sheet, [str(note)])

    # Breakdowns
    head = [_("Indicator"), _("Breakdown"), _("Category"), _("Value")]
    sheet = book.sheet(_("Breakdowns"), head, [48, 24, 34, 10])
    shown_any = False
    for figure in results.figures:
        for breakdown in figure.breakdowns:
            for _key, label, value in breakdown.rows:
                book.add(sheet, [figure.indicator.name, breakdown.title, str(label), _value(value)], {3: "count"})
                shown_any = True
    if not shown_any:
        book.add(sheet, [none])
    for note in results.notes:
        book.add(sheet, [str(note)])

    # Activities and trainings
    sites = results.sites
    head = [event_kind_heading()] + [site.name for site in sites] + [pgettext("count", "Total")]
    sheet = book.sheet(_("Activities and trainings"), head, [34] + [16] * len(sites) + [10])
    counts = dict.fromkeys(range(1, len(sites) + 2), "count")
    for row in report.events:
        book.add(sheet, [capfirst(row.kind)] + [row.by_site.get(s.pk, 0) for s in sites] + [row.total], counts)
    if report.events:
        totals = [sum(r.by_site.get(s.pk, 0) for r in report.events) for s in sites]
        totals = [pgettext("count", "Total")] + totals + [sum(r.total for r in report.events)]
        book.add(sheet, totals, counts, bold=True)
    else:
        book.add(sheet, [none])

    hidden = _("Listed for project staff and local authorities; see the indicators above.")
    # Centres
    head = [capfirst(_("name")), capfirst(_("pilot site")), capfirst(_("host organization")), capfirst(_("opened on"))]
    head += [capfirst(_("status"))]
    sheet = book.sheet(capfirst(_("dialogue and resource centres")), head, [40, 18, 36, 14, 14])
    if report.centres is None:
        book.add(sheet, [hidden])
    for centre in report.centres or []:
        host = centre.host_organization.name if centre.host_organization else ""
        book.add(sheet, [centre.name, centre.site.name, host, centre.opened_on, centre.get_status_display()])
    _date_column(sheet, 4)

    # Initiative groups
    head = [
        capfirst(_("name")),
        capfirst(_("pilot site")),
        capfirst(_("formed on")),
        capfirst(_("problems it works on")),
    ]
    sheet = book.sheet(capfirst(_("initiative groups")), head, [40, 18, 14, 60])
    if report.groups is None:
        book.add(sheet, [hidden])
    for group in report.groups or []:
        organization = group.organization
        book.add(sheet, [organization.name, organization.site.name, group.formed_on, group.problems])
    _date_column(sheet, 3)

    # Plans
    head = [capfirst(_("title")), capfirst(_("pilot site")), capfirst(_("version")), capfirst(_("status"))]
    head += [capfirst(_("period from")), capfirst(_("period to")), capfirst(_("approved on"))]
    head += [capfirst(pgettext("plan", "Actions")), _("Budget")]
    sheet = book.sheet(_("Conflict-prevention plans"), head, [44, 18, 9, 22, 13, 13, 13, 10, 16])
    for plan in report.plans:
        approved = plan.approved_at.date() if plan.approved_at else None
        book.add(
            sheet,
            [
                plan.title,
                plan.site.name,
                plan.version_number,
                plan.get_status_display(),
                plan.period_start,
                plan.period_end,
                approved,
                plan.action_count,
                plan.budget_total,
            ],
            {7: "count", 8: "som"},
        )
    for column in (5, 6, 7):
        _date_column(sheet, column)

    # Grants: by site, projects, calls
    money = {2: "som", 3: "som", 1: "count", 4: "count"}
    head = [capfirst(_("pilot site")), _("Grants"), _("Awarded"), _("Paid"), _("Reports received")]
    sheet = book.sheet(_("Small grants portfolio"), head, [24, 10, 18, 18, 14])
    if report.grants_by_site is None:
        book.add(sheet, [_("Grant calls: see the next sheet.")])
    for row in report.grants_by_site or []:
        book.add(sheet, [row.site.name, row.grants, row.awarded, row.paid, row.reports], money)
    if report.grants_by_site and len(report.grants_by_site) > 1:
        rows = report.grants_by_site
        total = [sum(r.grants for r in rows), sum(r.awarded for r in rows), sum(r.paid for r in rows)]
        book.add(sheet, [_("Total")] + total + [sum(r.reports for r in rows)], money, bold=True)
    if report.projects is not None:
        head = [_("Project"), capfirst(_("organization")), capfirst(_("pilot site")), _("Awarded"), _("Paid")]
        head += [_("Reports received")]
        sheet = book.sheet(_("Projects"), head, [44, 34, 16, 16, 16, 12])
        for project in report.projects:
            organization = project.organization.name if project.organization else ""
            book.add(
                sheet,
                [
                    project.title,
                    organization,
                    project.site.name,
                    project.award.amount,
                    project.paid_total,
                    project.report_count,
                ],
                {3: "som", 4: "som", 5: "count"},
            )
        if not report.projects:
            book.add(sheet, [none])
    head = [capfirst(_("call")), capfirst(_("status")), _("Envelope"), _("Awarded"), _("Paid")]
    sheet = book.sheet(_("Grant calls"), head, [44, 24, 16, 16, 16])
    for call in report.calls:
        book.add(
            sheet,
            [call.title, call.get_status_display(), call.envelope, call.awarded_total, call.paid_total],
            {2: "som", 3: "som", 4: "som"},
        )
    if not report.calls:
        book.add(sheet, [none])

    # Capacity change
    head = [_("Indicator"), capfirst(_("baseline")), capfirst(_("target")), _("Actual"), capfirst(_("note"))]
    sheet = book.sheet(_("Capacity change"), head, [48, 12, 12, 12, 40])
    figure = report.capacity
    if figure is None:
        book.add(sheet, [none])
    else:
        values = [_value(figure.baseline), _value(figure.target), _value(figure.actual)]
        book.add(
            sheet,
            [figure.indicator.name] + values + [str(figure.note or "")],
            {1: "decimal", 2: "decimal", 3: "decimal"},
        )
        for breakdown in figure.breakdowns:
            for _key, label, value in breakdown.rows:
                book.add(sheet, [f"{breakdown.title}: {label}", None, None, _value(value)], {3: "decimal"})
    return book.save()


def _date_column(sheet, column: int):
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        if cell.value is not None and not isinstance(cell.value, str):
            cell.number_format = "DD.MM.YYYY"
