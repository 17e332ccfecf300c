"""The money limits as database triggers, so that no code path (a view, the admin, a shell, two staff
approving at the same moment) can break them:

* the awards of a call never add up to more than its envelope, and an award never exceeds the amount
  the application requested;
* the planned tranches of an award never add up to more than the award, nor do the paid ones;
* an envelope or an award cannot be lowered below what already hangs on it.

Each trigger first locks the parent row (the call, or the award) with SELECT … FOR UPDATE: a second
transaction inserting for the same parent waits until the first commits, and its sum — a new statement
under READ COMMITTED — then sees the first one's row. grants.workflow takes the same lock first, so
it can give a clear message; the triggers are the guarantee.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION grants_award_within_envelope() RETURNS trigger AS $$
DECLARE
    envelope numeric;
    awarded numeric;
    requested numeric;
BEGIN
    SELECT c.envelope INTO envelope FROM grants_grantcall c WHERE c.id = NEW.call_id FOR UPDATE;
    SELECT a.requested_amount INTO requested FROM grants_grantapplication a WHERE a.id = NEW.application_id;
    IF NEW.amount > requested THEN
        RAISE EXCEPTION 'award % exceeds the amount requested %', NEW.amount, requested
            USING ERRCODE = 'check_violation', CONSTRAINT = 'award_within_requested';
    END IF;
    SELECT COALESCE(SUM(w.amount), 0) INTO awarded FROM grants_award w WHERE w.call_id = NEW.call_id;
    IF awarded > envelope THEN
        RAISE EXCEPTION 'awards of call % would total %, over its envelope %', NEW.call_id, awarded, envelope
            USING ERRCODE = 'check_violation', CONSTRAINT = 'awards_within_envelope';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION grants_envelope_covers_awards() RETURNS trigger AS $$
BEGIN
    IF NEW.envelope < (SELECT COALESCE(SUM(w.amount), 0) FROM grants_award w WHERE w.call_id = NEW.id) THEN
        RAISE EXCEPTION 'the envelope of call % cannot be lower than its awards', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'awards_within_envelope';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION grants_tranches_within_award() RETURNS trigger AS $$
DECLARE
    award_amount numeric;
    planned numeric;
    paid numeric;
BEGIN
    SELECT w.amount INTO award_amount FROM grants_award w WHERE w.id = NEW.award_id FOR UPDATE;
    SELECT COALESCE(SUM(t.planned_amount), 0), COALESCE(SUM(t.paid_amount), 0) INTO planned, paid
        FROM grants_tranche t WHERE t.award_id = NEW.award_id;
    IF planned > award_amount OR paid > award_amount THEN
        RAISE EXCEPTION 'tranches of award % would exceed it (planned %, paid %, award %)',
            NEW.award_id, planned, paid, award_amount
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tranches_within_award';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION grants_award_covers_tranches() RETURNS trigger AS $$
BEGIN
    IF NEW.amount < (SELECT GREATEST(COALESCE(SUM(t.planned_amount), 0), COALESCE(SUM(t.paid_amount), 0))
                     FROM grants_tranche t WHERE t.award_id = NEW.id) THEN
        RAISE EXCEPTION 'award % cannot be lower than its tranches', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tranches_within_award';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER award_within_envelope AFTER INSERT OR UPDATE OF amount, call_id ON grants_award
    FOR EACH ROW EXECUTE FUNCTION grants_award_within_envelope();
CREATE TRIGGER envelope_covers_awards BEFORE UPDATE OF envelope ON grants_grantcall
    FOR EACH ROW EXECUTE FUNCTION grants_envelope_covers_awards();
CREATE TRIGGER tranches_within_award AFTER INSERT OR UPDATE OF planned_amount, paid_amount, award_id
    ON grants_tranche FOR EACH ROW EXECUTE FUNCTION grants_tranches_within_award();
CREATE TRIGGER award_covers_tranches BEFORE UPDATE OF amount ON grants_award
    FOR EACH ROW EXECUTE FUNCTION grants_award_covers_tranches();
"""

REVERSE = """
DROP TRIGGER IF EXISTS award_within_envelope ON grants_award;
DROP TRIGGER IF EXISTS envelope_covers_awards ON grants_grantcall;
DROP TRIGGER IF EXISTS tranches_within_award ON grants_tranche;
DROP TRIGGER IF EXISTS award_covers_tranches ON grants_award;
DROP FUNCTION IF EXISTS grants_award_within_envelope();
DROP FUNCTION IF EXISTS grants_envelope_covers_awards();
DROP FUNCTION IF EXISTS grants_tranches_within_award();
DROP FUNCTION IF EXISTS grants_award_covers_tranches();
"""


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTIONS, REVERSE)]
