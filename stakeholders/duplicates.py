"""Finding records that may be the same organization or person written another way: in Kyrgyz, Russian or
Latin letters, with or without its legal form ("ОФ", "коомдук фонду", "общественное объединение")."""

import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from mapping_portal.text import match_key

# Legal-form words say what kind of body it is, not which one: dropped before comparing.
LEGAL_FORMS = re.compile(
    r"\b(коомдук\s+(фонду?|бирикмеси|уюму?)|общественн(ый|ое|ая)\s+(фонд|объединение|организация)|"
    r"\bОФ\b|\bОО\b|\bКФ\b|\bКБ\b|\bНКО\b|public\s+(foundation|association)|\bNGO\b)",
    re.IGNORECASE,
)


def name_key(name: str) -> str:
    return match_key(LEGAL_FORMS.sub(" ", name or ""))


def organization_name_key(*names: str) -> str:
    """The stored key of an organization's names (each distinct one once), legal forms dropped."""
    return " ".join(dict.fromkeys(key for key in map(name_key, names) if key))


# --- The "same record" rule ------------------------------------------------------------------------
#
# Two records may be one organization or one person when
#   * they are in the same pilot site;
#   * both are live: active, and not merged into another record (a deactivated record is one staff set aside:
#     it is not offered as a look-alike, nor paired);
#   * their names are alike: a name being typed or imported is like a record when the record's key holds the
#     name's key or has a word like it (pg_trgm word similarity, `%>`, at its threshold of 0.6) — an
#     organization's search key (its names and acronym), a person's name key; two records are alike when their
#     name keys are similar (`%`, at PAIR_THRESHOLD);
#   * (people) their years of birth, when both are recorded, are at most a year apart.
# Three paths ask it, each building its SQL from the pieces below: the forms' hint while a name is typed
# (`similar_organizations`, `similar_people`), the import for all the new rows of a step in one query
# (`similar_records`), and the duplicates page's comparison of a site's records (`refresh_candidates`).

MIN_KEY = 3  # a shorter key is like too many names to say anything
LIKE_KEY = {"organization": "search_key", "person": "name_key"}
# Keyed by RecordKind's values (the models import this module, so it cannot import them at the top).
_TABLES = {"organization": "stakeholders_organization", "person": "stakeholders_person"}


def _live(alias: str) -> str:
    return f"{alias}.is_active AND {alias}.merged_into_id IS NULL"


def _born_close(one: str, other: str) -> str:
    return (
        f"({one}.birth_year IS NULL OR {other}.birth_year IS NULL OR abs({one}.birth_year - {other}.birth_year) <= 1)"
    )


def name_keys(kind, names) -> list[str]:
    """The keys a name typed or imported is compared by: an organization's names without their legal form, a
    person's full name; each long enough to say something."""
    key_of = name_key if kind == "organization" else match_key
    return [key for key in dict.fromkeys(key_of(name) for name in names if name) if len(key) >= MIN_KEY]


@dataclass(frozen=True)
class Wanted:
    """One name to look for: `ref` says whose it is (the caller's row), `site` None means any site of the scope
    (a form before its site is chosen), `exclude` a record being edited."""

    ref: int
    names: tuple
    site: int | None = None
    birth_year: int | None = None
    exclude: int | None = None


@dataclass(frozen=True)
class Alike:
    pk: int
    similarity: float
    name: str
    birth_year: int | None


_SIMILAR_SQL = """
SELECT v.ref, r.id, r.similarity, r.name, r.birth_year
FROM unnest(%s::integer[], %s::bigint[], %s::text[], %s::integer[], %s::bigint[])
    AS v(ref, site_id, key, birth_year, exclude_id)
CROSS JOIN LATERAL (
    SELECT r.id, word_similarity(v.key, r.{like}) AS similarity, {name} AS name, {birth_year} AS birth_year
    FROM {table} r
    WHERE {site} AND {live} {born}
      AND (v.exclude_id IS NULL OR r.id <> v.exclude_id)
      AND (r.{like} LIKE '%%' || v.key || '%%' OR r.{like} %%> v.key)
      AND r.id IN ({scope})
    ORDER BY similarity DESC, r.id
    LIMIT %s
) r
"""


