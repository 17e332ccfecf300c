"""Factories of the dialogues' tests: platforms, events, attendance and tallies on the shared cast."""

import datetime

import pytest

D = datetime.date
FIRST_DAY = D(2026, 3, 10)


@pytest.fixture
def make_platform(registry):
    from dialogues.models import DialoguePlatform

    def make(site="kyshtut", **fields):
        site_obj = registry[site]
        defaults = {"name": f"Диалог борбору {DialoguePlatform.objects.count() + 1}", "site": site_obj}
        if site_obj.has_centre:
            defaults |= {"lat": site_obj.centre_lat, "lon": site_obj.centre_lon}
        return DialoguePlatform.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def make_event(registry):
    """`make_event(site="kyshtut", start=date, days=1, kind="training", status="held", **fields)`."""
    from dialogues.models import Event

    def make(site="kyshtut", start=FIRST_DAY, days=1, kind="training", status="held", **fields):
        defaults = {
            "title": f"Иш-чара {Event.objects.count() + 1}",
            "kind": kind,
            "status": status,
            "site": registry[site],
            "start_date": start,
            "end_date": start + datetime.timedelta(days=days - 1),
        }
        return Event.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def attend():
    """`attend(event, person, days=None (every day), role="participant")`."""
    from dialogues.models import Attendance

    def make(event, person, days=None, role="participant"):
        chosen = event.days if days is None else [event.start_date + datetime.timedelta(days=n - 1) for n in days]
        return Attendance.objects.create(event=event, person=person, days=chosen, role=role)

    return make


@pytest.fixture
def tally():
    from dialogues.models import AttendanceTally

    def make(event, sex="female", band="15_24", count=10, completed=0):
        return AttendanceTally.objects.create(event=event, sex=sex, age_band=band, count=count, completed=completed)

    return make
