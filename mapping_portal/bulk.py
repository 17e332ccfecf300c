"""Bulk loading for the benchmark volumes (`seed_demo --scale national`): PostgreSQL's COPY through psycopg 3.

`copy_rows` writes many rows of a model in one COPY, with the ids taken from the table's own sequence first (so
that the caller knows them, as `bulk_create` would tell), every column the ORM would fill filled the same way
(defaults and `auto_now_add` from the model's fields, values through each field's own database preparation) and
the database's constraints, foreign keys included, checked on every row. `write_created_history` writes the
"created" entry of django-simple-history for those rows in one INSERT … SELECT, as `save()` would have.
`triggers_disabled` turns named triggers off for a bulk load inside the caller's transaction, so that a
summary they keep can be rebuilt once afterwards, in the same transaction: nobody ever reads a stale figure.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone


def reserve_ids(model, count: int) -> list[int]:
    """`count` ids from the table's sequence (the one its primary key takes by default)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _columns(model, given):
    """(fields given by the caller, fields filled with the model's defaults), generated columns left out."""
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    by_name = {f.name: f for f in fields} | {f.attname: f for f in fields}
    chosen = [by_name[name] for name in given]
    rest = [f for f in fields if f not in chosen and not f.primary_key]
    return chosen, rest


def copy_rows(model, columns: list[str], rows, prepare=True) -> int:
    """COPY `rows` (tuples in the order of `columns`, field names or attnames; the primary key may be one) into
    `model`'s table; every other column gets the model's default (`auto_now_add`/`auto_now`: now). Returns the
    number of rows written. Values go through each field's `get_db_prep_save`, as the ORM's inserts do, unless
    `prepare` is false: then they must be what the database takes already (ints, strings, dates, lists of them —
    psycopg adapts those), which saves ~2 µs a value at a million rows."""
    chosen, rest = _columns(model, columns)
    template = model()
    defaults = tuple(f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in rest)
    preparers = [f.get_db_prep_save for f in chosen]
    names = ", ".join(connection.ops.quote_name(f.column) for f in chosen + rest)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                if prepare:
                    row = [p(value, connection) for p, value in zip(preparers, row, strict=True)]
                copy.write_row((*row, *defaults))
                count += 1
    return count


def write_created_history(model, ids: list[int], user_id=None) -> int:
    """The "created" history entries (django-simple-history) of `model`'s rows `ids`, dated now, in one
    INSERT … SELECT. Returns how many were written."""
    if not ids:
        return 0
    historical = model.history.model
    own = {f.attname for f in historical._meta.concrete_fields}
    tracked = [f for f in model._meta.concrete_fields if f.attname in own]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in tracked)
    pk = quote(model._meta.pk.column)
    low, high = min(ids), max(ids)
    # Ids from reserve_ids are one run of the sequence unless another session took some meanwhile.
    which, params = (f"{pk} BETWEEN %s AND %s", [low, high])
    if high - low + 1 != len(ids):
        which, params = (f"{pk} = ANY(%s)", [list(ids)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} ({names}, history_date, history_change_reason, "
            f"history_type, history_user_id) SELECT {names}, %s, NULL, '+', %s FROM {quote(model._meta.db_table)} "
            f"WHERE {which}",
            [timezone.now(), user_id, *params],
        )
        return cursor.rowcount


@contextmanager
def triggers_disabled(table: str, triggers: list[str]):
    """Named triggers of `table` off for the block, back on after it; only inside a transaction (ALTER TABLE
    holds the table's lock until the transaction ends, so no other writer goes unseen by the triggers).

    Meanwhile the deferred constraints (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED) are checked at
    the end of each statement instead of at commit: ALTER TABLE refuses a table with checks still pending, and a
    million queued checks would wait in memory. Afterwards they are deferred again, as they were."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("triggers_disabled needs a transaction")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name in triggers:
            cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for name in triggers:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
