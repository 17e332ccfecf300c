"""Project-wide checks: no model change without a migration, complete ky/ru catalogues, the design-card layout."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"Model changes without a migration (exit {exit_.code}):\n{out.getvalue()}")


def po_entries(path):
    """(msgid, [msgstr…], flags, msgctxt) for every entry of a .po file but the header."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,"):
            current = current or {"flags": set(), "msgid": "", "msgstr": {}}
            current["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("msgctxt "):
            current = current or {"flags": set(), "msgid": "", "msgstr": {}}
            current["msgctxt"] = _unquote(line.split(" ", 1)[1])
            field = "msgctxt"
        elif line.startswith("msgid ") or line.startswith("msgid_plural "):
            current = current or {"flags": set(), "msgid": "", "msgstr": {}}
            field = "msgid" if line.startswith("msgid ") else "msgid_plural"
            current[field] = _unquote(line.split(" ", 1)[1])
        elif line.startswith("msgstr"):
            field = ("msgstr", line.split(" ", 1)[0])
            current["msgstr"][field[1]] = _unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and current is not None:
            if isinstance(field, tuple):
                current["msgstr"][field[1]] += _unquote(line)
            else:
                current[field] += _unquote(line)
        elif not line.strip() and current is not None:
            if current["msgid"]:
                entries.append(current)
            current, field = None, None
    return entries


def _unquote(text):
    return text.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n")


CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_are_catalogues_for_kyrgyz_russian_and_english():
    assert {path.parts[-3] for path in CATALOGUES} == {"ky", "ru", "en"}


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_every_string_is_translated_and_none_is_fuzzy(language):
    entries = po_entries(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_no_translation_just_repeats_the_english(language):
    entries = po_entries(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    copied = [
        e["msgid"]
        for e in entries
        # Words, not placeholders: "%(sex)s, %(band)s" is the same in every language.
        if re.search(r"[A-Za-z]{3,}", re.sub(r"%\(\w+\)[sd]", "", e["msgid"])) and e["msgid"] in e["msgstr"].values()
    ]
    assert copied == []


def compiled_text(catalogue, entry):
    if "msgctxt" in entry:  # a word translated in context ("approved" of a plan, not of an application)
        return catalogue.pgettext(entry["msgctxt"], entry["msgid"])
    return catalogue.gettext(entry["msgid"])


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_compiled_catalogue_matches_its_source(language):
    import gettext

    folder = ROOT / "locale" / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        e["msgid"]
        for e in po_entries(folder / "django.po")
        if "msgid_plural" not in e and compiled_text(catalogue, e) != (e["msgstr"].get("msgstr") or e["msgid"])
    ]
    assert stale == [], "run `make messages` and commit the .mo files"


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "mapping_portal",
        "stakeholders",
        "dialogues",
        "grants",
        "templates",
        "static",
        "requirements.txt",
        "tests",
        "README.md",
        "Makefile",
        ".ci/run",
        "static/vendor/README.md",
        "mapping_portal/data/SOURCES.md",
    ],
)
def test_design_card_layout(path):
    assert (ROOT / path).exists()
