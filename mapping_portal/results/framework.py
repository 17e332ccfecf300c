"""One table of results for a user, a period and a site: each indicator's baseline, target and actual value
with its breakdowns, small cells suppressed for those who may not see them. The reports page, the donor report
and the IATI file all read this — one computation, one suppression."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from mapping_portal import access, hooks, suppression
from mapping_portal.models import PilotSite
from mapping_portal.results.models import Indicator, Programme, Target
from mapping_portal.results.periods import Period


@dataclass
class ShownBreakdown:
    dimension: str
    title: str
    rows: list  # [(key, label, shown value)]
    total: object = None


@dataclass
class Figure:
    indicator: Indicator
    baseline: Decimal | None
    target: Decimal | None
    actual: object  # a number, a suppression.Hidden, or None (not computed)
    progress: int | None  # actual as a whole percentage of the target
    breakdowns: list = field(default_factory=list)
    url: str = ""
    note: str = ""
    part: object = None  # a share's counts as shown (those who may see small counts see the exact ones)
    whole: object = None


@dataclass
class Section:
    result: object
    figures: list


@dataclass
class Report:
    programme: Programme
    period: Period
    site: PilotSite | None
    sites: list  # the sites the figures cover
    sections: list
    suppressing: bool
    notes: list

    @property
    def figures(self) -> list[Figure]:
        return [figure for section in self.sections for figure in section.figures]


def build(user, programme: Programme, period: Period, site: PilotSite | None = None) -> Report:
    """The results of `period` at `site` (None: every site the user sees), as `user` may see them."""
    suppressing = not access.can_view_small_counts(user)
    site_ids = access.site_scope_within(user, site)
    indicators = list(Indicator.objects.select_related("result"))
    targets = _targets(indicators, period, site, site_ids)
    sites = list(PilotSite.objects.for_user(user).filter(**({"pk": site.pk} if site else {})))
    sections, by_result, memos = [], {}, {}
    for indicator in indicators:
        start = programme.start if indicator.cumulative else period.start
        provider = hooks.indicators.get(indicator.measure)
        memo = memos.setdefault(start, {})  # one memo per scope: the same dates and sites
        measure = provider(hooks.Scope(user, start, period.end, site_ids, memo)) if provider else None
        figure = _figure(indicator, measure, targets.get(indicator.pk), suppressing)
        if indicator.result_id not in by_result:
            by_result[indicator.result_id] = Section(indicator.result, [])
            sections.append(by_result[indicator.result_id])
        by_result[indicator.result_id].figures.append(figure)
    shown = [[figure.actual, [b.rows for b in figure.breakdowns]] for section in sections for figure in section.figures]
    return Report(programme, period, site, sites, sections, suppressing, suppression.notes(shown))


def _targets(indicators, period, site, site_ids) -> dict:
    """{indicator id: target} for the period: the chosen site's own target; for every site, the overall target
    (no site); for a user bound to some sites, the sum of their sites' targets (counts only — shares do not add)."""
    rows = Target.objects.filter(period=period.key)
    if site is not None:
        return dict(rows.filter(site=site).values_list("indicator_id", "value"))
    if site_ids is None:
        return dict(rows.filter(site=None).values_list("indicator_id", "value"))
    shares = {indicator.pk for indicator in indicators if indicator.is_share}
    summed = {}
    for indicator_id, value in rows.filter(site__in=site_ids).values_list("indicator_id", "value"):
        if indicator_id in shares and len(site_ids) > 1:
            continue
        summed[indicator_id] = summed.get(indicator_id, 0) + value
    return summed


def _figure(indicator, measure, target, suppressing) -> Figure:
    if measure is None:
        return Figure(indicator, indicator.baseline, target, None, None, note=_("Not computed for this indicator."))
    part = whole = None
    if indicator.is_share:
        actual = suppression.share(measure.part or 0, measure.whole or 0, suppressing)
        if not suppressing:
            part, whole = measure.part, measure.whole
    elif measure.people:
        actual = suppression.count(measure.value or 0, suppressing)
    else:
        actual = measure.value
    breakdowns = []
    for breakdown in measure.breakdowns:
        values = [value for _key, _label, value in breakdown.rows]
        total = measure.value if measure.people and isinstance(measure.value, int) else None
        shown = suppression.breakdown(values, total, suppressing and breakdown.people)
        rows = [(key, label, value) for (key, label, _raw), value in zip(breakdown.rows, shown, strict=True)]
        breakdowns.append(ShownBreakdown(breakdown.dimension, breakdown.title, rows))
    progress = None
    if isinstance(actual, int | Decimal) and target:
        progress = int((Decimal(actual) * 100 / Decimal(target)).to_integral_value())
    return Figure(
        indicator, indicator.baseline, target, actual, progress, breakdowns, measure.url, measure.note, part, whole
    )
