from django.db import migrations


def install(apps, schema_editor):
    from mapping_portal.results import defaults

    defaults.install(apps)


class Migration(migrations.Migration):
    dependencies = [("mapping_portal", "0006_results_framework")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
