"""The one small-cell rule (mapping_portal.suppression): at 4 and 5, the complementary cell, shares, notes."""

import pickle
from decimal import Decimal

import pytest

from mapping_portal import suppression
from mapping_portal.suppression import COMPLEMENT, FEW, SMALL


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, SMALL), (4, SMALL), (5, 5), (60, 60)])
def test_a_count_under_5_is_hidden_and_5_is_shown(value, shown):
    assert suppression.count(value, suppressing=True) == shown
    assert suppression.count(value, suppressing=False) == value


def test_a_hidden_count_says_why():
    assert suppression.count(4, True).reason == "small"
    assert str(suppression.count(4, True)) == "<5"


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ([5, 5], [5, 5]),
        ([4, 5], [SMALL, COMPLEMENT]),  # 9 − 5 would give the 4 away: the 5 is withheld, marked ≥5
        ([4, 10, 20], [SMALL, COMPLEMENT, 20]),
        ([4, 3, 20], [SMALL, SMALL, 20]),  # two hidden: neither can be worked out alone
        ([4, 0, 0], [SMALL, 0, 0]),  # the total (4) is hidden too, so nothing to work it out from
        ([0, 0], [0, 0]),
    ],
)
def test_a_breakdown_hides_small_cells_and_the_one_that_would_give_them_away(values, shown):
    result = suppression.breakdown(values)
    assert result == shown
    assert [getattr(cell, "reason", None) for cell in result] == [getattr(cell, "reason", None) for cell in shown]


def test_the_complementary_cell_is_never_labelled_under_5():
    # the bug this module fixed: a withheld 10 was shown as "<5", which is false
    cells = suppression.breakdown([3, 10])
    assert cells[1] != "<5"
    assert cells[1] == "≥5"


def test_nothing_is_hidden_for_those_who_may_see_small_counts():
    assert suppression.breakdown([1, 2, 30], suppressing=False) == [1, 2, 30]


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (20, 40, Decimal("50.0")),
        (3, 40, FEW),  # 7.5 % of 40 is 3 women
        (37, 40, FEW),  # and 92.5 % leaves 3 men out
        (5, 10, Decimal("50.0")),
        (0, 12, Decimal("0.0")),
        (0, 0, None),
        (1, 3, FEW),
    ],
)
def test_a_share_is_hidden_when_it_or_its_rest_counts_1_to_4_people(part, whole, shown):
    assert suppression.share(part, whole) == shown


def test_a_share_is_exact_for_those_who_may_see_small_counts():
    assert suppression.share(1, 3, suppressing=False) == Decimal("33.3")


def test_notes_name_each_reason_once_in_a_fixed_order():
    cells = [[SMALL, 7, COMPLEMENT], (FEW, SMALL)]
    assert suppression.notes(cells) == [
        suppression.NOTES["small"],
        suppression.NOTES["complement"],
        suppression.NOTES["few"],
    ]
    assert suppression.notes([5, 6]) == []


def test_hidden_cells_keep_their_reason_through_pickling():
    assert pickle.loads(pickle.dumps(COMPLEMENT)).reason == "complement"
