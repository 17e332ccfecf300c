"""The name-matching key: one key for the Kyrgyz, Russian and Latin spellings of one name, and different
keys for different names."""

import pytest

from mapping_portal.text import match_key

SAME = [
    ("Кыштут", "Kyshtut"),
    ("Жаны-Жер", "Dzhany-Dzher"),
    ("Жаңы Жер", "Zhany Zher"),
    ("Айзада", "Aizada"),  # й written i
    ("Айзада", "Ayzada"),  # й written y
    ("Айбек", "Аибек"),  # й or и in a Russian spelling
    ("Кайрат", "Kairat"),
    ("Юсуп", "Yusup"),
    ("Аялдар", "ayaldar"),
    ("Өмүрбек", "Omurbek"),
    ("Үмүт", "Umut"),
    ("Ысык-Көл", "Ysyk-Kol"),
    ("Чолпон", "Cholpon"),
]
DIFFERENT = [
    ("Кыштут", "Кербен"),
    ("Айзада", "Айгүл"),
    ("Бакыт", "Бакай"),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spellings_of_one_name_share_a_key(one, other):
    assert match_key(one) == match_key(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_names_keep_different_keys(one, other):
    assert match_key(one) != match_key(other)


def test_the_key_keeps_y_for_the_vowel_between_consonants():
    assert match_key("Кыштут") == "kyshtut"
    assert match_key("Айзада") == "aizada"
