"""The donor report as a PDF (ReportLab, A4 landscape), drawn with DejaVu Sans so that the Kyrgyz letters ң ө ү
are embedded (mapping_portal.pdf).

Words are never broken inside: every table cell is a Paragraph that breaks lines at spaces only
(splitLongWords off), and a cell whose longest word would not fit its column is set in a smaller font until it
does (`Cells.fit`) — Kyrgyz words are long, and a column of numbers is narrow."""

import io
import re
from xml.sax.saxutils import escape

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mapping_portal import pdf
from mapping_portal.results import site_map
from mapping_portal.results.report_text import (
    day,
    event_kind_heading,
    figure_value,
    plain_number,
    som,
    unit_label,
)

PAGE = landscape(A4)
MARGIN = 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN
PADDING = 3  # points each side of a cell's text (ReportLab's default table padding is 6 in total)
LINE = colors.HexColor("#9aa3ad")
SHADE = colors.HexColor("#e8eef5")
SMALLEST_FONT = 5.5
# A count, an amount ("140 000 som"), a percentage or a suppression mark: set flush right in its cell.
NUMERIC = re.compile(r"^(?:<5|≥5|n<5|—|\d[\d\u00a0]*(?:,\d+)?(?:\u00a0(?:%|\w+))?)$")


class Cells:
    """Paragraph cells that never break a word: the font shrinks (down to SMALLEST_FONT) until the longest word
    fits the column."""

    def __init__(self):
        self.normal = ParagraphStyle("normal", fontName=pdf.REGULAR, fontSize=9, leading=11.5, splitLongWords=0)
        self.bold = ParagraphStyle("bold", parent=self.normal, fontName=pdf.BOLD)
        self.small = ParagraphStyle("small", parent=self.normal, fontSize=7.5, leading=9.5)
        self.head = ParagraphStyle("head", parent=self.small, fontName=pdf.BOLD)
        self.right = ParagraphStyle("right", parent=self.normal, alignment=2)
        self.title = ParagraphStyle("title", parent=self.normal, fontName=pdf.BOLD, fontSize=20, leading=25)
        self.h1 = ParagraphStyle(
            "h1", parent=self.normal, fontName=pdf.BOLD, fontSize=14, leading=18, spaceAfter=4, keepWithNext=1
        )
        self.h2 = ParagraphStyle(
            "h2", parent=self.normal, fontName=pdf.BOLD, fontSize=10.5, leading=13, spaceAfter=2, keepWithNext=1
        )

    def fit(self, text, width: float, style=None) -> Paragraph:
        style = style or self.normal
        text = str(text if text is not None else "")
        room = width - 2 * PADDING
        longest = max(text.split(), key=lambda word: stringWidth(word, style.fontName, style.fontSize), default="")
        size = style.fontSize
        while size > SMALLEST_FONT and stringWidth(longest, style.fontName, size) > room:
            size -= 0.5
        if size != style.fontSize:
            style = ParagraphStyle(f"{style.name}-{size}", parent=style, fontSize=size, leading=size * 1.25)
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def row(self, texts, widths, style=None) -> list:
        """A table row; numbers, amounts and suppression marks are set flush right."""
        style = style or self.normal
        cells = []
        for text, width in zip(texts, widths, strict=True):
            numeric = style is not self.head and NUMERIC.match(str(text or ""))
            cells.append(self.fit(text, width, self._right(style) if numeric else style))
        return cells

    def _right(self, style):
        if not hasattr(style, "flush_right"):
            style.flush_right = ParagraphStyle(f"{style.name}-right", parent=style, alignment=2)
        return style.flush_right


def _table(rows, widths, header_rows=1, extra=()):
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    table.setStyle(TableStyle(style + list(extra)))
    return table


def _widths(*fractions) -> list[float]:
    total = sum(fractions)
    return [WIDTH * f / total for f in fractions]


