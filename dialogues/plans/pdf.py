"""An approved conflict-prevention plan as a PDF in Kyrgyz or Russian, for signing: its fields, the heat map of its
risks, the risks, the action table and signature lines.

ReportLab draws it with DejaVu Sans, which has the Kyrgyz letters ң ө ү (ReportLab's built-in fonts do not): the
font comes from the system package fonts-dejavu-core. The wording is the interface's, rendered in the chosen
language through `translation.override`.
"""

import io
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dialogues.plans.models import PlanFocus, RiskLevel, risk_level
from mapping_portal.pdf import FontMissing, register_fonts  # noqa: F401 (FontMissing: the views catch it here)
from mapping_portal.text import format_som

LANGUAGES = ("ky", "ru")
# The heat map's colours, the same bands as the plan page's legend.
LEVEL_COLOURS = {
    RiskLevel.LOW: colors.HexColor("#d9ead3"),
    RiskLevel.MEDIUM: colors.HexColor("#fff2cc"),
    RiskLevel.HIGH: colors.HexColor("#f9cb9c"),
    RiskLevel.VERY_HIGH: colors.HexColor("#ea9999"),
}


def som(amount) -> str:
    return format_som(amount, _("som"))


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def plan_pdf(plan, language: str) -> bytes:
    """The PDF of `plan` in `language` (ky or ru)."""
    register_fonts()
    with translation.override(language):
        return _build(plan)


