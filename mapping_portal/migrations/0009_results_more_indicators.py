from django.db import migrations


def install(apps, schema_editor):
    """Adds the indicators added to the defaults since 0007 (participants who passed the knowledge check, women's
    share of seats on governing bodies); the ones already there are left as admins changed them."""
    from mapping_portal.results import defaults

    defaults.install(apps)


class Migration(migrations.Migration):
    dependencies = [("mapping_portal", "0008_indicator_version")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
