"""Diff: what a row changes in the record it updates, field by field, and how each value is shown in the preview."""

from datetime import date

from django.utils.translation import gettext as _


class Differ:
    def __init__(self, refs):
        self.refs = refs

    def diff(self, existing, values) -> dict:
        changes = {}
        for name, value in values.items():
            if name == "id":
                continue
            current = self.current_value(existing, name)
            new = self.comparable(name, value)
            if name == "memberships":
                if not set(map(tuple, new)) <= set(map(tuple, current)):
                    added = [pair for pair in new if tuple(pair) not in set(map(tuple, current))]
                    changes[name] = ["", "; ".join(f"{pk}:{role}" for pk, role in added)]
                continue
            if current != new:
                changes[name] = [self.display(name, current), self.display(name, new)]
        return changes

    def current_value(self, obj, name):
        if name in ("thematic_areas", "target_groups"):
            return sorted(item.pk for item in getattr(obj, name).all())
        if name == "memberships":
            return [[m.organization_id, m.role] for m in obj.memberships.all()]
        if name in ("type", "site", "settlement"):
            return getattr(obj, f"{name}_id")
        if name == "vulnerable_groups":
            return sorted(obj.vulnerable_groups)
        value = getattr(obj, name)
        return value

    def comparable(self, name, value):
        if name in ("thematic_areas", "target_groups"):
            return sorted(item.pk for item in value)
        if name in ("type", "site", "settlement"):
            return value.pk if value is not None else None
        if name == "vulnerable_groups":
            return sorted(value)
        if name == "website":
            return value
        return value

    def display(self, name, value) -> str:
        if value is None or value == "" or value == []:
            return ""
        if name == "site":
            return self.refs.site_by_id[value].name if value in self.refs.site_by_id else str(value)
        if name == "settlement":
            return self.refs.settlement_by_id[value].name if value in self.refs.settlement_by_id else str(value)
        if name == "type":
            return self.refs.type_by_id[value].name if value in self.refs.type_by_id else str(value)
        if name == "thematic_areas":
            return "; ".join(self.refs.area_by_id[pk].code for pk in value if pk in self.refs.area_by_id)
        if name == "target_groups":
            return "; ".join(self.refs.group_by_id[pk].code for pk in value if pk in self.refs.group_by_id)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, list):
            return "; ".join(map(str, value))
        return str(value)
