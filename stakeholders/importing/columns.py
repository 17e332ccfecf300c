"""The columns an import knows (the export's field codes), and which column of a file is which: by field code,
by the field's name in Kyrgyz, Russian or English, or by a spelling seen in field files."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mapping_portal.models import PilotSite, Settlement, ThematicArea
from stakeholders.importing import limits
from stakeholders.importing.files import column_letter
from stakeholders.importing.values import clean_text
from stakeholders.models import (
    WASHINGTON_GROUP_QUESTIONS,
    Difficulty,
    ImportBatch,
    Organization,
    OrganizationType,
    Person,
    Sex,
    Stance,
    TargetGroup,
    VulnerableGroup,
)

_HEADER_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def header_key(text) -> str:
    """Headers compare without case, spaces, underscores or punctuation, in any script."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFC", str(text or "")).casefold())


@dataclass
class Column:
    """One importable column: its field code (as in the export), how its values are read, its label."""

    name: str
    kind: str  # text, int, float, bool, choice, multichoice, reference, references, date, email, url, id, memberships
    label: object = None
    required: bool = False
    choices: list = field(default_factory=list)  # (value, label) for choice and multichoice
    model: type | None = None  # for reference(s)
    max_length: int | None = None

    def verbose_names(self) -> dict:
        names = {}
        for language in limits.LANGUAGES:
            with translation.override(language):
                names[language] = str(self.label)
        return names


def _model_field(model, name):
    return model._meta.get_field(name)


def _columns_for(model, specs) -> list[Column]:
    columns = []
    for name, kind, *rest in specs:
        extra = rest[0] if rest else {}
        if name == "id":
            label = gettext_lazy("id (in the portal)")
            max_length = None
        elif name == "memberships":
            label = gettext_lazy("memberships")
            max_length = None
        else:
            model_field = _model_field(model, name)
            label = model_field.verbose_name
            max_length = getattr(model_field, "max_length", None) if kind in ("text", "email", "url") else None
        columns.append(Column(name, kind, label=label, max_length=max_length, **extra))
    return columns


def _wg(name):
    return (name, "choice", {"choices": Difficulty.choices})


ORGANIZATION_COLUMNS = _columns_for(
    Organization,
    [
        ("id", "id"),
        ("name_ky", "text"),
        ("name_ru", "text"),
        ("acronym", "text"),
        ("type", "reference", {"required": True, "model": OrganizationType}),
        ("site", "reference", {"required": True, "model": PilotSite}),
        ("settlement", "reference", {"model": Settlement}),
        ("address", "text"),
        ("lat", "float"),
        ("lon", "float"),
        ("registration_status", "choice", {"choices": Organization.RegistrationStatus.choices}),
        ("registration_number", "text"),
        ("year_founded", "int"),
        ("thematic_areas", "references", {"model": ThematicArea}),
        ("target_groups", "references", {"model": TargetGroup}),
        ("women_led", "bool"),
        ("youth_led", "bool"),
        ("staff_women", "int"),
        ("staff_men", "int"),
        ("volunteers_women", "int"),
        ("volunteers_men", "int"),
        ("board_women", "int"),
        ("board_men", "int"),
        ("board_youth", "int"),
        ("funding_sources", "text"),
        ("phone", "text"),
        ("email", "email"),
        ("website", "url"),
        ("description", "text"),
        ("public_listing_consent", "bool"),
        ("consent_covers_sensitive", "bool"),
        ("consent_given_by", "text"),
        ("influence", "int"),
        ("interest", "int"),
        ("stance", "choice", {"choices": Stance.choices}),
        ("needs_validation", "bool"),
        ("is_active", "bool"),
    ],
)

