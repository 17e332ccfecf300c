"""The database cache table behind the "throttle" cache (password-reset limits shared by every worker)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Creates every configured database cache table that does not exist yet; a no-op when there is none.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("mapping_portal", "0003_applicant_role")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
