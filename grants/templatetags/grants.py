"""Template filters of the small grants: amounts in som written the way the project writes them."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()
NBSP = "\u00a0"  # keeps "12 500 som" on one line


@register.filter
def som(amount):
    """12500 → "12 500 som" (in the active language); tyiyn shown only when there are any; "—" when unknown."""
    if amount in (None, ""):
        return "—"
    amount = Decimal(amount)
    text = f"{amount:,.2f}" if amount != amount.to_integral_value() else f"{amount:,.0f}"
    return text.replace(",", NBSP) + NBSP + _("som")


@register.filter
def subtract(value, other):
    """value − other, for amounts (what is left of a budget line)."""
    return Decimal(value or 0) - Decimal(other or 0)
