"""Template tags: ask the access policy (`{% may %}`) and show coordinates and sites the same way everywhere."""

from django import template

from mapping_portal import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, rule, obj=None):
    """`{% may "set_site_location" site as allowed %}` — the same predicate the view checks."""
    predicate = access.PREDICATES[rule]
    user = context["request"].user
    return predicate(user, obj) if obj is not None else predicate(user)


@register.filter
def coordinate(value):
    """A latitude or longitude with five decimals (about one metre), '—' when unknown."""
    if value is None:
        return "—"
    return f"{value:.5f}"