PERSON_COLUMNS = _columns_for(
    Person,
    [
        ("id", "id"),
        ("full_name", "text", {"required": True}),
        ("full_name_latin", "text"),
        ("sex", "choice", {"required": True, "choices": Sex.choices}),
        ("birth_year", "int"),
        ("phone", "text"),
        ("email", "email"),
        ("site", "reference", {"required": True, "model": PilotSite}),
        ("settlement", "reference", {"model": Settlement}),
        ("is_active_citizen", "bool"),
        *[_wg(name) for name, _label in WASHINGTON_GROUP_QUESTIONS],
        ("vulnerable_groups", "multichoice", {"choices": VulnerableGroup.choices}),
        ("consent_date", "date"),
        ("consent_purpose", "text"),
        ("memberships", "memberships"),
        ("is_active", "bool"),
    ],
)

COLUMNS = {ImportBatch.Kind.ORGANIZATIONS: ORGANIZATION_COLUMNS, ImportBatch.Kind.PEOPLE: PERSON_COLUMNS}
MODELS = {ImportBatch.Kind.ORGANIZATIONS: Organization, ImportBatch.Kind.PEOPLE: Person}
RECORD_KINDS = {ImportBatch.Kind.ORGANIZATIONS: "organization", ImportBatch.Kind.PEOPLE: "person"}
# Columns of our own exports that the portal sets itself: recognised, and left alone.
SET_BY_THE_PORTAL = {"updatedat", "createdat", "version"}
# Extra header spellings seen in field files.
HEADER_ALIASES = {
    ImportBatch.Kind.ORGANIZATIONS: {"type": ["organizationtype"], "site": ["pilotsite"]},
    ImportBatch.Kind.PEOPLE: {"full_name": ["name", "fullname", "fio", "фио"], "site": ["pilotsite"]},
}
# More ways field files write sex.


def header_aliases(kind) -> dict[str, str]:
    """Normalised header → field code: the code itself and its verbose name in ky/ru/en."""
    aliases: dict[str, str | None] = {}

    def add(alias, name):
        key = header_key(alias)
        if not key:
            return
        if key in aliases and aliases[key] != name:
            aliases[key] = None  # two fields share this label: it decides nothing
        else:
            aliases[key] = name

    for column in COLUMNS[kind]:
        add(column.name, column.name)
        for label in column.verbose_names().values():
            add(label, column.name)
        for alias in HEADER_ALIASES[kind].get(column.name, []):
            add(alias, column.name)
    # Field codes win over any label that happens to normalise the same way.
    for column in COLUMNS[kind]:
        aliases[header_key(column.name)] = column.name
    return {key: name for key, name in aliases.items() if name}


def match_header(kind, header: list) -> tuple[dict[int, str], list[dict]]:
    """Which column of the file is which field; and the columns that are ignored, with the reason."""
    aliases = header_aliases(kind)
    columns: dict[int, str] = {}
    ignored = []
    taken: dict[str, int] = {}
    for index, raw in enumerate(header):
        text = clean_text(raw)
        if not text:
            continue
        # KoboToolbox writes questions of a group as "group_xyz/question", and its own columns start
        # with "_" (_id, _uuid, _submission_time): those are Kobo's, never ours (its _id is not our id).
        last = text.rsplit("/", 1)[-1].strip()
        name = None if last.startswith("_") else aliases.get(header_key(text)) or aliases.get(header_key(last))
        letter = column_letter(index)
        if name is None:
            reason = (
                _("set by the portal") if header_key(last) in SET_BY_THE_PORTAL else _("not a column the portal knows")
            )
            ignored.append({"column": f"{letter} “{text}”", "reason": reason})
        elif name in taken:
            ignored.append(
                {
                    "column": f"{letter} “{text}”",
                    "reason": _("same field as column %(column)s") % {"column": column_letter(taken[name])},
                }
            )
        else:
            columns[index] = name
            taken[name] = index
    return columns, ignored


def missing_columns(kind, columns: dict[int, str]) -> list[str]:
    present = set(columns.values())
    missing = []
    if kind == ImportBatch.Kind.ORGANIZATIONS and not {"name_ky", "name_ru"} & present:
        missing.append("name_ky / name_ru")
    for column in COLUMNS[kind]:
        if column.required and column.name not in present:
            missing.append(column.name)
    return missing
