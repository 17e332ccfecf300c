"""Journey of a training's attendance: staff finds people already in the registry (by a Latin spelling),
adds them, ticks the days of a three-day training on the keyboard-friendly sheet, and sees the number of
people who completed the training change on the event and on the results page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def training(registry):
    from dialogues.models import Event

    return Event.objects.create(
        title="Үч күндүк тренинг: социалдык долбоорлор",
        kind="training",
        status="held",
        site=registry["kyshtut"],
        start_date=datetime.date(2026, 3, 10),
        end_date=datetime.date(2026, 3, 12),
    )


def add_from_registry(page, event_pk, typed, name):
    """Find the person by a spelling of the name, pick them, tick every day the paper sheet shows, add."""
    page.goto(f"/en/dialogues/{event_pk}/attendance/")
    page.fill("#person-search", typed)
    matches = page.locator("[data-testid=people-matches]")
    expect(matches).to_contain_text(name)
    matches.get_by_label(name).check()
    for day in (1, 2, 3):
        page.locator("#attendance-add").get_by_label(f"Day {day} ·").check()
    page.get_by_role("button", name="Add to the attendance").click()
    expect(page.locator(".alert-success")).to_contain_text(f"{name} was added to the attendance.")


def trained_on_event(page, event_pk):
    page.goto(f"/en/dialogues/{event_pk}/")
    return page.locator("[data-testid=trained]").inner_text()


def test_staff_record_a_three_day_trainings_attendance_and_the_trained_count_changes(
    page, users, training, make_person, sign_in
):
    make_person(full_name="Айгүл Токтосунова", birth_year=1995)
    make_person(full_name="Бакыт Асанов", sex="male", birth_year=1988)
    sign_in("staff", PASSWORD)
    assert trained_on_event(page, training.pk) == "0"

    # People already in the registry are offered as the name is typed, in any spelling.
    add_from_registry(page, training.pk, "Aigul Toktosunova", "Айгүл Токтосунова")
    add_from_registry(page, training.pk, "Bakyt Asanov", "Бакыт Асанов")
    grid = page.locator("#attendance-grid")
    expect(grid.locator("tbody tr")).to_have_count(2)
    expect(grid.locator(".day-box:checked")).to_have_count(6)  # every day ticked for both

    # Bakyt missed the second day: from his first box, the arrow key moves right and Space unticks it.
    page.wait_for_load_state("load")  # the grid's keyboard script is bound once the page has loaded
    first_box = page.get_by_label("Бакыт Асанов, day 1")
    first_box.focus()
    expect(first_box).to_be_focused()  # (an add swapped in by htmx could take the focus back under load)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Бакыт Асанов, day 2")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Бакыт Асанов, day 2")).not_to_be_checked()
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.locator(".alert-success")).to_contain_text("The attendance was saved.")
    assert trained_on_event(page, training.pk) == "1"

    # The paper sheet shows he was there after all: "All days" ticks his whole row again.
    page.goto(f"/en/dialogues/{training.pk}/attendance/")
    page.locator("tr", has_text="Бакыт Асанов").get_by_role("button", name="All days").click()
    expect(page.get_by_label("Бакыт Асанов, day 2")).to_be_checked()
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert trained_on_event(page, training.pk) == "2"

    page.goto("/en/dialogues/results/?kind=training")
    expect(page.locator("[data-testid=trained]")).to_have_text("2")
    expect(page.locator("[data-testid=reached]")).to_have_text("2")


def test_the_blank_sheet_prints_without_errors(page, users, training, sign_in):
    sign_in("staff", PASSWORD)
    page.goto(f"/en/dialogues/{training.pk}/attendance/blank/")
    expect(page.locator("[data-testid=blank-sheet] thead th")).to_have_count(7 + 3)
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="Print").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")


def test_staff_see_centres_and_events_on_the_map(page, users, training, registry, sign_in):
    from dialogues.models import DialoguePlatform

    site = registry["kyshtut"]
    platform = DialoguePlatform.objects.create(
        name="Кыштут диалог борбору", site=site, lat=site.centre_lat, lon=site.centre_lon
    )
    training.platform = platform  # no point of its own: shown at its centre
    training.save()
    sign_in("staff", PASSWORD)
    page.goto("/en/map/")
    page.wait_for_selector("#sites-map[data-dialogues-ready=true]")
    expect(page.locator("#sites-map")).to_have_attribute("data-dialogues-count", "2")
    # Each layer is turned on and off from its line in the legend (no box over the map).
    expect(page.locator("path.dialogue-platform")).to_have_count(1)
    page.get_by_label("Dialogue and resource centre").uncheck()
    expect(page.locator("path.dialogue-platform")).to_have_count(0)
    expect(page.locator("path.dialogue-event")).to_have_count(1)
    page.goto(f"/en/dialogues/{training.pk}/")
    page.wait_for_selector("#event-map[data-ready=true]")


def test_moving_an_event_to_year_9999_is_refused_at_once_with_the_range(page, users, training, sign_in):
    """The attack of issue #21: an event's last day in 9999 answered after ~100 s; now the form says the range."""
    sign_in("staff", PASSWORD)
    page.goto(f"/en/dialogues/{training.pk}/edit/")
    page.fill("#id_end_date", "31.12.9999")
    page.press("#id_end_date", "Enter")
    expect(page.locator("#id_end_date")).to_have_class(re.compile(r"\bis-invalid\b"), timeout=5000)
    expect(page.locator("main")).to_contain_text("Enter a date from 01.01.2000 to")
    training.refresh_from_db()
    assert training.end_date == datetime.date(2026, 3, 12)
