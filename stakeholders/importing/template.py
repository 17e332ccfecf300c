"""The template to fill in: an XLSX with the data sheet's header in one language, a sheet describing each column,
the allowed values in three languages, and drop-down lists."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mapping_portal.exports import neutralise
from mapping_portal.models import PilotSite, Settlement, ThematicArea
from stakeholders.importing import limits
from stakeholders.importing.columns import COLUMNS
from stakeholders.models import ImportBatch, MembershipRole, OrganizationType, TargetGroup

FORMATS = {
    "id": gettext_lazy("Id of the record in the portal (as in the export). Leave blank for new records."),
    "text": gettext_lazy("Text."),
    "int": gettext_lazy("Whole number."),
    "float": gettext_lazy("Number; a decimal point or comma."),
    "bool": gettext_lazy("Yes or no: 1/0, true/false, ооба/жок, да/нет."),
    "date": gettext_lazy("Date as dd.mm.yyyy (or a date cell)."),
    "email": gettext_lazy("Email address."),
    "url": gettext_lazy("Web address."),
    "choice": gettext_lazy("One of the values listed in “values”: its code or its name in any language."),
    "multichoice": gettext_lazy("Several of the values listed in “values”, separated by “;”."),
    "reference": gettext_lazy("One of the values listed in “values”: its code or its name in any language."),
    "references": gettext_lazy("Several of the values listed in “values”, separated by “;”."),
    "memberships": gettext_lazy("Organization id and role, separated by “;”: 12:leader; 40:member."),
}
FORMAT_NOTES = {
    "site": gettext_lazy("Pilot site: its code (slug), official code or name."),
    "settlement": gettext_lazy("Settlement of the pilot site: its official (SOATE) code or name."),
    "name_ky": gettext_lazy("Give the name in Kyrgyz, in Russian, or both."),
    "name_ru": gettext_lazy("Give the name in Kyrgyz, in Russian, or both."),
    "consent_date": gettext_lazy("Required for new people: when the person gave consent to their data being kept."),
}


def _value_lists(kind) -> list[tuple[str, str, list[tuple]]]:
    """(column, list title, [(code, ky, ru, en, note)]) for every column with a closed list of values."""
    lists = []

    def names(obj):
        return obj.name_ky, obj.name_ru, obj.name_en

    sites = list(PilotSite.objects.all())
    lists.append(("site", _("pilot site"), [(s.slug, *names(s), s.soate_code) for s in sites]))
    site_names = {s.pk: s.slug for s in sites}
    lists.append(
        (
            "settlement",
            _("settlement"),
            [(s.soate_code, *names(s), site_names.get(s.site_id, "")) for s in Settlement.objects.all()],
        )
    )
    for column in COLUMNS[kind]:
        if column.kind in ("choice", "multichoice"):
            rows = []
            for value, label in column.choices:
                translated = []
                for language in limits.LANGUAGES:
                    with translation.override(language):
                        translated.append(str(label))
                rows.append((value, *translated, ""))
            lists.append((column.name, str(column.label), rows))
    if kind == ImportBatch.Kind.ORGANIZATIONS:
        lists.append(
            ("type", _("type"), [(t.code, *names(t), "") for t in OrganizationType.objects.filter(is_active=True)])
        )
        lists.append(
            ("thematic_areas", _("thematic directions"), [(a.code, *names(a), "") for a in ThematicArea.objects.all()])
        )
        lists.append(
            ("target_groups", _("target groups"), [(g.code, *names(g), "") for g in TargetGroup.objects.all()])
        )
    else:
        lists.append(
            ("memberships", _("role"), [(value, *_translations(label), "") for value, label in MembershipRole.choices])
        )
    return lists


def _translations(label):
    result = []
    for language in limits.LANGUAGES:
        with translation.override(language):
            result.append(str(label))
    return result


def build_template(kind, language, stream):
    """An XLSX to fill in: the data sheet with its header in `language`, a sheet describing each
    column (names in three languages, required or not, format), the allowed values in three languages,
    and drop-down lists on the columns that take one value of a list."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    workbook = Workbook()
    data = workbook.active
    columns = [column for column in COLUMNS[kind] if column.name != "id"]
    with translation.override(language):
        data.title = str(_("data"))
        column_sheet = workbook.create_sheet(str(_("columns")))
        value_sheet = workbook.create_sheet(str(_("values")))
        lists_sheet = workbook.create_sheet("lists")
        lists_sheet.sheet_state = "hidden"
        for index, column in enumerate(columns, 1):
            cell = data.cell(row=1, column=index, value=str(column.label))
            cell.font = bold
            data.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(str(column.label)) + 4))
        data.freeze_panes = "A2"

        column_sheet.append([str(_("code")), "ky", "ru", "en", str(_("required")), str(_("format"))])
        for column in columns:
            verbose = column.verbose_names()
            required = column.required or column.name in ("name_ky", "name_ru")
            note = FORMAT_NOTES.get(column.name) or FORMATS[column.kind]
            column_sheet.append(
                [column.name, verbose["ky"], verbose["ru"], verbose["en"], str(_("yes")) if required else "", str(note)]
            )
        for cell in column_sheet[1]:
            cell.font = bold

        value_sheet.append([str(_("column")), str(_("code")), "ky", "ru", "en", str(_("note"))])
        for cell in value_sheet[1]:
            cell.font = bold
        position = {column.name: index for index, column in enumerate(columns, 1)}
        list_column = 0
        language_index = {"ky": 1, "ru": 2, "en": 3}[language]
        for name, title, rows in _value_lists(kind):
            for row in rows:
                # Names come from the registry's lists: through `neutralise`, as every export (openpyxl would
                # store a name starting with "=" as a formula).
                value_sheet.append([name, *map(neutralise, row)])
            column_kind = next((c.kind for c in columns if c.name == name), "")
            if name in position and column_kind in ("choice", "reference") and rows:
                # A drop-down of the names in the chosen language (the import reads names and codes alike).
                list_column += 1
                letter = get_column_letter(list_column)
                lists_sheet.cell(row=1, column=list_column, value=str(title))
                for offset, row in enumerate(rows, 2):
                    lists_sheet.cell(row=offset, column=list_column, value=neutralise(row[language_index] or row[0]))
                validation = DataValidation(
                    type="list", formula1=f"lists!${letter}$2:${letter}${len(rows) + 1}", allow_blank=True
                )
                validation.showErrorMessage = False  # codes and other languages are accepted too
                data.add_data_validation(validation)
                target = get_column_letter(position[name])
                validation.add(f"{target}2:{target}{limits.MAX_ROWS + 1}")
        for sheet in (column_sheet, value_sheet):
            for letter, width in zip("ABCDEF", (22, 34, 34, 34, 12, 50), strict=True):
                sheet.column_dimensions[letter].width = width
    workbook.save(stream)
