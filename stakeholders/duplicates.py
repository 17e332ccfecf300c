"""Finding records that may be the same organization or person written another way: in Kyrgyz, Russian or
Latin letters, with or without its legal form ("ОФ", "коомдук фонду", "общественное объединение")."""

import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from mapping_portal.text import match_key

# Legal-form words say what kind of body it is, not which one: dropped before comparing.
LEGAL_FORMS = re.compile(
    r"\b(коомдук\s+(фонду?|бирикмеси|уюму?)|общественн(ый|ое|ая)\s+(фонд|объединение|организация)|"
    r"\bОФ\b|\bОО\b|\bКФ\b|\bКБ\b|\bНКО\b|public\s+(foundation|association)|\bNGO\b)",
    re.IGNORECASE,
)
THRESHOLD = 0.5


def name_key(name: str) -> str:
    return match_key(LEGAL_FORMS.sub(" ", name or ""))


def organization_name_key(*names: str) -> str:
    """The stored key of an organization's names (each distinct one once), legal forms dropped."""
    return " ".join(dict.fromkeys(key for key in map(name_key, names) if key))


def similar_organizations(queryset, names, site=None, exclude_pk=None, limit=5):
    """Organizations whose names look like any of `names` (best first), within `site` if given."""
    keys = [key for key in {name_key(name) for name in names if name} if len(key) >= 3]
    if not keys:
        return []
    if site is not None:
        queryset = queryset.filter(site=site)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    condition = Q()
    for key in keys:
        condition |= Q(search_key__contains=key) | Q(search_key__trigram_word_similar=key)
    best = TrigramWordSimilarity(keys[0], "search_key")
    return list(
        queryset.filter(condition)
        .annotate(similarity=best)
        .select_related("type", "site")
        .order_by("-similarity", "id")[:limit]
    )


def similar_people(queryset, full_name, site=None, birth_year=None, exclude_pk=None, limit=5):
    """People whose names look like `full_name` in any script (best first), within `site` if given; a
    recorded year of birth more than a year apart rules a match out."""
    key = match_key(full_name)
    if len(key) < 3:
        return []
    if site is not None:
        queryset = queryset.filter(site=site)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if birth_year:
        queryset = queryset.filter(
            Q(birth_year__isnull=True) | Q(birth_year__gte=birth_year - 1, birth_year__lte=birth_year + 1)
        )
    return list(
        queryset.filter(Q(name_key__contains=key) | Q(name_key__trigram_word_similar=key))
        .annotate(similarity=TrigramWordSimilarity(key, "name_key"))
        .select_related("site")
        .order_by("-similarity", "id")[:limit]
    )


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

# Keyed by RecordKind's values (the models import this module, so it cannot import them at the top).
_TABLES = {"organization": "stakeholders_organization", "person": "stakeholders_person"}
# People: a recorded year of birth more than a year apart says they are different people.
_EXTRA = {
    "organization": "",
    "person": "AND (a.birth_year IS NULL OR b.birth_year IS NULL OR abs(a.birth_year - b.birth_year) <= 1)",
}
_PAIRS_SQL = """
SELECT least(a.id, b.id), greatest(a.id, b.id), max(similarity(a.name_key, b.name_key))
FROM {table} a
JOIN {table} b ON b.site_id = a.site_id AND b.id <> a.id AND a.name_key %% b.name_key
    AND b.is_active AND b.merged_into_id IS NULL
WHERE a.id = ANY(%s) AND a.is_active AND a.merged_into_id IS NULL {extra}
GROUP BY 1, 2
"""


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
