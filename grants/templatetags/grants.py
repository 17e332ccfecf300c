"""Template filters of the small grants (amounts in som come from the portal's library: `{% load portal %}`)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def subtract(value, other):
    """value − other, for amounts (what is left of a budget line)."""
    return Decimal(value or 0) - Decimal(other or 0)