def render(report) -> bytes:
    pdf.register_fonts()
    c = Cells()
    results = report.results
    story = _cover(report, c)
    story += [PageBreak(), Paragraph(escape(_("Results against targets")), c.h1)]
    story += _results(report, c)
    story += _activities(report, c)
    story += _centres_and_groups(report, c)
    story += _plans(report, c)
    story += _grants(report, c)
    story += _capacity(report, c)

    title = _("Donor report")
    programme_name = results.programme.name

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(pdf.REGULAR, 7)
        canvas.setFillColor(colors.HexColor("#4a5560"))
        canvas.drawString(MARGIN, 8 * mm, f"{title} · {results.period.label} · {report.site_label}")
        canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, str(document.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{title}: {programme_name}",
        author="UNDP Kyrgyzstan",
        lang=report.language,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _cover(report, c) -> list:
    results = report.results
    widths = [70 * mm, WIDTH * 0.45 - 70 * mm]
    facts = [
        (capfirst(_("period")), results.period.label),
        (capfirst(_("pilot sites")), report.site_label),
        (_("Generated on"), report.generated.strftime("%d.%m.%Y %H:%M")),
        (_("Language of the report"), report.language_name),
    ]
    table = _table([c.row(fact, widths) for fact in facts], widths, header_rows=0)
    art = site_map.drawing(report.map_sites, report.covered_ids, WIDTH * 0.52, 105 * mm)
    side = Table([[table, art]], colWidths=[WIDTH * 0.46, WIDTH * 0.54], hAlign="LEFT")
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [
        Paragraph(escape(_("Donor report")), c.h2),
        Paragraph(escape(results.programme.name), c.title),
        Spacer(1, 2 * mm),
        Paragraph(escape(results.programme.reporting_org_name), c.normal),
        Spacer(1, 6 * mm),
        side,
        Spacer(1, 2 * mm),
        Paragraph(escape(_("Map of the pilot sites: the sites this report covers are in blue.")), c.small),
    ]


def _results(report, c) -> list:
    widths = _widths(44, 11, 10, 10, 12, 10)
    head = [
        _("Indicator"),
        capfirst(_("unit")),
        capfirst(_("baseline")),
        capfirst(_("target")),
        _("Actual"),
        _("Progress"),
    ]
    story = []
    for section in report.results.sections:
        rows = [c.row(head, widths, c.head)]
        extra = []
        for figure in section.figures:
            name = figure.indicator.name
            if figure.note:
                name = f"{name}\n{figure.note}"
            unit = figure.indicator.unit
            rows.append(
                c.row(
                    [
                        name,
                        unit_label(figure.indicator),
                        figure_value(figure.baseline, unit),
                        figure_value(figure.target, unit),
                        figure_value(figure.actual, unit),
                        f"{figure.progress}\u00a0%" if figure.progress is not None else "—",
                    ],
                    widths,
                )
            )
            if figure.breakdowns:
                rows.append([_breakdowns(figure, c, WIDTH - 2 * PADDING), "", "", "", "", ""])
                extra.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
                extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor("#f7f9fb")))
        story += [Spacer(1, 3 * mm), Paragraph(escape(section.result.name), c.h2), _table(rows, widths, extra=extra)]
    for note in report.results.notes:
        story.append(Paragraph(escape(str(note)), c.small))
    return story


def _breakdowns(figure, c, width) -> Table:
    """The figure's breakdowns, each a title and its cells as label–value pairs, four pairs a line."""
    pairs_per_line = 4
    label_width, value_width = width / pairs_per_line * 0.72, width / pairs_per_line * 0.28
    rows, extra = [], []
    for breakdown in figure.breakdowns:
        rows.append([c.fit(breakdown.title, width, c.head)] + [""] * (2 * pairs_per_line - 1))
        extra.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        cells = []
        for _key, label, value in breakdown.rows:
            cells += [c.fit(label, label_width, c.small), c.fit(plain_number(value), value_width, c.small)]
        while cells:
            line, cells = cells[: 2 * pairs_per_line], cells[2 * pairs_per_line :]
            rows.append(line + [""] * (2 * pairs_per_line - len(line)))
    table = Table(rows, colWidths=[label_width, value_width] * pairs_per_line, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d5dbe1")),
            ]
            + extra
        )
    )
    return table


