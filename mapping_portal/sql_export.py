"""Exports whose values PostgreSQL computes: fast at national scale (DESIGN.md §8 asks ≥ 50,000 rows/s).

An `SqlExportSpec` names, for each column, an expression (a field path such as "site__slug", or an ORM expression)
instead of a function of a model object. `select(queryset)` keeps a list's queryset (its access scope, filters and
order untouched) and selects those expressions (`values_list`): one query, codes of many-to-many relations joined
in SQL, no model object built per row.

Its `iterator()` gives `SqlRows`, which serve both writers of mapping_portal.exports:
* XLSX: iterated, tuples of the same Python types as the model attributes they replace (str, int, bool, float,
  date, aware datetime, list), a few columns converted in Python (`Converted`, e.g. small-count suppression);
* CSV: `csv_lines()`, the rows written by PostgreSQL itself (`COPY (SELECT …) TO STDOUT`), every cell rendered in
  SQL as `exports._csv_cell` and csv.writer render it: formula neutralisation (a regular expression built from
  the same character sets), booleans, dates, datetimes in the export's timezone, floats, empty values.

The files are byte for byte those of the row-by-row exports (tests/mapping_portal/test_sql_export.py).

The list views hand export_response a `Selected` filterset, whose `qs` is the selection: export_response's
`spec.rows(filterset.qs.iterator(chunk_size=…))` then runs the fast path unchanged.
"""

import contextlib
import functools
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db import DatabaseError, connections
from django.db.models import Func, OuterRef, TextField, Value
from django.db.models.functions import Coalesce

from mapping_portal import exports
from mapping_portal.listing import ExportSpec


@dataclass(frozen=True)
class Converted:
    """A column computed in SQL, then passed through `convert` in Python (e.g. small-count suppression)."""

    expression: object
    convert: Callable


def joined(queryset, field, separator: str = "; "):
    """The `field` (a name or an expression) of every row of `queryset` (filtered on an OuterRef, in its order) as
    one text: "a; b", "" when there is none — the `"; ".join(...)` of a prefetched relation, done by PostgreSQL."""
    values = queryset.values(field) if isinstance(field, str) else queryset.values(value=field)
    text = Func(ArraySubquery(values), Value(separator), function="array_to_string", output_field=TextField())
    return Coalesce(text, Value(""), output_field=TextField())


def joined_related(model, link: str, field: str = "code"):
    """The `field` of the `model` rows linked to the outer row through `link` (a many-to-many or foreign key
    lookup), in the model's default order."""
    return joined(model.objects.filter(**{link: OuterRef("pk")}), field)


@dataclass
class SqlExportSpec(ExportSpec):
    """An export whose `columns` are (header, expression) pairs: a field path, an ORM expression, or `Converted`."""

    def select(self, queryset) -> "Selection":
        """The export's rows of `queryset` (prefetches dropped: SQL joins what they fetched)."""
        expressions = [
            column.expression if isinstance(column, Converted) else column for _header, column in self.columns
        ]
        return Selection(self, queryset.prefetch_related(None).values_list(*expressions))

    def rows(self, objects):
        """The rows of a `Selection` (as its `iterator()` gives them, CSV lines included), or of any tuples."""
        if isinstance(objects, SqlRows):
            return objects
        return self.converted(objects)

    def converted(self, tuples: Iterable[tuple]):
        """The tuples with their `Converted` columns converted."""
        conversions = [
            (index, column.convert)
            for index, (_header, column) in enumerate(self.columns)
            if isinstance(column, Converted)
        ]
        if not conversions:
            yield from tuples
            return
        for values in tuples:
            row = list(values)
            for index, convert in conversions:
                row[index] = convert(row[index])
            yield row


class Selection:
    """A spec's values of a queryset. `iterator()` (what export_response and `manage.py export` call on a list's
    queryset) gives `SqlRows`; `queryset` is the values_list itself."""

    def __init__(self, spec: SqlExportSpec, queryset):
        self.spec = spec
        self.queryset = queryset

    def iterator(self, chunk_size=10_000):
        return SqlRows(self, chunk_size)

    def count(self):
        return self.queryset.count()


class SqlRows:
    """The rows of a `Selection`: iterated, tuples of Python values (for XLSX); `csv_lines(tz)`, the same rows as
    CSV written by PostgreSQL itself (COPY), for mapping_portal.exports' CSV writer."""

    def __init__(self, selection: Selection, chunk_size: int):
        self.selection = selection
        self.chunk_size = chunk_size

    def __iter__(self):
        return iter(self.selection.spec.converted(self.selection.queryset.iterator(chunk_size=self.chunk_size)))

    def csv_lines(self, tz):
        """The rows as CSV lines (bytes, ending in CR LF), as `exports.write_csv` writes these values in the
        timezone `tz` — or None when a column is converted in Python (`Converted`), which COPY cannot do, or when
        `tz` is not a named zone PostgreSQL knows too."""
        if any(isinstance(column, Converted) for _header, column in self.selection.spec.columns):
            return None
        zone = "UTC" if tz is None else getattr(tz, "key", None)
        if zone is None:
            return None
        sql, params = csv_select(self.selection.queryset)
        return _copy_lines(self.selection.queryset.db, sql, params, zone)


def _copy_lines(alias, sql, params, zone):
    with connections[alias].cursor() as cursor:
        raw = cursor.cursor
        # Datetimes are written in the export's timezone: the session's for this statement only (cheaper than
        # converting each value), then the connection's own again, also if the download stops part way.
        raw.execute("SELECT current_setting('TimeZone'), set_config('TimeZone', %s, false)", [zone])
        previous = raw.fetchone()[0]
        try:
            statement = raw.mogrify(sql, params)
            with raw.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
                # PostgreSQL sends one row per message, ending in LF; csv.writer ends a row with CR LF (line breaks
                # inside a value are kept, quoted, by both).
                for line in copy:
                    yield bytes(line[:-1]) + b"\r\n"
        finally:
            # In a failed transaction this fails too, and the rollback restores the setting.
            with contextlib.suppress(DatabaseError):
                raw.execute("SELECT set_config('TimeZone', %s, false)", [previous])