def similar_records(kind, wanted: list[Wanted], scope, limit=5) -> dict[int, list[Alike]]:
    """The records of `scope` (the user's, a queryset) like each of `wanted`, best first, at most `limit` each: in
    one query whatever the number of names (the import asks for every new row of a step at once)."""
    refs, sites, keys, years, excluded = [], [], [], [], []
    for one in wanted:
        for key in name_keys(kind, one.names):
            refs.append(one.ref)
            sites.append(one.site)
            keys.append(key)
            years.append(one.birth_year if kind == "person" else None)
            excluded.append(one.exclude)
    if not keys:
        return {}
    try:
        scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a scope with nothing in it (`none()`)
        return {}
    sql = _SIMILAR_SQL.format(
        table=_TABLES[kind],
        like=LIKE_KEY[kind],
        name="COALESCE(NULLIF(r.name_ky, ''), r.name_ru)" if kind == "organization" else "r.full_name",
        birth_year="NULL::integer" if kind == "organization" else "r.birth_year",
        # Without a site for every name, the one condition that covers both; with one, the plain equality (the
        # import's case) that the site index serves.
        site="(v.site_id IS NULL OR r.site_id = v.site_id)" if None in sites else "r.site_id = v.site_id",
        live=_live("r"),
        born=f"AND {_born_close('v', 'r')}" if kind == "person" else "",
        scope=scope_sql,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [refs, sites, keys, years, excluded, *scope_params, limit])
        found = cursor.fetchall()
    best: dict[int, dict[int, Alike]] = {}
    for ref, pk, similarity, name, birth_year in found:
        current = best.setdefault(ref, {})
        if pk not in current or current[pk].similarity < similarity:
            current[pk] = Alike(pk, similarity, name, birth_year)
    return {
        ref: sorted(alike.values(), key=lambda one: (-one.similarity, one.pk))[:limit] for ref, alike in best.items()
    }


def _records(kind, wanted, queryset, related, limit):
    """The records like one name, as model instances with their `similarity` (a second query, for the page)."""
    found = similar_records(kind, [wanted], queryset, limit).get(wanted.ref, [])
    records = queryset.select_related(*related).in_bulk([alike.pk for alike in found])
    ranked = []
    for alike in found:
        if alike.pk in records:  # not deleted in between
            records[alike.pk].similarity = alike.similarity
            ranked.append(records[alike.pk])
    return ranked


def similar_organizations(queryset, names, site=None, exclude_pk=None, limit=5):
    """Organizations of `queryset` whose names look like any of `names` (best first), within `site` if given."""
    wanted = Wanted(0, tuple(names), site=site.pk if site is not None else None, exclude=exclude_pk)
    return _records("organization", wanted, queryset, ("type", "site"), limit)


def similar_people(queryset, full_name, site=None, birth_year=None, exclude_pk=None, limit=5):
    """People of `queryset` whose names look like `full_name` in any script (best first), within `site` if
    given; a recorded year of birth more than a year apart rules a match out."""
    wanted = Wanted(
        0, (full_name,), site=site.pk if site is not None else None, birth_year=birth_year, exclude=exclude_pk
    )
    return _records("person", wanted, queryset, ("site",), limit)


# --- The "possible duplicates" page -----------------------------------------------------------------
#
# Comparing every pair of a site's records is a self-join: on the national test data (6,600
# organizations in one site) it takes about 7 s — far too slow for a page. So pairs are kept in
# DuplicateCandidate and the page reads them; the records changed since the last comparison
# (`updated_at` after the site's DuplicateScan) are compared in small batches, each record through the
# trigram index, by requests the page sends after it has loaded (it shows the progress).

PAIR_THRESHOLD = 0.6
# Records compared per request. Measured on the national test data (synthetic names repeat far more
# than real ones): 500 organizations ≈ 1.7 s; 500 people ≈ 10 s — hence the smaller batch.
SCAN_BATCH = {"organization": 250, "person": 50}

