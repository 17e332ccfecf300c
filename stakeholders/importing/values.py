"""Reading the values of cells: text, numbers, yes/no, dates, and the names of reference values (sites,
settlements, types, thematic directions, target groups, choices) in any of their spellings."""

import contextlib
import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta

from django.utils import translation
from django.utils.translation import gettext as _

from mapping_portal import access
from mapping_portal.exports import looks_like_formula
from mapping_portal.models import PilotSite, Settlement, ThematicArea
from mapping_portal.text import match_key
from stakeholders.importing import limits
from stakeholders.models import MembershipRole, OrganizationType, Sex, TargetGroup

_EXCEL_EPOCH = date(1899, 12, 30)
SPLIT_LIST = re.compile(r"[;,\n]+")
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")

SEX_ALIASES = {
    Sex.FEMALE: ["f", "ж", "жен", "женский", "женщина", "аял", "кыз"],
    Sex.MALE: ["m", "м", "муж", "мужской", "мужчина", "эркек"],
}
TRUE_WORDS = {"true", "1", "yes", "y", "да", "д", "ооба", "бар", "истина", "x", "✓"}
FALSE_WORDS = {"false", "0", "no", "n", "нет", "н", "жок", "ложь"}


def clean_text(value) -> str:
    """A cell as text: numbers without a spurious ".0", dates as dd.mm.yyyy, NFC, trimmed, and the
    apostrophe our own exports put before formula-like text taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        value = value.strftime("%d.%m.%Y %H:%M") if value.time() != time() else value.strftime("%d.%m.%Y")
    elif isinstance(value, date):
        value = value.strftime("%d.%m.%Y")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if text.startswith("'") and looks_like_formula(text[1:]):
        text = text[1:]  # the apostrophe `mapping_portal.exports.neutralise` put before formula-like text
    return text


class Lookup:
    """Reference values by any of their spellings: code, names in three languages, official code."""

    AMBIGUOUS = object()

    def __init__(self, items):
        self.values = {}
        self.seen = {}
        for value, aliases in items:
            for alias in aliases:
                key = match_key(str(alias)) if alias not in (None, "") else ""
                if not key:
                    continue
                known = self.values.get(key)
                self.values[key] = value if known in (None, value) else self.AMBIGUOUS

    def get(self, text):
        # Files repeat the same few values (a site, a type) thousands of times: remember each spelling.
        if text not in self.seen:
            self.seen[text] = self.values.get(match_key(text))
        return self.seen[text]


def _choice_items(choices):
    items = []
    for value, label in choices:
        aliases = [value]
        for language in limits.LANGUAGES:
            with translation.override(language):
                aliases.append(str(label))
        items.append((value, aliases))
    return items


def _named_items(objects, *extra_fields):
    return [
        (obj, [*(getattr(obj, name) for name in extra_fields), obj.name_ky, obj.name_ru, obj.name_en])
        for obj in objects
    ]


class References:
    """The small reference tables, read once per step (a handful of queries, whatever the file size), and the
    sites the importer works in (`user`: the one the step acts as, see `step.importer_of`)."""

    def __init__(self, user):
        self.sites = list(PilotSite.objects.all())
        self.site_lookup = Lookup(_named_items(self.sites, "slug", "soate_code"))
        self.site_by_id = {site.pk: site for site in self.sites}
        settlements = list(Settlement.objects.all())
        self.settlement_by_id = {s.pk: s for s in settlements}
        self.settlement_lookups = {
            site.pk: Lookup(_named_items([s for s in settlements if s.site_id == site.pk], "soate_code"))
            for site in self.sites
        }
        self.settlement_anywhere = Lookup(_named_items(settlements, "soate_code"))
        types = list(OrganizationType.objects.all())
        self.type_by_id = {t.pk: t for t in types}
        self.type_lookup = Lookup(_named_items(types, "code"))
        areas = list(ThematicArea.objects.all())
        self.area_by_id = {a.pk: a for a in areas}
        self.area_lookup = Lookup(_named_items(areas, "code", "number"))
        groups = list(TargetGroup.objects.all())
        self.group_by_id = {g.pk: g for g in groups}
        self.group_lookup = Lookup(_named_items(groups, "code"))
        self.choice_lookups = {}
        self.role_lookup = Lookup(_choice_items(MembershipRole.choices))
        self.scope = access.site_scope_ids(user)

    def choices(self, column) -> Lookup:
        if column.name not in self.choice_lookups:
            items = _choice_items(column.choices)
            if column.choices == Sex.choices:
                items = [(value, aliases + SEX_ALIASES.get(value, [])) for value, aliases in items]
            self.choice_lookups[column.name] = Lookup(items)
        return self.choice_lookups[column.name]

    def in_scope(self, site) -> bool:
        return self.scope is None or site.pk in self.scope


class CellError(Exception):
    pass


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("Enter a whole number."))
    if isinstance(value, datetime | date):
        return value.year  # a year typed into a cell Excel formatted as a date
    text = _NUMBER_SPACES.sub("", clean_text(value)).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellError(_("Enter a whole number.")) from None
    if not number.is_integer():
        raise CellError(_("Enter a whole number."))
    return int(number)


def parse_float(value) -> float:
    if isinstance(value, bool):
        raise CellError(_("Enter a number."))
    if isinstance(value, int | float):
        value = str(value)
    text = _NUMBER_SPACES.sub("", clean_text(value)).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellError(_("Enter a number.")) from None
    if not math.isfinite(number):
        raise CellError(_("Enter a number."))
    return number


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = clean_text(value).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("Write yes or no (1/0, true/false, ооба/жок, да/нет)."))


_DATE_FORMATS = ["%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y", "%d-%m-%Y", "%Y.%m.%d"]


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel date serial (days since 30.12.1899)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(_("Enter a date as dd.mm.yyyy."))
    text = clean_text(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    for fmt in _DATE_FORMATS:
        with contextlib.suppress(ValueError):
            return datetime.strptime(text, fmt).date()
    with contextlib.suppress(ValueError):
        # ISO 8601 with a time, as KoboToolbox writes it (2026-03-12T10:15:00.000+06:00).
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    raise CellError(_("Enter a date as dd.mm.yyyy."))


def split_values(text: str, lookup: Lookup) -> tuple[list, list[str]]:
    """Values of a multi-valued cell: separated by ";" or "," (our exports) or by spaces (KoboToolbox
    select_multiple); a label with spaces is tried whole first. Returns (values, unknown pieces)."""
    found, unknown = [], []
    for piece in SPLIT_LIST.split(text):
        piece = piece.strip()
        if not piece:
            continue
        value = lookup.get(piece)
        if value is not None and value is not Lookup.AMBIGUOUS:
            found.append(value)
            continue
        tokens = piece.split()
        values = [lookup.get(token) for token in tokens]
        if len(tokens) > 1 and all(v is not None and v is not Lookup.AMBIGUOUS for v in values):
            found.extend(values)
        else:
            unknown.append(piece)
    return list(dict.fromkeys(found)), unknown
