"""Money in the small grants: som (KGS), as Decimal, with two decimals."""

from decimal import Decimal

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}