# The same rule between two records of a site (see "The same record rule" above).
_PAIRS_SQL = f"""
SELECT least(a.id, b.id), greatest(a.id, b.id), max(similarity(a.name_key, b.name_key))
FROM {{table}} a
JOIN {{table}} b ON b.site_id = a.site_id AND b.id <> a.id AND a.name_key %% b.name_key AND {_live("b")}
WHERE a.id = ANY(%s) AND {_live("a")} {{extra}}
GROUP BY 1, 2
"""
_EXTRA = {"organization": "", "person": f"AND {_born_close('a', 'b')}"}


def _model(kind):
    from stakeholders.models import Organization, Person

    return Organization if kind == "organization" else Person


def _changed_since_scan(queryset, scan):
    if scan is None or scan.checked_until is None:
        return queryset
    return queryset.filter(Q(updated_at__gt=scan.checked_until) | Q(updated_at=scan.checked_until, id__gt=scan.last_id))


def pending_count(kind, site) -> int:
    """How many of the site's records changed since they were last compared."""
    from stakeholders.models import DuplicateScan

    scan = DuplicateScan.objects.filter(kind=kind, site=site).first()
    return _changed_since_scan(_model(kind)._base_manager.filter(site=site), scan).count()


def refresh_candidates(kind, site, batch=None) -> int:
    """Compare the site's records changed since the last scan (at most `batch` of them) with the rest
    of the site; returns how many changed records are still waiting. Safe to run from many
    requests at once: the scan row is locked, pairs are replaced per record.

    A long transaction that saves many records (an import) should call `recheck_from` before it
    commits: a scan running meanwhile cannot see its rows and would move past them."""
    from stakeholders.models import DuplicateCandidate, DuplicateScan

    batch = batch or SCAN_BATCH[kind]
    with transaction.atomic():
        scan, _created = DuplicateScan.objects.get_or_create(kind=kind, site=site)
        scan = DuplicateScan.objects.select_for_update().get(pk=scan.pk)
        changed = _changed_since_scan(_model(kind)._base_manager.filter(site=site), scan)
        rows = list(changed.order_by("updated_at", "id").values_list("id", "updated_at")[: batch + 1])
        todo = rows[:batch]
        if not todo:
            return 0
        ids = [pk for pk, _updated in todo]
        DuplicateCandidate.objects.filter(kind=kind).filter(Q(first_id__in=ids) | Q(second_id__in=ids)).delete()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [PAIR_THRESHOLD])
            cursor.execute(_PAIRS_SQL.format(table=_TABLES[kind], extra=_EXTRA[kind]), [ids])
            pairs = cursor.fetchall()
        DuplicateCandidate.objects.bulk_create(
            [
                DuplicateCandidate(kind=kind, site=site, first_id=first, second_id=second, score=score)
                for first, second, score in pairs
            ],
            ignore_conflicts=True,
        )
        scan.last_id, scan.checked_until = todo[-1]
        scan.save(update_fields=["checked_until", "last_id"])
    if len(rows) <= batch:
        return 0
    # Count what remains only when there is more (the common case is a handful of changes).
    return _changed_since_scan(changed, scan).count()


def recheck_from(kind, sites, since):
    """Compare again every record of `sites` changed since `since` (see refresh_candidates)."""
    from stakeholders.models import DuplicateScan

    DuplicateScan.objects.filter(kind=kind, site__in=sites, checked_until__gte=since).update(
        checked_until=since, last_id=0
    )


def candidate_pairs(kind, site, queryset):
    """The site's possible duplicates, best first, as (record, record, score) with both records in
    `queryset` (the user's scope) and pairs judged different left out."""
    from stakeholders.models import DistinctPair, DuplicateCandidate

    judged = DistinctPair.objects.filter(kind=kind, first_id=OuterRef("first_id"), second_id=OuterRef("second_id"))
    visible = queryset.filter(site=site, is_active=True)
    return (
        DuplicateCandidate.objects.filter(kind=kind, site=site)
        .filter(first_id__in=visible.values("pk"), second_id__in=visible.values("pk"))
        .exclude(Exists(judged))
        .order_by("-score", "first_id", "second_id")
    )
