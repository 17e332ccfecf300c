"""Template tags: ask the access policy (`{% may %}`) and show coordinates, sites and amounts the same way
everywhere."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from mapping_portal import access, suppression
from mapping_portal.text import format_som

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, rule, obj=None):
    """`{% may "set_site_location" site as allowed %}` — the same predicate the view checks."""
    predicate = access.PREDICATES[rule]
    user = context["request"].user
    return predicate(user, obj) if obj is not None else predicate(user)


@register.simple_tag(takes_context=True)
def people(context, value):
    """`{% people event.participant_count %}` — a count of people, "<5" for 1–4 to those who may not see small
    counts (mapping_portal.suppression)."""
    return suppression.count(value or 0, not access.can_view_small_counts(context["request"].user))


@register.simple_tag
def active_filters(form) -> int:
    """How many filters of a list's filter form are set (the folded panel's button says it on a phone)."""
    if not form.is_bound:
        return 0
    data = form.data
    values = {name: data.getlist(name) if hasattr(data, "getlist") else [data.get(name)] for name in form.fields}
    return sum(1 for found in values.values() if any(str(value).strip() for value in found if value is not None))


@register.filter
def coordinate(value):
    """A latitude or longitude with five decimals (about one metre), '—' when unknown."""
    if value is None:
        return "—"
    return f"{value:.5f}"


@register.filter
def som(amount):
    """12500 → "12 500 som" in the page's language (mapping_portal.text.format_som); "—" when unknown."""
    if amount in (None, ""):
        return "—"
    return format_som(amount, _("som"))


@register.filter
def share(part, whole):
    """part / whole as a whole percentage (0 when there is no whole)."""
    whole = Decimal(whole or 0)
    return int(round(Decimal(part or 0) * 100 / whole)) if whole else 0