def _build(plan) -> bytes:
    normal = ParagraphStyle("normal", fontName="DejaVuSans", fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=normal, fontSize=7.5, leading=9.5)
    heading = ParagraphStyle("heading", parent=normal, fontName="DejaVuSans-Bold", fontSize=15, leading=19)
    subheading = ParagraphStyle("subheading", parent=normal, fontName="DejaVuSans-Bold", fontSize=11, leading=15)

    def p(text, style=normal):
        return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)

    risks = list(plan.risks.select_related("thematic_area").order_by("id"))
    numbers = {risk.pk: n for n, risk in enumerate(risks, 1)}
    actions = list(
        plan.actions.order_by("start_date", "id").prefetch_related(
            "risks", "responsible_organizations", "partner_organizations"
        )
    )
    story = [
        p(_("Conflict-prevention plan"), small),
        p(plan.title, heading),
        Spacer(1, 3 * mm),
        # Labels are gettext calls of their own (xgettext does not read calls inside f-strings).
        p(
            " · ".join(
                [
                    "{}: {}".format(_("Pilot site"), plan.site.name),
                    "{}: {}".format(_("Authoring body"), plan.authoring_body.name),
                    "{}: {}–{}".format(_("Period"), _day(plan.period_start), _day(plan.period_end)),
                    "{} {}".format(_("Version"), plan.version_number),
                ]
            )
        ),
        p(
            " · ".join(
                [
                    "{}: {}".format(_("Approved by"), plan.approving_body or "—"),
                    "{}: {}".format(_("Decision or protocol number"), plan.decision_number),
                    "{}: {}".format(_("Date of the decision"), _day(plan.decision_date)),
                ]
            )
        ),
        Spacer(1, 4 * mm),
        p(_("Context analysis"), subheading),
        p(plan.context_analysis or "—"),
    ]
    for label, text in plan.focuses:
        story += [Spacer(1, 2 * mm), p(label, subheading), p(text or "—")]

    story += [Spacer(1, 4 * mm), p(_("Risks: likelihood × impact"), subheading), Spacer(1, 2 * mm)]
    story.append(KeepTogether([_heat_map(risks, numbers, small), Spacer(1, 2 * mm), _legend(small)]))
    rows = [[p("№", small), p(_("Risk"), small), p(_("Thematic direction"), small), p(_("Likelihood"), small)]]
    rows[0] += [p(_("Impact"), small), p(_("Early-warning signs"), small), p(_("Affected groups"), small)]
    for risk in risks:
        rows.append(
            [
                p(f"R{numbers[risk.pk]}", small),
                p(risk.description, small),
                p(risk.thematic_area.name if risk.thematic_area else "—", small),
                p(risk.likelihood, small),
                p(risk.impact, small),
                p(risk.early_warning_signs, small),
                p(risk.affected_groups, small),
            ]
        )
    story += [Spacer(1, 3 * mm), _table(rows, [12, 70, 30, 18, 16, 60, 45])]

    story += [Spacer(1, 5 * mm), p(pgettext("plan", "Actions"), subheading), Spacer(1, 2 * mm)]
    rows = [
        [
            p("№", small),
            p(_("Action"), small),
            p(_("Focus"), small),
            p(_("Risks"), small),
            p(_("Responsible and partners"), small),
            p(_("Dates"), small),
            p(_("Budget and source"), small),
            p(_("Indicator and target"), small),
        ]
    ]
    for n, action in enumerate(actions, 1):
        who = ", ".join(o.name for o in action.responsible_organizations.all())
        partners = ", ".join(o.name for o in action.partner_organizations.all())
        rows.append(
            [
                p(n, small),
                p(action.title, small),
                p(PlanFocus(action.focus).label, small),
                p(", ".join(f"R{numbers[r.pk]}" for r in action.risks.all() if r.pk in numbers) or "—", small),
                p(who + ("; {}: {}".format(_("partners"), partners) if partners else ""), small),
                p(f"{_day(action.start_date)}–{_day(action.end_date)}", small),
                p(f"{som(action.budget)}" + (f" ({action.budget_source})" if action.budget_source else ""), small),
                p(" → ".join(part for part in (action.indicator, action.target) if part) or "—", small),
            ]
        )
    total = sum((action.budget for action in actions), start=0)
    rows.append([p(""), p(_("Total budget"), small), "", "", "", "", p(som(total), small), ""])
    story += [_table(rows, [9, 55, 28, 16, 50, 28, 34, 40])]

    signature = "____________________"
    story += [
        Spacer(1, 10 * mm),
        _table(
            [
                [p(_("Head of the authoring body"), normal), p(f"{signature} / {signature}", normal)],
                [p(_("Approved by the decision of"), normal), p(f"{plan.approving_body or signature}", normal)],
                [
                    p(_("Decision or protocol number and date"), normal),
                    p(f"№ {plan.decision_number}, {_day(plan.decision_date)}", normal),
                ],
                [p(_("Signature and seal"), normal), p(signature, normal)],
            ],
            [80, 120],
            grid=False,
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=plan.title,
        author="UNDP Kyrgyzstan",
    )
    document.build(story)
    return buffer.getvalue()


class SplittingTable(Table):
    """A table whose rows may continue on the next page: a risk or an action of a few thousand characters is taller
    than a page, and a row that cannot split fails the whole PDF (LayoutError) — an approved plan cannot be edited,
    so its PDF must draw whatever the plan holds.

    ReportLab (splitInRow) first tries to break between rows, and only splits a row when that fails. A short row
    that does not fit still moves whole to the next page; but when the break between rows would leave more than
    `ROW_SPLIT_ABOVE` of the page empty, the row is split there instead: otherwise the rest of the table would
    start in that space with its header repeated half-way down the page."""

    ROW_SPLIT_ABOVE = 60  # points, about six lines of the table's text

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("splitInRow", 1)
        super().__init__(*args, **kwargs)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and availHeight - parts[0].wrap(availWidth, availHeight)[1] > self.ROW_SPLIT_ABOVE:
            return self._splitRows(availHeight, doInRowSplit=True) or parts
        return parts


def _table(rows, widths_mm, grid=True):
    table = SplittingTable(rows, colWidths=[w * mm for w in widths_mm], repeatRows=1 if grid else 0)
    style = [("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if grid:
        style += [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ]
    table.setStyle(TableStyle(style))
    return table


def _heat_map(risks, numbers, style):
    """Impact (rows, 5 at the top) × likelihood (columns): the risk numbers in each cell, coloured by level."""
    cells = {}
    for risk in risks:
        cells.setdefault((risk.likelihood, risk.impact), []).append(f"R{numbers[risk.pk]}")
    rows, colours = [], []
    for row, impact in enumerate(range(5, 0, -1)):
        line = [Paragraph("{} {}".format(escape(_("Impact")), impact), style)]
        for column, likelihood in enumerate(range(1, 6), 1):
            line.append(Paragraph(" ".join(cells.get((likelihood, impact), [])), style))
            colours.append(("BACKGROUND", (column, row), (column, row), LEVEL_COLOURS[risk_level(likelihood, impact)]))
        rows.append(line)
    rows.append([""] + [Paragraph("{} {}".format(escape(_("Likelihood")), n), style) for n in range(1, 6)])
    table = Table(rows, colWidths=[24 * mm] + [24 * mm] * 5, rowHeights=[11 * mm] * 5 + [7 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                ("GRID", (1, 0), (-1, 4), 0.5, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                *colours,
            ]
        )
    )
    return table


def _legend(style):
    cells, colours = [], []
    for column, (level, label) in enumerate(RiskLevel.choices):
        cells.append(Paragraph(escape(str(label)), style))
        colours.append(("BACKGROUND", (column, 0), (column, 0), LEVEL_COLOURS[level]))
    table = Table([cells], colWidths=[30 * mm] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"), *colours]))
    return table
