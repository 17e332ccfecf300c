"""The commit: every staged row of a batch applied in one transaction, or nothing (ImportRefused says why)."""

from datetime import date

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping_portal.models import PilotSite
from stakeholders.duplicates import recheck_from
from stakeholders.importing import limits
from stakeholders.importing.batches import delete_file, registry_stamp
from stakeholders.importing.columns import MODELS, RECORD_KINDS
from stakeholders.models import ImportBatch, ImportRow, Membership


class ImportRefused(Exception):
    """The commit cannot go ahead (errors, already imported, or the registry changed meanwhile)."""

    def __init__(self, message, stale=False):
        super().__init__(message)
        self.message = str(message)
        self.stale = stale


def commit(batch_id: int, user) -> ImportBatch:
    """Apply every staged row in one transaction, or nothing (ImportRefused says why)."""
    started = timezone.now()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == ImportBatch.Status.COMMITTED:
            raise ImportRefused(_("This file has already been imported."))
        if batch.status != ImportBatch.Status.READY:
            raise ImportRefused(_("The file has not been checked yet."))
        if batch.error_count:
            raise ImportRefused(_("Some rows have errors: correct the file and upload it again. Nothing was imported."))
        if registry_stamp(batch.kind) != batch.registry_stamp:
            raise ImportRefused(
                _("The registry has changed since this preview was made. Check the file again before importing."),
                stale=True,
            )
        writer = Writer(batch, user)
        rows = batch.rows.filter(action__in=[ImportRow.Action.CREATE, ImportRow.Action.UPDATE]).order_by("number")
        chunk = []
        for row in rows.iterator(chunk_size=limits.CHUNK_ROWS):
            chunk.append(row)
            if len(chunk) >= limits.CHUNK_ROWS:
                writer.write(chunk)
                chunk = []
        if chunk:
            writer.write(chunk)
        # A scan of possible duplicates running meanwhile could not see these rows: compare them again.
        recheck_from(RECORD_KINDS[batch.kind], PilotSite.objects.all(), started)
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        batch.save()
        # Data responsibility: once imported, the uploaded file and the rows' raw values are not kept (the
        # records and their history hold what was imported); each row keeps its label, action and changes.
        batch.rows.update(data={}, matches=[])
        file_name = batch.file.name
        transaction.on_commit(lambda: delete_file(file_name))
    return batch


class Writer:
    """Saves staged rows as records. Changed records are saved one by one (each change in its history).
    New records are saved one by one too (their own save() works out their keys), but their history is
    written per chunk: one "created" entry each, with its thematic directions and target groups, instead
    of the three entries and some twenty queries that a save and two m2m sets cost (measured: 10,000
    organizations took 11 minutes that way on a shared database server)."""

    M2M = ("thematic_areas", "target_groups")

    def __init__(self, batch, user):
        self.batch = batch
        self.user = user
        self.kind = batch.kind
        self.model = MODELS[batch.kind]
        self.reason = batch.change_reason

    def write(self, rows):
        targets = {
            obj.pk: obj
            for obj in self.model.objects.select_for_update(of=("self",)).filter(
                pk__in=[row.target_id for row in rows if row.target_id]
            )
        }
        created = []
        for row in rows:
            obj = targets.get(row.target_id) if row.target_id else None
            if row.target_id and obj is None:
                raise ImportRefused(
                    _("The registry has changed since this preview was made. Check the file again before importing."),
                    stale=True,
                )
            if obj is None:
                created.append((row, self.create(row)))
            else:
                self.save(row, obj)
        if created:
            self.record_created(created)
            for row, (obj, _many) in created:
                row.target_id = obj.pk
            ImportRow.objects.bulk_update([row for row, _created in created], ["target_id"])

    def create(self, row):
        """A new record saved without a history entry (`record_created` writes it); its m2m values."""
        data = dict(row.data)
        data.pop("id", None)
        many = {name: data.pop(name) for name in (*self.M2M, "memberships") if name in data}
        obj = self.model()
        self.apply(obj, data, new=True, changes=row.changes)
        obj.skip_history_when_saving = True
        try:
            obj.save()
        finally:
            del obj.skip_history_when_saving
        return obj, many

    def record_created(self, created):
        history_model = self.model.history.model
        history = {
            entry.id: entry
            for entry in self.model.history.bulk_history_create(
                [obj for _row, (obj, _many) in created], default_user=self.user, default_change_reason=self.reason
            )
        }
        for name in self.M2M:
            if self.kind != ImportBatch.Kind.ORGANIZATIONS:
                break
            through = getattr(self.model, name).through
            source = next(f for f in through._meta.fields if f.is_relation and f.related_model is self.model)
            target = next(f for f in through._meta.fields if f.is_relation and f.related_model is not self.model)
            links = through.objects.bulk_create(
                [
                    through(**{source.attname: obj.pk, target.attname: pk})
                    for _row, (obj, many) in created
                    for pk in many.get(name, [])
                ]
            )
            # The history entry of each new record lists its links, as simple-history would.
            m2m_history = apps.get_model(history_model._meta.app_label, f"{history_model.__name__}_{name}")
            m2m_history.objects.bulk_create(
                [
                    m2m_history(
                        history=history[getattr(link, source.attname)],
                        **{"id": link.pk, source.attname: getattr(link, source.attname)},
                        **{target.attname: getattr(link, target.attname)},
                    )
                    for link in links
                ]
            )
        for _row, (obj, many) in created:
            for organization_id, role in many.get("memberships", []):
                membership = Membership(person=obj, organization_id=organization_id, role=role)
                membership._change_reason = self.reason
                if self.user is not None:
                    membership._history_user = self.user
                membership.save()

    def apply(self, obj, data, new, changes):
        for name, value in data.items():
            if name in ("type", "site", "settlement"):
                setattr(obj, f"{name}_id", value)
            elif name == "consent_date":
                obj.consent_date = date.fromisoformat(value) if value else None
            else:
                setattr(obj, name, value)
        if "public_listing_consent" in data:
            # As the form does: who recorded the consent and when; no consent, no sensitive consent.
            obj.record_consent(self.user, obj.public_listing_consent)
        if new and self.kind == ImportBatch.Kind.ORGANIZATIONS:
            obj.created_by = self.user
        if self.kind == ImportBatch.Kind.PEOPLE and ({"consent_date", "consent_purpose"} & set(changes) or new):
            obj.consent_recorded_by = self.user

    def save(self, row, obj):
        """An existing record: the changed fields saved, with a history entry naming the import."""
        data = dict(row.data)
        data.pop("id", None)
        many = {name: data.pop(name) for name in (*self.M2M, "memberships") if name in data}
        self.apply(obj, data, new=False, changes=row.changes)
        # Also for a change of thematic directions alone: simple-history records it from the m2m signal.
        obj._change_reason = self.reason
        if self.user is not None:
            obj._history_user = self.user
        if any(name in row.changes for name in data):
            obj.version += 1
            obj.save()
        for name in self.M2M:
            if name in many and name in row.changes:
                getattr(obj, name).set(many[name])
        if "memberships" in many:
            existing = set(obj.memberships.values_list("organization_id", "role"))
            for organization_id, role in many["memberships"]:
                if (organization_id, role) not in existing:
                    membership = Membership(person=obj, organization_id=organization_id, role=role)
                    membership._change_reason = self.reason
                    if self.user is not None:
                        membership._history_user = self.user
                    membership.save()
        return obj
