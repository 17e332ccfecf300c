"""Parse: a row's cells read into field values, each cell checked on its own (its type, its list of values, the
importer's sites); settlements resolved once the row's site is known."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from mapping_portal.models import PilotSite, ThematicArea, validate_portal_date
from stakeholders.importing.readers import Formula
from stakeholders.importing.step import ParsedRow, Step
from stakeholders.importing.values import (
    SPLIT_LIST,
    CellError,
    Lookup,
    clean_text,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    split_values,
)
from stakeholders.models import MembershipRole, OrganizationType


def not_allowed(raw, allowed) -> str:
    return _("“%(value)s” is not one of the allowed values (%(allowed)s); see the template's list of values.") % {
        "value": clean_text(raw)[:80],
        "allowed": ", ".join(str(a) for a in allowed[:12]) + (", …" if len(allowed) > 12 else ""),
    }


class RowParser:
    def __init__(self, step: Step):
        self.step = step
        self.refs = step.refs

    def parse(self, number, cells) -> ParsedRow:
        row = ParsedRow(number)
        for index, column in self.step.columns.items():
            raw = cells[index] if index < len(cells) else None
            if isinstance(raw, Formula):
                self.step.cell_error(
                    row,
                    index,
                    column,
                    _("A formula (%(formula)s): type the value itself; the import does not calculate formulas.")
                    % {"formula": raw[:40]},
                )
                continue
            if raw is None or (isinstance(raw, str) and not clean_text(raw)):
                continue
            try:
                row.values[column.name] = self.parse_value(row, column, raw)
            except CellError as error:
                self.step.cell_error(row, index, column, error.args[0])
        self.resolve_settlement(row)
        return row

    def parse_value(self, row, column, raw):
        kind = column.kind
        if kind == "text":
            text = clean_text(raw)
            if column.max_length and len(text) > column.max_length:
                raise CellError(
                    _("At most %(limit)s characters (this has %(count)s).")
                    % {"limit": column.max_length, "count": len(text)}
                )
            return text
        if kind in ("int", "id"):
            number = parse_int(raw)
            if number < 0:
                raise CellError(_("Enter a number that is not negative."))
            return number
        if kind == "float":
            return parse_float(raw)
        if kind == "bool":
            return parse_bool(raw)
        if kind == "date":
            day = parse_date(raw)
            try:
                validate_portal_date(day)  # the same range as every date typed into the portal
            except ValidationError as error:
                raise CellError(error.messages[0]) from None
            return day
        if kind == "email":
            text = clean_text(raw)
            try:
                EmailValidator()(text)
            except ValidationError:
                raise CellError(_("Enter a valid email address.")) from None
            return text
        if kind == "url":
            text = clean_text(raw)
            if "://" not in text:
                text = "https://" + text
            try:
                URLValidator()(text)
            except ValidationError:
                raise CellError(_("Enter a valid web address.")) from None
            return text
        if kind == "choice":
            value = self.refs.choices(column).get(clean_text(raw))
            if value is None or value is Lookup.AMBIGUOUS:
                raise CellError(not_allowed(raw, [code for code, _label in column.choices]))
            return value
        if kind == "multichoice":
            values, unknown = split_values(clean_text(raw), self.refs.choices(column))
            if unknown:
                raise CellError(not_allowed("; ".join(unknown), [code for code, _label in column.choices]))
            return values
        if kind == "reference":
            return self.parse_reference(row, column, clean_text(raw))
        if kind == "references":
            lookup = self.refs.area_lookup if column.model is ThematicArea else self.refs.group_lookup
            values, unknown = split_values(clean_text(raw), lookup)
            if unknown:
                codes = [obj.code for obj in lookup.values.values() if obj is not Lookup.AMBIGUOUS]
                raise CellError(not_allowed("; ".join(unknown), sorted(set(codes))))
            return values
        if kind == "memberships":
            return self.parse_memberships(clean_text(raw))
        raise AssertionError(kind)

    def parse_reference(self, row, column, text):
        if column.model is PilotSite:
            site = self.refs.site_lookup.get(text)
            if site is None or site is Lookup.AMBIGUOUS:
                raise CellError(not_allowed(text, [s.slug for s in self.refs.sites]))
            if not self.refs.in_scope(site):
                raise CellError(_("You do not work in the pilot site “%(site)s”.") % {"site": site.name})
            return site
        if column.model is OrganizationType:
            kind = self.refs.type_lookup.get(text)
            if kind is None or kind is Lookup.AMBIGUOUS:
                raise CellError(not_allowed(text, [t.code for t in self.refs.type_by_id.values()]))
            return kind
        # Settlements are resolved once the site is known (names repeat between sites).
        return ("settlement", text)

    def parse_memberships(self, text):
        pairs, bad = [], []
        role_lookup = self.refs.role_lookup
        for piece in SPLIT_LIST.split(text):
            piece = piece.strip()
            if not piece:
                continue
            organization, _sep, role_text = piece.partition(":")
            role = role_lookup.get(role_text.strip()) if role_text.strip() else MembershipRole.MEMBER
            try:
                organization_id = parse_int(organization.strip())
            except CellError:
                organization_id = None
            if organization_id is None or role is None or role is Lookup.AMBIGUOUS:
                bad.append(piece)
            else:
                pairs.append([organization_id, str(role)])
        if bad:
            raise CellError(
                _("Write memberships as organization id:role, separated by “;” (e.g. 12:leader; 40:member): %(bad)s")
                % {"bad": "; ".join(bad)[:80]}
            )
        return pairs

    def resolve_settlement(self, row):
        site = row.values.get("site")
        pending = row.values.get("settlement")
        row.site = site
        if not isinstance(pending, tuple):
            return
        text = pending[1]
        index = self.step.index_of("settlement")
        column = self.step.columns[index]
        if site is None:
            found = self.refs.settlement_anywhere.get(text)
            if found is None or found is Lookup.AMBIGUOUS:
                row.values.pop("settlement")
                if "site" in self.step.batch.columns.values():
                    return  # the site's own error says enough
                self.step.cell_error(row, index, column, not_allowed(text, []))
                return
            row.values["settlement"] = found
            return
        found = self.refs.settlement_lookups[site.pk].get(text)
        if found is None or found is Lookup.AMBIGUOUS:
            elsewhere = self.refs.settlement_anywhere.get(text)
            row.values.pop("settlement")
            if elsewhere is not None and elsewhere is not Lookup.AMBIGUOUS:
                self.step.cell_error(row, index, column, _("This settlement is not in the chosen pilot site."))
            else:
                names = [s.soate_code or s.name for s in self.refs.settlement_by_id.values() if s.site_id == site.pk]
                self.step.cell_error(row, index, column, not_allowed(text, names))
            return
        row.values["settlement"] = found
