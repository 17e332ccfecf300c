"""Merging two records found to be the same organization or person — the one module that does it.

The record kept takes over every link of the merged one: whatever points at it, in any
app, now or later (memberships, relationships, assessments, attendance, applications…), found through
the model's reverse relations, so a new app needs nothing here. Links are moved one object at a time
with `save()` so that django-simple-history records each move (it does not see `QuerySet.update`).

A link the kept record already has breaks a uniqueness rule when moved. For a pure link — a model that
says `merge_drops_repeats = True` (the same membership twice, a relationship between the two records,
the same person's attendance twice) — the repeat is removed and listed in the merge record; a model
whose repeat carries something of its own defines `absorb_into_repeat(field_name, kept, user, reason)`
to hand it to the kept record's row first (attendance: the days). For
anything else (two assessments of one kind on one date) the merge is refused with the reason: data is
never dropped silently.

The merged record is not deleted: it is deactivated and points at the record kept (`merged_into`), so
both histories stay, old links to it lead to the record kept, and the merge record says who merged what,
why, and exactly what moved.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stakeholders.models import Organization, OrganizationMerge, Person, PersonMerge


class MergeRefused(Exception):
    """The two records cannot be merged (the message says why)."""


@dataclass(frozen=True)
class FieldGroup:
    """Fields that are taken together from one record or the other (a point is latitude and longitude)."""

    key: str
    label: str
    fields: tuple[str, ...]


def _group(key, label, *fields):
    return FieldGroup(key, label, fields or (key,))


ORGANIZATION_FIELDS = [
    _group("name_ky", gettext_lazy("name in Kyrgyz")),
    _group("name_ru", gettext_lazy("name in Russian")),
    _group("acronym", gettext_lazy("acronym")),
    _group("type", gettext_lazy("type")),
    _group("settlement", gettext_lazy("settlement")),
    _group("address", gettext_lazy("address")),
    _group("point", gettext_lazy("point on the map"), "lat", "lon"),
    _group(
        "registration",
        gettext_lazy("registration"),
        "registration_status",
        "registration_number",
    ),
    _group("year_founded", gettext_lazy("year founded")),
    _group(
        "people_counts",
        gettext_lazy("staff, volunteers and governing body"),
        "staff_women",
        "staff_men",
        "volunteers_women",
        "volunteers_men",
        "board_women",
        "board_men",
        "board_youth",
    ),
    _group("led_by", gettext_lazy("women-led, youth-led"), "women_led", "youth_led"),
    _group("funding_sources", gettext_lazy("funding sources")),
    _group("phone", gettext_lazy("phone")),
    _group("email", gettext_lazy("email")),
    _group("website", gettext_lazy("website")),
    _group("description", gettext_lazy("description")),
    _group("logo", gettext_lazy("logo"), "logo", "logo_thumbnail"),
    _group(
        "consent",
        gettext_lazy("consent to public listing"),
        "public_listing_consent",
        "consent_covers_sensitive",
        "consent_given_by",
        "consent_recorded_at",
        "consent_recorded_by",
    ),
    _group("analysis", gettext_lazy("stakeholder analysis"), "influence", "interest", "stance"),
    _group("needs_validation", gettext_lazy("needs validation")),
]

PERSON_FIELDS = [
    _group("full_name", gettext_lazy("full name")),
    _group("full_name_latin", gettext_lazy("full name in Latin letters")),
    _group("sex", gettext_lazy("sex")),
    _group("birth_year", gettext_lazy("year of birth")),
    _group("phone", gettext_lazy("phone")),
    _group("email", gettext_lazy("email")),
    _group("settlement", gettext_lazy("settlement")),
    _group("is_active_citizen", gettext_lazy("active citizen")),
    _group(
        "functioning",
        gettext_lazy("functioning (Washington Group questions)"),
        "wg_seeing",
        "wg_hearing",
        "wg_walking",
        "wg_cognition",
        "wg_self_care",
        "wg_communication",
    ),
    _group("vulnerable_groups", gettext_lazy("other vulnerable-group categories")),
    _group("consent", gettext_lazy("consent"), "consent_date", "consent_purpose", "consent_recorded_by"),
]

FIELDS = {Organization: ORGANIZATION_FIELDS, Person: PERSON_FIELDS}
MERGE_MODELS = {Organization: OrganizationMerge, Person: PersonMerge}


def display(record, group: FieldGroup) -> str:
    """A group's value as people read it ("" when nothing is recorded)."""
    parts = []
    for name in group.fields:
        field = record._meta.get_field(name)
        value = getattr(record, name)
        if name in {"logo_thumbnail", "consent_recorded_at", "consent_recorded_by"}:
            continue  # shown through the field they go with
        if value in (None, "", []) or (field.get_internal_type() == "BooleanField" and value is False):
            continue
        if field.choices and not isinstance(value, list):
            value = getattr(record, f"get_{name}_display")()
        elif isinstance(value, list):
            choices = dict(field.base_field.choices or ())
            value = ", ".join(str(choices.get(item, item)) for item in value)
        elif field.get_internal_type() == "BooleanField":
            value = field.verbose_name
        elif field.get_internal_type() == "FileField" or field.get_internal_type() == "ImageField":
            value = value.name.rsplit("/", 1)[-1]
        parts.append(str(value))
    return "; ".join(parts)


def differing_groups(kept, merged):
    """The field groups where the two records say different things: what the merge page asks about."""
    return [group for group in FIELDS[type(kept)] if display(kept, group) != display(merged, group)]


def default_choice(kept, merged, group) -> str:
    """Keep the kept record's value, unless it has none and the merged record has one."""
    return "merged" if not display(kept, group) and display(merged, group) else "kept"


