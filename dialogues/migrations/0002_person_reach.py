"""The reach summary (dialogues.models.reach) and the triggers that keep it.

One function, dialogues_refresh_reach(people), recomputes the rows of the given people from their
attendance — the counting rules of dialogues.counting.PEOPLE_SQL: participants at held events; a merged
record's rows count for the record kept; completed = every day of a held training; age bands and
disability at the first day counted, from the person kept. The triggers call it for the people a
statement touched:

* attendance inserted, changed or deleted (statement triggers with transition tables: a bulk insert of
  1,000 rows refreshes its people once);
* an event's status, kind, dates or site changed (its attendees);
* a person's merge, home site, sex, birth year or Washington Group answers changed.

Two transactions refreshing the same person are serialised by a row lock on the person (taken in id
order, FOR NO KEY UPDATE, which does not block attendance's foreign-key checks): the second recomputes
after the first commits and so sees its rows (each statement of a READ COMMITTED function takes a new
snapshot). dialogues_rebuild_reach() recomputes everything (this migration, the national seed).
"""

from django.db import migrations, models
import django.db.models.deletion

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION dialogues_kyrgyz_band(age integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN age IS NULL THEN 'unknown' WHEN age < 14 THEN 'under_14' WHEN age <= 35 THEN 'youth'
                ELSE '36_plus' END
$$;

CREATE OR REPLACE FUNCTION dialogues_un_band(age integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN age IS NULL THEN 'unknown' WHEN age < 15 THEN 'under_15' WHEN age <= 24 THEN '15_24'
                WHEN age <= 64 THEN '25_64' ELSE '65_plus' END
$$;

-- Washington Group short set: "a lot of difficulty" or "cannot do at all" in any domain; nothing asked.
CREATE OR REPLACE FUNCTION dialogues_disability(VARIADIC answers text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN 'a_lot' = ANY(answers) OR 'cannot' = ANY(answers) THEN 'yes'
                WHEN answers <@ ARRAY[''] THEN 'unknown'
                ELSE 'no' END
$$;

-- The summary rows of `keys` (the ids people are counted under), computed from the attendance; NULL: all.
CREATE OR REPLACE FUNCTION dialogues_reach_rows(keys bigint[])
RETURNS TABLE (person_id bigint, site_id bigint, first_day date, completed boolean, home_site_id bigint,
               sex text, kyrgyz_band text, un_band text, disability text)
LANGUAGE sql STABLE AS $$
    SELECT r.key, r.site_id, r.first_day, r.completed, c.site_id, c.sex,
           dialogues_kyrgyz_band(extract(year FROM r.first_day)::int - c.birth_year),
           dialogues_un_band(extract(year FROM r.first_day)::int - c.birth_year),
           dialogues_disability(c.wg_seeing, c.wg_hearing, c.wg_walking, c.wg_cognition, c.wg_self_care,
                                c.wg_communication)
    FROM (
        SELECT a.key, e.site_id, min(e.start_date) AS first_day,
               bool_or(e.kind = 'training' AND cardinality(a.days) >= e.end_date - e.start_date + 1) AS completed
        FROM (
            SELECT coalesce(p.merged_into_id, p.id) AS key, t.event_id, t.days
            FROM dialogues_attendance t JOIN stakeholders_person p ON p.id = t.person_id
            WHERE t.role = 'participant'
              AND (keys IS NULL
                   OR t.person_id = ANY(keys)
                   OR t.person_id IN (SELECT m.id FROM stakeholders_person m WHERE m.merged_into_id = ANY(keys)))
        ) AS a
        JOIN dialogues_event e ON e.id = a.event_id AND e.status = 'held'
        WHERE keys IS NULL OR a.key = ANY(keys)
        GROUP BY GROUPING SETS ((a.key, e.site_id), (a.key))
    ) AS r
    JOIN stakeholders_person c ON c.id = r.key
$$;

CREATE OR REPLACE FUNCTION dialogues_write_reach(keys bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO dialogues_personreach (person_id, site_id, first_day, completed, home_site_id, sex, kyrgyz_band,
                                       un_band, disability)
    SELECT * FROM dialogues_reach_rows(keys)
$$;

CREATE OR REPLACE FUNCTION dialogues_refresh_reach(people bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    keys bigint[];
BEGIN
    -- The people themselves, and the records they are merged into (their rows count there).
    SELECT array_agg(DISTINCT k ORDER BY k) INTO keys FROM (
        SELECT unnest(people) AS k
        UNION SELECT p.merged_into_id FROM stakeholders_person p WHERE p.id = ANY(people)
    ) AS s WHERE k IS NOT NULL;
    IF keys IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM (SELECT p.id FROM stakeholders_person p WHERE p.id = ANY(keys) ORDER BY p.id
                    FOR NO KEY UPDATE) AS locked;
    DELETE FROM dialogues_personreach WHERE person_id = ANY(keys);
    PERFORM dialogues_write_reach(keys);
END;
$$;

CREATE OR REPLACE FUNCTION dialogues_rebuild_reach() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE dialogues_personreach IN EXCLUSIVE MODE;
    DELETE FROM dialogues_personreach;
    PERFORM dialogues_write_reach(NULL);
END;
$$;

CREATE OR REPLACE FUNCTION dialogues_attendance_reach() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dialogues_refresh_reach(ARRAY(SELECT DISTINCT person_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dialogues_refresh_reach(ARRAY(SELECT DISTINCT person_id FROM old_rows));
    ELSE
        PERFORM dialogues_refresh_reach(ARRAY(
            SELECT person_id FROM old_rows UNION SELECT person_id FROM new_rows));
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION dialogues_event_reach() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dialogues_refresh_reach(ARRAY(SELECT person_id FROM dialogues_attendance WHERE event_id = NEW.id));
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION dialogues_person_reach() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dialogues_refresh_reach(ARRAY[NEW.id, OLD.merged_into_id, NEW.merged_into_id]);
    RETURN NULL;
END;
$$;

CREATE TRIGGER dialogues_attendance_reach_insert AFTER INSERT ON dialogues_attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dialogues_attendance_reach();
CREATE TRIGGER dialogues_attendance_reach_update AFTER UPDATE ON dialogues_attendance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dialogues_attendance_reach();
CREATE TRIGGER dialogues_attendance_reach_delete AFTER DELETE ON dialogues_attendance
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dialogues_attendance_reach();

CREATE TRIGGER dialogues_event_reach AFTER UPDATE OF status, kind, start_date, end_date, site_id
    ON dialogues_event FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
          OR OLD.start_date IS DISTINCT FROM NEW.start_date OR OLD.end_date IS DISTINCT FROM NEW.end_date
          OR OLD.site_id IS DISTINCT FROM NEW.site_id)
    EXECUTE FUNCTION dialogues_event_reach();

CREATE TRIGGER dialogues_person_reach AFTER UPDATE OF merged_into_id, site_id, sex, birth_year, wg_seeing,
        wg_hearing, wg_walking, wg_cognition, wg_self_care, wg_communication
    ON stakeholders_person FOR EACH ROW
    WHEN (OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id OR OLD.site_id IS DISTINCT FROM NEW.site_id
          OR OLD.sex IS DISTINCT FROM NEW.sex OR OLD.birth_year IS DISTINCT FROM NEW.birth_year
          OR OLD.wg_seeing IS DISTINCT FROM NEW.wg_seeing OR OLD.wg_hearing IS DISTINCT FROM NEW.wg_hearing
          OR OLD.wg_walking IS DISTINCT FROM NEW.wg_walking OR OLD.wg_cognition IS DISTINCT FROM NEW.wg_cognition
          OR OLD.wg_self_care IS DISTINCT FROM NEW.wg_self_care
          OR OLD.wg_communication IS DISTINCT FROM NEW.wg_communication)
    EXECUTE FUNCTION dialogues_person_reach();

SELECT dialogues_rebuild_reach();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS dialogues_person_reach ON stakeholders_person;
DROP TRIGGER IF EXISTS dialogues_event_reach ON dialogues_event;
DROP TRIGGER IF EXISTS dialogues_attendance_reach_insert ON dialogues_attendance;
DROP TRIGGER IF EXISTS dialogues_attendance_reach_update ON dialogues_attendance;
DROP TRIGGER IF EXISTS dialogues_attendance_reach_delete ON dialogues_attendance;
DROP FUNCTION IF EXISTS dialogues_person_reach();
DROP FUNCTION IF EXISTS dialogues_event_reach();
DROP FUNCTION IF EXISTS dialogues_attendance_reach();
DROP FUNCTION IF EXISTS dialogues_rebuild_reach();
DROP FUNCTION IF EXISTS dialogues_refresh_reach(bigint[]);
DROP FUNCTION IF EXISTS dialogues_write_reach(bigint[]);
DROP FUNCTION IF EXISTS dialogues_reach_rows(bigint[]);
DROP FUNCTION IF EXISTS dialogues_disability(VARIADIC text[]);
DROP FUNCTION IF EXISTS dialogues_un_band(integer);
DROP FUNCTION IF EXISTS dialogues_kyrgyz_band(integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0001_initial"),
        ("mapping_portal", "0002_exportlog"),
        ("stakeholders", "0010_merge_record_kept"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonReach",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("first_day", models.DateField(verbose_name="first day")),
                ("completed", models.BooleanField(verbose_name="completed a training")),
                ("sex", models.CharField(max_length=10)),
                ("kyrgyz_band", models.CharField(max_length=10)),
                ("un_band", models.CharField(max_length=10)),
                ("disability", models.CharField(max_length=10)),
            ],
            options={
                "verbose_name": "person reached",
                "verbose_name_plural": "people reached",
            },
        ),
        migrations.RemoveIndex(
            model_name="attendance",
            name="attendance_person",
        ),
        migrations.AddField(
            model_name="personreach",
            name="home_site",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="mapping_portal.pilotsite",
            ),
        ),
        migrations.AddField(
            model_name="personreach",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="stakeholders.person",
                verbose_name="person",
            ),
        ),
        migrations.AddField(
            model_name="personreach",
            name="site",
            field=models.ForeignKey(
                help_text="Empty: the person across every site.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mapping_portal.pilotsite",
                verbose_name="pilot site of the events",
            ),
        ),
        migrations.AddIndex(
            model_name="personreach",
            index=models.Index(fields=["site"], name="reach_site"),
        ),
        migrations.AddConstraint(
            model_name="personreach",
            constraint=models.UniqueConstraint(
                condition=models.Q(("site__isnull", False)), fields=("person", "site"), name="reach_once_per_site"
            ),
        ),
        migrations.AddConstraint(
            model_name="personreach",
            constraint=models.UniqueConstraint(
                condition=models.Q(("site__isnull", True)), fields=("person",), name="reach_once"
            ),
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE),
    ]
