"""Recompute the stored name keys after match_key learned that й is written "i" as often as "y" in Latin
(Aizada — Айзада). Only rows whose keys change are written; history is not touched (keys are not in it)."""

from django.db import migrations

from mapping_portal.text import match_key
from stakeholders.duplicates import organization_name_key

BATCH = 2000


def _recompute(model, fields, keys):
    changed = []
    for record in model.objects.only(*fields, "search_key", "name_key").iterator(chunk_size=BATCH):
        search_key, name_key = keys(record)
        if (search_key, name_key) != (record.search_key, record.name_key):
            record.search_key, record.name_key = search_key, name_key
            changed.append(record)
        if len(changed) == BATCH:
            model.objects.bulk_update(changed, ["search_key", "name_key"])
            changed = []
    model.objects.bulk_update(changed, ["search_key", "name_key"])


def recompute_keys(apps, schema_editor):
    _recompute(
        apps.get_model("stakeholders", "Organization"),
        ["name_ky", "name_ru", "acronym"],
        lambda o: (
            " ".join(match_key(part) for part in (o.name_ky, o.name_ru, o.acronym) if part),
            organization_name_key(o.name_ky, o.name_ru),
        ),
    )
    _recompute(
        apps.get_model("stakeholders", "Person"),
        ["full_name", "full_name_latin"],
        lambda p: (
            " ".join(match_key(part) for part in (p.full_name, p.full_name_latin) if part),
            match_key(p.full_name),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0010_merge_record_kept")]

    operations = [migrations.RunPython(recompute_keys, migrations.RunPython.noop, elidable=True)]
