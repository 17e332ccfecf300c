"""How the donor report writes its values, the same in the PDF and the XLSX: numbers with a space between
thousands and a decimal comma, som, percentages, dates, and the marks of suppressed cells as they are."""

from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mapping_portal.suppression import Hidden
from mapping_portal.text import NBSP, format_amount, format_som


def plain_number(value) -> str:
    """A count or a measure as the project writes it ("1 234", "2,5"); a suppressed cell as its mark."""
    if value is None:
        return "—"
    if isinstance(value, Hidden | str):
        return str(value)
    value = Decimal(value)
    if value == value.to_integral_value():
        return format_amount(value)
    return f"{value:,.1f}".replace(",", NBSP).replace(".", ",")


def som(amount) -> str:
    return format_som(amount or 0, _("som"))


def figure_value(value, unit) -> str:
    """A figure's baseline, target or actual value in its unit."""
    if value is None:
        return "—"
    if isinstance(value, Hidden | str):
        return str(value)
    if unit == "som":
        return som(value)
    if unit == "percent":
        return f"{plain_number(value)}{NBSP}%"
    return plain_number(value)


def unit_label(indicator) -> str:
    return str(indicator.get_unit_display())


def day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def event_kind_heading() -> str:
    return capfirst(_("kind"))
