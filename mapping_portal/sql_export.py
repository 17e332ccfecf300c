"""Exports whose values PostgreSQL computes: fast at national scale (DESIGN.md §8 asks ≥ 50,000 rows/s).

An `SqlExportSpec` names, for each column, an expression (a field path such as "site__slug", or an ORM expression)
instead of a function of a model object. `select(queryset)` turns a list's queryset (its access scope, filters and
order untouched) into a `values_list` of those expressions: one query whose rows are plain tuples, codes joined in
SQL, with no model object built per row. `rows(tuples)` hands them on (converting the few columns that need Python,
`Converted`), ready for mapping_portal.exports' CSV and XLSX writers, which make every cell safe as before.

The values are of the same Python types as the model attributes they replace (str, int, bool, float, date, aware
datetime, list), so both files come out byte for byte as the row-by-row export wrote them
(tests/mapping_portal/test_sql_export.py compares the two).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Func, OuterRef, TextField, Value
from django.db.models.functions import Coalesce

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

    def select(self, queryset):
        """The export's rows of `queryset`, as a values_list of the columns (prefetches dropped: SQL joins them)."""
        expressions = [
            column.expression if isinstance(column, Converted) else column for _header, column in self.columns
        ]
        return queryset.prefetch_related(None).values_list(*expressions)

    def rows(self, objects: Iterable[tuple]):
        """The tuples of `select(...)`, with the `Converted` columns converted."""
        conversions = [
            (index, column.convert)
            for index, (_header, column) in enumerate(self.columns)
            if isinstance(column, Converted)
        ]
        if not conversions:
            yield from objects
            return
        for values in objects:
            row = list(values)
            for index, convert in conversions:
                row[index] = convert(row[index])
            yield row


class Selected:
    """What export_response reads of a FilterSet (its `qs`), with the spec's values selected in SQL; anything
    else is the FilterSet's own."""

    def __init__(self, spec: SqlExportSpec, filterset):
        self._filterset = filterset
        self.qs = spec.select(filterset.qs)

    def __getattr__(self, name):
        return getattr(self._filterset, name)
