"""Reporting periods: the whole project, a calendar year or a quarter, named by a key ("all", "2026",
"2026-Q3") that targets store and the reports page's URL carries."""

import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

ALL = "all"
KEY = re.compile(r"^(?:all|(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?)$")


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    end: datetime.date

    @property
    def kind(self) -> str:
        return "all" if self.key == ALL else "quarter" if "-Q" in self.key else "year"

    @property
    def label(self) -> str:
        if self.kind == "all":
            return str(_("Whole project"))
        if self.kind == "year":
            return self.key
        year, quarter = self.key.split("-Q")
        return str(_("Quarter %(quarter)s of %(year)s")) % {"quarter": quarter, "year": year}

    @property
    def dates(self) -> str:
        return f"{date_format(self.start, 'SHORT_DATE_FORMAT')}–{date_format(self.end, 'SHORT_DATE_FORMAT')}"

    def __str__(self):
        return self.label


def parse(key: str, programme) -> Period | None:
    """The period a key names, within the programme's dates (a year or quarter is cut to them); None when the key
    is not a period or lies outside the programme."""
    match = KEY.match(key or "")
    if not match:
        return None
    if key == ALL:
        return Period(ALL, programme.start, programme.end)
    year = int(match["year"])
    if match["quarter"]:
        quarter = int(match["quarter"])
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = (datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - datetime.timedelta(days=1)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if end < programme.start or start > programme.end:
        return None
    return Period(key, max(start, programme.start), min(end, programme.end))


def choices(programme) -> list[Period]:
    """Every period of the programme: the whole project, then each year with its quarters."""
    periods = [Period(ALL, programme.start, programme.end)]
    for year in range(programme.start.year, programme.end.year + 1):
        periods.append(parse(str(year), programme))
        periods += [period for q in range(1, 5) if (period := parse(f"{year}-Q{q}", programme))]
    return periods