def _relation_key(relation) -> str:
    return f"{relation.related_model._meta.label_lower}.{relation.field.name}"


def moved_label(key: str) -> str:
    """What a `details["moved"]` key names, in the reader's language ("memberships", "attendance"…)."""
    from django.apps import apps

    label, field_name = key.rsplit(".", 1)
    if field_name == "merged_into":
        return _("records merged into it earlier")
    try:
        model = apps.get_model(label)
    except LookupError:
        return key
    field = model._meta.get_field(field_name)
    if field.many_to_many and model in FIELDS:  # the record's own lists: "thematic directions"
        return str(field.verbose_name)
    return str(model._meta.verbose_name_plural)


def summarise(counts: dict) -> list[tuple[str, int]]:
    """`{relation key: count}` as (label, count) for people to read, one line per label."""
    lines = Counter()
    for key, count in counts.items():
        lines[moved_label(key)] += count
    return sorted(lines.items())


def link_counts(record) -> dict:
    """How many links of each kind point at the record: what a merge would move."""
    counts = {}
    for relation in type(record)._meta.related_objects:
        if relation.related_model in MERGE_MODELS.values():
            continue
        count = relation.related_model._base_manager.filter(**{relation.field.name: record}).count()
        if count:
            counts[_relation_key(relation)] = count
    return counts


def _move_links(kept, merged, user, reason):
    """Point every link of `merged` at `kept`, one object at a time (see the module docstring)."""
    model = type(kept)
    moved, dropped = Counter(), []
    for relation in model._meta.related_objects:
        related_model = relation.related_model
        if related_model in MERGE_MODELS.values():
            continue  # earlier merge records stay as they were written
        key = _relation_key(relation)
        field = relation.field
        if relation.many_to_many:  # declared on the other model, e.g. an event's organizers
            for obj in related_model._base_manager.filter(**{field.name: merged}):
                links = getattr(obj, field.name)
                links.remove(merged)
                if links.filter(pk=kept.pk).exists():
                    dropped.append({"model": key, "what": str(obj)})
                else:
                    links.add(kept)
                    moved[key] += 1
            continue
        for obj in related_model._base_manager.filter(**{field.name: merged}).order_by("pk"):
            setattr(obj, field.attname, kept.pk)
            obj._history_user, obj._change_reason = user, reason
            try:
                with transaction.atomic():
                    obj.save()
            except IntegrityError as clash:
                # The kept record already has this link, or it would now tie it to itself.
                setattr(obj, field.attname, merged.pk)
                absorb = getattr(obj, "absorb_into_repeat", None)
                if absorb is not None:  # the kept record's own row takes what this one adds (e.g. days attended)
                    absorb(field.name, kept, user, reason)
                elif not getattr(related_model, "merge_drops_repeats", False):
                    raise MergeRefused(
                        _("Both records have a %(what)s that cannot be held twice: “%(item)s”. Resolve it first.")
                        % {"what": related_model._meta.verbose_name, "item": obj}
                    ) from clash
                dropped.append({"model": key, "what": str(obj)})
                obj._history_user, obj._change_reason = user, reason
                obj.delete()
            else:
                moved[key] += 1
    for field in model._meta.many_to_many:  # the record's own lists (thematic directions, target groups)
        new = set(getattr(merged, field.name).all()) - set(getattr(kept, field.name).all())
        if new:
            getattr(kept, field.name).add(*new)
            moved[f"{model._meta.label_lower}.{field.name}"] += len(new)
    return dict(moved), dropped


@transaction.atomic
def merge(kept, merged, user, reason: str, take=(), versions=None):
    """Merge `merged` into `kept`; `take` names the field groups whose values come from `merged`.

    `versions` — (kept, merged) versions the user saw — refuses a merge from a stale page. Returns the
    merge record.
    """
    model = type(kept)
    if type(merged) is not model or kept.pk == merged.pk:
        raise MergeRefused(_("Choose two different records of the same kind."))
    # Lock both rows (in id order, so two merges of the same pair cannot deadlock) and read them afresh.
    locked = {obj.pk: obj for obj in model._base_manager.select_for_update().filter(pk__in=[kept.pk, merged.pk])}
    kept, merged = locked[kept.pk], locked[merged.pk]
    if kept.merged_into_id or merged.merged_into_id:
        raise MergeRefused(_("One of the records has already been merged into another."))
    if kept.site_id != merged.site_id:
        raise MergeRefused(_("Records of different pilot sites cannot be merged: correct the site first."))
    if versions is not None and tuple(versions) != (kept.version, merged.version):
        raise MergeRefused(_("One of the records was changed meanwhile. Check the comparison again."))
    if not reason.strip():
        raise MergeRefused(_("Say why these are the same."))

    note = _("Merged with “%(merged)s” (#%(id)s)") % {"merged": merged, "id": merged.pk}
    groups = {group.key: group for group in FIELDS[model]}
    fields_taken = []
    for key in take:
        group = groups[key]
        fields_taken.append(
            {"field": key, "label": str(group.label), "was": display(kept, group), "now": display(merged, group)}
        )
        for name in group.fields:
            setattr(kept, name, getattr(merged, name))
    moved, dropped = _move_links(kept, merged, user, note)

    merged.is_active, merged.merged_into, merged.version = False, kept, merged.version + 1
    merged._history_user = user
    merged._change_reason = _("Merged into “%(kept)s” (#%(id)s)") % {"kept": kept, "id": kept.pk}
    merged.save()
    kept.version += 1
    kept._history_user, kept._change_reason = user, note
    kept.save()
    return MERGE_MODELS[model].objects.create(
        kept=kept,
        merged=merged,
        merged_by=user,
        reason=reason.strip(),
        details={"fields": fields_taken, "moved": moved, "dropped": dropped},
    )