def _heading(text, c, intro=""):
    items = [Spacer(1, 6 * mm), Paragraph(escape(text), c.h1)]
    if intro:
        items.append(Paragraph(escape(intro), ParagraphStyle("intro", parent=c.small, keepWithNext=1)))
        items.append(Spacer(1, 2 * mm))
    return items


def _none(c):
    return Paragraph(escape(_("None in this period.")), c.normal)


def _activities(report, c) -> list:
    story = _heading(
        _("Activities and trainings"), c, _("Events held in the period, by kind and pilot site (number of events).")
    )
    if not report.events:
        return story + [_none(c)]
    sites = report.results.sites
    widths = _widths(*([30] + [14] * len(sites) + [12]))
    rows = [c.row([event_kind_heading()] + [s.name for s in sites] + [pgettext("count", "Total")], widths, c.head)]
    for row in report.events:
        values = [plain_number(row.by_site.get(s.pk, 0)) for s in sites]
        rows.append(c.row([capfirst(row.kind)] + values + [plain_number(row.total)], widths))
    total = [plain_number(sum(r.by_site.get(s.pk, 0) for r in report.events)) for s in sites]
    total = [pgettext("count", "Total")] + total + [plain_number(sum(r.total for r in report.events))]
    rows.append(c.row(total, widths, c.bold))
    return story + [_table(rows, widths)]


def _centres_and_groups(report, c) -> list:
    story = _heading(capfirst(_("dialogue and resource centres")), c)
    if report.centres is None:
        story.append(
            Paragraph(escape(_("Listed for project staff and local authorities; see the indicators above.")), c.normal)
        )
    elif not report.centres:
        story.append(_none(c))
    else:
        widths = _widths(34, 16, 30, 12, 12)
        head = [capfirst(_("name")), capfirst(_("pilot site")), capfirst(_("host organization"))]
        head += [capfirst(_("opened on")), capfirst(_("status"))]
        rows = [c.row(head, widths, c.head)]
        for centre in report.centres:
            host = centre.host_organization.name if centre.host_organization else "—"
            rows.append(
                c.row(
                    [centre.name, centre.site.name, host, day(centre.opened_on), centre.get_status_display()],
                    widths,
                )
            )
        story.append(_table(rows, widths))
    story += _heading(capfirst(_("initiative groups")), c)
    if report.groups is None:
        story.append(
            Paragraph(escape(_("Listed for project staff and local authorities; see the indicators above.")), c.normal)
        )
    elif not report.groups:
        story.append(_none(c))
    else:
        widths = _widths(40, 18, 14, 40)
        head = [capfirst(_("name")), capfirst(_("pilot site"))]
        head += [capfirst(_("formed on")), capfirst(_("problems it works on"))]
        rows = [c.row(head, widths, c.head)]
        for group in report.groups:
            organization = group.organization
            rows.append(
                c.row([organization.name, organization.site.name, day(group.formed_on), group.problems or "—"], widths)
            )
        story.append(_table(rows, widths))
    return story


def _plans(report, c) -> list:
    story = _heading(_("Conflict-prevention plans"), c, _("The latest version of each plan and its status."))
    if not report.plans:
        return story + [_none(c)]
    widths = _widths(40, 14, 8, 18, 16, 12, 10, 14)
    head = [
        capfirst(_("title")),
        capfirst(_("pilot site")),
        capfirst(_("version")),
        capfirst(_("status")),
        capfirst(_("period")),
        capfirst(_("approved on")),
        capfirst(pgettext("plan", "Actions")),
        _("Budget"),
    ]
    rows = [c.row(head, widths, c.head)]
    for plan in report.plans:
        rows.append(
            c.row(
                [
                    plan.title,
                    plan.site.name,
                    plain_number(plan.version_number),
                    plan.get_status_display(),
                    f"{day(plan.period_start)} – {day(plan.period_end)}",
                    day(plan.approved_at),
                    plain_number(plan.action_count),
                    som(plan.budget_total),
                ],
                widths,
            )
        )
    return story + [_table(rows, widths)]


