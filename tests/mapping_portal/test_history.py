"""History of a record: who changed it, when, and which fields from what to what — read in one query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mapping_portal.history import recent_changes


def test_each_entry_names_the_fields_that_changed(sites, admin):
    site = sites["kyshtut"]
    site.name_ky = "Кыштут айыл аймагы (жаңы)"
    site.save()
    site.set_centre(40.0412, 70.6004, "exact", "survey")
    site._history_user = admin
    site.save()
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        entries = recent_changes(site)
        changed = [entry.changed for entry in entries]
    assert len(queries) == 1
    assert changed[0] == [
        "centre latitude",
        "centre longitude",
        "precision of the centre",
        "where the centre comes from",
    ]
    assert changed[1] == ["name (Kyrgyz)"]
    assert changed[-1] == []  # the first entry: created
    assert entries[0].history_user == admin


def test_the_profile_shows_what_changed(client_for, staff, make_organization):
    organization = make_organization()
    organization.address = "Борбор көчө, 1"
    organization.save()
    page = client_for(staff).get(f"/en/stakeholders/{organization.pk}/").content.decode()
    assert "· Changed</div>" in page  # the action, then each field it touched, old → new
    assert '<span class="history-field">Address</span>: <del class="history-old">—</del>' in page
    assert '<ins class="history-new">Борбор көчө, 1</ins>' in page
