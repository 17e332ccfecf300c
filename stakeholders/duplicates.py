"""Finding records that may be the same organization written another way: in Kyrgyz, Russian or Latin
letters, with or without its legal form ("ОФ", "коомдук фонду", "общественное объединение")."""

import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q

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
