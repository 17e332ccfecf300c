"""The search behind the record pickers (mapping_portal.widgets): a few records of the user's scope by name."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import TrigramWordSimilarity
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mapping_portal import access
from mapping_portal.forms import QueryForm, id_field
from mapping_portal.shortcuts import require
from mapping_portal.text import match_key
from stakeholders.filters import search_names
from stakeholders.models import Organization, Person

PICKER_LIMIT = 20


def _matches(request, queryset):
    """At most PICKER_LIMIT records whose name matches `q` in any script, word by word as the lists do
    (stakeholders.filters.search_names), closest to the whole phrase first.

    Input that cannot match (no `q`, one letter, a `site` that is not a number or not in the
    user's scope) gives an empty answer, never an error. `queryset` is already scoped to the user,
    so an out-of-scope site simply matches nothing.
    """
    sent = QueryForm(request.GET, fields={"q": forms.CharField(required=False, max_length=200), "site": id_field()})
    query = sent.get("q", "").strip()
    key = match_key(query)
    if len(query) < 2 or len(key) < 2:
        return None
    if "site" in sent.errors:
        return []
    if site := sent.get("site"):
        queryset = queryset.filter(site_id=site)
    found = (
        search_names(queryset, query)
        .annotate(similarity=TrigramWordSimilarity(key, "search_key"))
        .select_related("site")
        .order_by("-similarity", "sort_key", "pk")
    )
    return list(found[:PICKER_LIMIT])


def _answer(request, queryset):
    records = _matches(request, queryset)
    return render(
        request,
        "partials/record_picker_results.html",
        {"records": records or [], "searched": records is not None},
    )


@login_required
@require_GET
def pick_organizations(request):
    """htmx, while a name is typed in an organization picker."""
    return _answer(request, Organization.objects.for_user(request.user).filter(is_active=True))


@login_required
@require_GET
def pick_people(request):
    """htmx, while a name is typed in a person picker: people are personal data (admins and staff)."""
    require(access.can_view_personal_data(request.user))
    return _answer(request, Person.objects.for_user(request.user).filter(is_active=True))