# The text of exports._csv_cell, computed by PostgreSQL ----------------------------------------------------------------


def _character_class(points) -> str:
    """A bracket expression of these code points, in ranges, written as escapes PostgreSQL's regex reads."""
    ranges = []
    for point in sorted(points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])

    def escape(point):
        return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"

    return "[" + "".join(escape(low) if low == high else f"{escape(low)}-{escape(high)}" for low, high in ranges) + "]"


@functools.cache
def formula_pattern() -> str:
    # exports.looks_like_formula as a regular expression: skipped characters, then a formula sign. Built from the
    # same sets and Python's unicodedata, so that both read a cell alike (NUL left out: text cannot hold it).
    skipped = {
        point
        for point in range(1, sys.maxunicode + 1)
        if unicodedata.category(chr(point)) in exports._SKIPPED_CATEGORIES
    }
    skipped |= {ord(character) for character in exports._INVISIBLE_LETTERS}
    signs = {ord(character) for character in exports.FORMULA_SIGNS}
    return "^" + _character_class(skipped) + "*" + _character_class(signs)


# Cells whose first character is in one of these ranges (ASCII letters and most signs, Cyrillic letters) cannot
# be read as formulas: no regular expression needed. Checked against the sets when first used.
_SAFE_FIRST = ((0x2E, 0x3C), (0x41, 0x7E), (0x400, 0x482))


@functools.cache
def _safe_first_sql() -> str:
    for low, high in _SAFE_FIRST:
        for point in range(low, high + 1):
            assert not exports.looks_like_formula(chr(point) + "=")
    return " OR ".join(f"ascii({{sql}}) BETWEEN {low} AND {high}" for low, high in _SAFE_FIRST)


_TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}
_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _safe_text(sql):
    # neutralise(); an empty text as an empty cell (COPY would quote it, csv.writer does not).
    safe = _safe_first_sql().format(sql=sql)
    return (
        f"CASE WHEN {sql} = '' THEN NULL WHEN {safe} THEN {sql} WHEN {sql} ~ %s THEN '''' || {sql} ELSE {sql} END",
        [formula_pattern()],
    )


def _cell_sql(sql: str, field):
    """SQL for the text `exports._csv_cell` writes for a value of `field` held by the column `sql`."""
    while field.get_internal_type() == "ForeignKey":
        field = field.target_field
    kind = field.get_internal_type()
    if kind in _TEXT_TYPES:
        return _safe_text(sql)
    if kind in _INTEGER_TYPES:
        return sql, []
    if kind == "BooleanField":
        return f"CASE WHEN {sql} THEN 'True' WHEN NOT {sql} THEN 'False' END", []
    if kind == "FloatField":
        # repr(float): the shortest exact digits, as PostgreSQL writes them, but 42.0 (not 42), and nan, inf.
        return (
            f"CASE WHEN {sql} = 'NaN' THEN 'nan' WHEN {sql} = 'Infinity' THEN 'inf'"
            f" WHEN {sql} = '-Infinity' THEN '-inf'"
            f" WHEN {sql} = trunc({sql}) AND abs({sql}) < 1e16 THEN trunc({sql})::numeric::text || '.0'"
            f" ELSE {sql}::text END",
            [],
        )
    if kind == "DateField":
        return f"to_char({sql}, 'YYYY-MM-DD')", []
    if kind == "DateTimeField":
        # datetime.isoformat() in the session's timezone (the export's, set by _copy_lines): the fraction only when
        # there is one (a date holds no other "."), the offset as +HH:MM, with :SS if it has seconds.
        return (
            f"replace(to_char({sql}, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM'), '.000000', '')"
            f" || CASE WHEN extract(timezone FROM {sql})::integer %% 60 <> 0"
            f" THEN ':' || lpad(abs(extract(timezone FROM {sql})::integer %% 60)::text, 2, '0') ELSE '' END",
            [],
        )
    if kind == "ArrayField":
        base = field.base_field.get_internal_type()
        if base in _TEXT_TYPES:
            # neutralise() of a list: "a; b" (None items left out), then as any text.
            return _safe_text(f"array_to_string({sql}, '; ')")
        if base == "DateField":
            return _safe_text(
                f"array_to_string(ARRAY(SELECT to_char(day, 'YYYY-MM-DD') FROM unnest({sql}) AS day), '; ')"
            )
    raise TypeError(f"No CSV text in SQL for a {kind} column")


def csv_select(queryset) -> tuple[str, list]:
    """SQL selecting the rows of the values_list `queryset`, in its order, as the text of their CSV cells
    (datetimes in the session's timezone)."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    fields = {alias: expression.output_field for expression, _sql, alias in compiler.select}
    cells, cell_params = [], []
    for name in queryset._fields:
        cell, extra = _cell_sql(f'export_rows."{name}"', fields[name])
        cells.append(cell)
        cell_params += extra
    return f"SELECT {', '.join(cells)} FROM ({sql}) AS export_rows", [*cell_params, *params]


class Selected:
    """What export_response reads of a FilterSet (its `qs`), with the spec's values selected in SQL; anything
    else is the FilterSet's own."""

    def __init__(self, spec: SqlExportSpec, filterset):
        self._filterset = filterset
        self.qs = spec.select(filterset.qs)

    def __getattr__(self, name):
        return getattr(self._filterset, name)
