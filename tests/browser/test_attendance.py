"""Journey of the attendance sheet on a phone (375 px): staff find a person of the registry, add them with the
days they attended, enter a new person (the "did you mean…?" hint shows while the name is typed), and save the
grid — all without the page reloading, the grid scrolling inside its own box, never the page sideways."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def five_day_training(make_event, attend, make_person):
    event = make_event(
        title="Беш күндүк тренинг: чыр-чатактардын алдын алуу жана тынчтык куруу",
        start=datetime.date(2026, 3, 9),
        days=5,
    )
    attend(event, make_person(full_name="Айжаркын Абдыкадырова Токтосуновна"))
    return event


def test_staff_add_people_in_place_on_a_phone_and_save_the_grid(page, users, five_day_training, make_person, sign_in):
    from dialogues.models import Attendance

    make_person(full_name="Гүлнара Мамасадыкова-Эшматова", full_name_latin="Gulnara Mamasadykova")
    make_person(full_name="Айгүл Токтосунова", birth_year=1979)
    event = five_day_training
    sign_in("staff", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"/en/dialogues/{event.pk}/attendance/")
    page.evaluate("window.sameVisit = 'yes'")  # gone if the page reloads

    # A person of the registry, found by the Latin spelling; adding with no day ticked is refused in place.
    page.fill("#person-search", "Gulnara Mamasadykova")
    matches = page.locator("[data-testid=people-matches]")
    matches.get_by_label("Гүлнара Мамасадыкова-Эшматова").check()
    add = page.locator("#attendance-add")
    add.get_by_role("button", name="Add to the attendance").click()
    expect(add.get_by_role("alert")).to_contain_text("Tick the days the person attended (at least one).")
    assert Attendance.objects.count() == 1
    add.get_by_label("Day 1 ·").check()
    add.get_by_label("Day 3 ·").check()
    add.get_by_role("button", name="Add to the attendance").click()
    expect(page.locator("#attendance-status")).to_contain_text("Гүлнара Мамасадыкова-Эшматова was added")
    first_box = page.get_by_label("Гүлнара Мамасадыкова-Эшматова, day 1")
    expect(first_box).to_be_focused()  # on the new row, ready for the keyboard
    expect(page.get_by_label("Гүлнара Мамасадыкова-Эшматова, day 2")).not_to_be_checked()
    expect(page.get_by_label("Гүлнара Мамасадыкова-Эшматова, day 3")).to_be_checked()
    assert Attendance.objects.get(person__full_name__startswith="Гүлнара").days == [
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 11),
    ]

    # A new person: the hint offers the look-alike while the name is typed; a different person is saved.
    page.get_by_text("Not in the registry: enter a new person").click()
    page.locator("#id_full_name").press_sequentially("Айгуль Токтосунова")
    expect(page.locator("#similar-people [data-testid=similar]")).to_contain_text("Айгүл Токтосунова")
    form = page.locator("#new-person-form")
    form.get_by_label("Sex").select_option("female")
    form.get_by_label("Consent given on").fill("09.03.2026")
    for day in (1, 2, 3, 4, 5):
        form.get_by_label(f"Day {day} ·").check()
    form.get_by_role("button", name="Save the person and add them").click()
    expect(form.get_by_role("alert")).to_contain_text("People with a similar name are already in the registry")
    form.get_by_label("This is a different person").check()
    form.get_by_role("button", name="Save the person and add them").click()
    expect(page.locator("#attendance-status")).to_contain_text("Айгуль Токтосунова was added")
    expect(page.get_by_label("Айгуль Токтосунова, day 1")).to_be_focused()

    # The grid, on a phone: the boxes are big enough to tap, the role select keeps its words, the names stay
    # in sight while the grid scrolls in its own box; the page itself never scrolls sideways.
    grid = page.locator("#attendance-grid")
    expect(grid.locator("tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = first_box.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    assert page.get_by_label("Role of Гүлнара Мамасадыкова-Эшматова").bounding_box()["width"] >= 140
    page.locator(".attendance-scroll").evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    name = grid.locator("th", has_text="Гүлнара Мамасадыкова-Эшматова")
    assert name.bounding_box()["x"] >= 0  # sticky: still at the left edge of the box
    remove = page.get_by_label("Remove Айжаркын Абдыкадырова Токтосуновна")
    remove_box = remove.bounding_box()
    assert remove_box["x"] + remove_box["width"] <= PHONE["width"]

    # Day 2 after all (the keyboard moves along the new row), then the grid is saved under its version,
    # which the adds in place kept current.
    first_box.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Гүлнара Мамасадыкова-Эшматова, day 2")).to_be_focused()
    page.keyboard.press("Space")
    page.get_by_label("Role of Айгуль Токтосунова").select_option("observer")
    assert page.evaluate("window.sameVisit") == "yes"
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.locator(".alert-success")).to_contain_text("The attendance was saved.")
    gulnara = Attendance.objects.get(person__full_name__startswith="Гүлнара")
    assert len(gulnara.days) == 3 and not gulnara.attended_all_days
    newcomer = Attendance.objects.get(person__full_name="Айгуль Токтосунова")
    assert newcomer.attended_all_days and newcomer.role == "observer"


def test_the_first_person_of_a_one_day_meeting_is_added_with_its_day_offered(
    page, users, make_event, make_person, sign_in
):
    from dialogues.models import Attendance

    meeting = make_event(title="Жамаат жыйыны", kind="community_meeting", start=datetime.date(2026, 3, 9))
    make_person(full_name="Бакыт Асанов", sex="male")
    sign_in("staff", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"/en/dialogues/{meeting.pk}/attendance/")
    expect(page.locator("#attendance-empty")).to_be_visible()
    expect(page.get_by_role("button", name="Save the attendance")).to_be_hidden()
    page.fill("#person-search", "Bakyt")
    page.get_by_label("Бакыт Асанов").check()
    expect(page.locator("#attendance-add").get_by_label("Day 1 ·")).to_be_checked()  # its one day, in sight
    page.get_by_role("button", name="Add to the attendance").click()
    expect(page.get_by_label("Бакыт Асанов, day 1")).to_be_focused()
    expect(page.locator("#attendance-empty")).to_have_count(0)
    expect(page.get_by_role("button", name="Save the attendance")).to_be_visible()
    assert Attendance.objects.get().days == [datetime.date(2026, 3, 9)]