def _grants(report, c) -> list:
    story = _heading(
        _("Small grants portfolio"),
        c,
        _("Awards decided by the end of the period, with what was paid and the reports received up to it."),
    )
    if report.grants_by_site is not None:
        widths = _widths(30, 14, 22, 22, 14)
        head = [capfirst(_("pilot site")), _("Grants"), _("Awarded"), _("Paid"), _("Reports received")]
        rows = [c.row(head, widths, c.head)]
        for row in report.grants_by_site:
            rows.append(
                c.row(
                    [
                        row.site.name,
                        plain_number(row.grants),
                        som(row.awarded),
                        som(row.paid),
                        plain_number(row.reports),
                    ],
                    widths,
                )
            )
        if len(report.grants_by_site) > 1:
            total = [
                _("Total"),
                plain_number(sum(r.grants for r in report.grants_by_site)),
                som(sum(r.awarded for r in report.grants_by_site)),
                som(sum(r.paid for r in report.grants_by_site)),
                plain_number(sum(r.reports for r in report.grants_by_site)),
            ]
            rows.append(c.row(total, widths, c.bold))
        story.append(_table(rows, widths))
        story += [Spacer(1, 4 * mm), Paragraph(escape(_("Projects")), c.h2)]
        if not report.projects:
            story.append(_none(c))
        else:
            widths = _widths(38, 26, 14, 16, 16, 10)
            head = [_("Project"), capfirst(_("organization")), capfirst(_("pilot site"))]
            head += [_("Awarded"), _("Paid"), _("Reports received")]
            rows = [c.row(head, widths, c.head)]
            for project in report.projects:
                organization = project.organization.name if project.organization else "—"
                rows.append(
                    c.row(
                        [
                            project.title,
                            organization,
                            project.site.name,
                            som(project.award.amount),
                            som(project.paid_total),
                            plain_number(project.report_count),
                        ],
                        widths,
                    )
                )
            story.append(_table(rows, widths))
    if report.calls:
        story += [Spacer(1, 4 * mm), Paragraph(escape(_("Grant calls")), c.h2)]
        widths = _widths(40, 24, 20, 18, 18)
        head = [capfirst(_("call")), capfirst(_("status")), _("Envelope"), _("Awarded"), _("Paid")]
        rows = [c.row(head, widths, c.head)]
        for call in report.calls:
            rows.append(
                c.row(
                    [
                        call.title,
                        call.get_status_display(),
                        som(call.envelope),
                        som(call.awarded_total),
                        som(call.paid_total),
                    ],
                    widths,
                )
            )
        story.append(_table(rows, widths))
    elif report.grants_by_site is None:
        story.append(_none(c))
    return story


def _capacity(report, c) -> list:
    story = _heading(
        _("Capacity change"), c, _("Organizations assessed at baseline and endline: the change of their mean score.")
    )
    figure = report.capacity
    if figure is None:
        return story + [_none(c)]
    widths = _widths(44, 14, 14, 14)
    head = [_("Indicator"), capfirst(_("baseline")), capfirst(_("target")), _("Actual")]
    unit = figure.indicator.unit
    rows = [
        c.row(head, widths, c.head),
        c.row(
            [
                figure.indicator.name,
                figure_value(figure.baseline, unit),
                figure_value(figure.target, unit),
                figure_value(figure.actual, unit),
            ],
            widths,
        ),
    ]
    story.append(_table(rows, widths))
    if figure.note:
        story.append(Paragraph(escape(figure.note), c.small))
    for breakdown in figure.breakdowns:
        story.append(KeepTogether([Spacer(1, 2 * mm), _breakdowns_single(breakdown, c)]))
    return story


def _breakdowns_single(breakdown, c):
    widths = _widths(60, 20)
    rows = [c.row([breakdown.title, ""], widths, c.head)]
    for _key, label, value in breakdown.rows:
        rows.append(c.row([label, plain_number(value)], widths))
    return _table(rows, widths)
