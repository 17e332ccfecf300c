"""Template filters of the plans: amounts in som, written the way the project writes them."""

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
def share(part, whole):
    """part / whole as a whole percentage (0 when there is no whole)."""
    whole = Decimal(whole or 0)
    return int(round(Decimal(part or 0) * 100 / whole)) if whole else 0
