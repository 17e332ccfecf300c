"""Follow-up actions (overdue ones visible), photos (checked like logos, served only to those who may
see the attendees), and the blank attendance sheet to print."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from dialogues.models import EventPhoto, FollowUpAction
from tests.helpers import url

D = datetime.date


def test_staff_add_a_follow_up_action_and_change_its_status(client_for, staff, make_event, make_organization):
    event = make_event()
    owner = make_organization(name_ky="Кыштут айыл өкмөтү")
    event.organizers.add(owner)
    client = client_for(staff)
    response = client.post(
        url("dialogues:action-add", event.pk),
        {"what": "Жаштар кеңешин түзүү", "owner": "Айыл өкмөтү", "owner_organization": owner.pk, "due": "01.05.2026"},
    )
    assert response.status_code == 302
    action = FollowUpAction.objects.get()
    assert (action.due, action.status, action.owner_organization) == (D(2026, 5, 1), "open", owner)
    client.post(url("dialogues:action-status", event.pk, action.pk), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"
    assert action.history.count() == 2


def test_the_responsible_organization_is_one_of_those_involved(client_for, staff, make_event, make_organization):
    event = make_event()
    stranger = make_organization(name_ky="Башка уюм")
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:action-add", event.pk),
            {"what": "Иш", "owner": "Айгүл", "owner_organization": stranger.pk},
            follow=True,
        )
        assert "Select a valid choice." in response.content.decode()
    assert not FollowUpAction.objects.exists()


def test_a_bad_due_date_is_explained(client_for, staff, make_event):
    event = make_event()
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:action-add", event.pk), {"what": "Иш", "owner": "Айгүл", "due": "31.02.2026"}, follow=True
        )
        assert "Enter a valid date." in response.content.decode()
    assert not FollowUpAction.objects.exists()


def test_an_unknown_status_is_explained(client_for, staff, make_event):
    event = make_event()
    action = FollowUpAction.objects.create(event=event, what="Иш", owner="Айгүл")
    with translation.override("en"):
        response = client_for(staff).post(
            url("dialogues:action-status", event.pk, action.pk), {"status": "maybe"}, follow=True
        )
        assert "Choose one of the statuses offered." in response.content.decode()


def test_an_action_of_another_event_answers_404(client_for, staff, make_event):
    action = FollowUpAction.objects.create(event=make_event(), what="Иш", owner="Айгүл")
    other = make_event()
    assert (
        client_for(staff).post(url("dialogues:action-status", other.pk, action.pk), {"status": "done"}).status_code
        == 404
    )


def test_overdue_actions_are_shown_on_the_event_and_the_list(client_for, la_kyshtut, make_event):
    event = make_event(title="Диалог")
    today = timezone.localdate()
    FollowUpAction.objects.create(event=event, what="Кечиккен иш", owner="А", due=today - datetime.timedelta(days=1))
    FollowUpAction.objects.create(
        event=event, what="Бүткөн иш", owner="Б", due=today - datetime.timedelta(days=9), status="done"
    )
    FollowUpAction.objects.create(event=event, what="Келечектеги иш", owner="В", due=today + datetime.timedelta(days=9))
    client = client_for(la_kyshtut)  # local authorities follow what was agreed, too
    detail = client.get(url("dialogues:event-detail", event.pk))
    assert [a.what for a in detail.context["event"].actions.all() if a.is_overdue] == ["Кечиккен иш"]
    assert detail.context["event"].overdue_actions == 1
    with translation.override("en"):
        listing = client.get(url("dialogues:event-list")).content.decode()
    assert "1 overdue action" in listing


def image_upload(name="photo.jpg", size=(800, 600), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_photo_is_re_encoded_and_served_only_to_staff_in_scope(client_for, users, make_event, media_root):
    event = make_event()
    response = client_for(users["staff"]).post(
        url("dialogues:photo-add", event.pk), {"image": image_upload(), "caption": "Биринчи күн"}
    )
    assert response.status_code == 302
    photo = EventPhoto.objects.get()
    assert photo.image.name.startswith("event-photos/") and photo.thumbnail.name.startswith("event-photos/")
    assert photo.uploaded_by == users["staff"]
    for role, status in [("staff", 200), ("admin", 200), ("la_kyshtut", 404), ("viewer", 404), ("anonymous", 404)]:
        assert client_for(users[role]).get(f"/media/{photo.thumbnail.name}").status_code == status, role


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.jpg", b"this is a text file", content_type="image/jpeg"), "is not an image"),
        (SimpleUploadedFile("empty.png", b"", content_type="image/png"), "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(
    client_for, staff, make_event, media_root, upload, message
):
    event = make_event()
    with translation.override("en"):
        response = client_for(staff).post(url("dialogues:photo-add", event.pk), {"image": upload}, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not EventPhoto.objects.exists()


def test_staff_remove_a_photo(client_for, staff, make_event, media_root):
    event = make_event()
    client = client_for(staff)
    client.post(url("dialogues:photo-add", event.pk), {"image": image_upload()})
    photo = EventPhoto.objects.get()
    client.post(url("dialogues:photo-remove", event.pk, photo.pk))
    assert not EventPhoto.objects.exists()
    assert not (media_root / photo.image.name).exists()


def test_the_blank_sheet_has_a_signature_column_per_day_and_no_names(
    client_for, staff, make_event, make_person, attend
):
    event = make_event(title="Үч күндүк тренинг", days=3)
    attend(event, make_person(full_name="Айгүл Токтосунова"))
    with translation.override("en"):
        response = client_for(staff).get(url("dialogues:blank-sheet", event.pk) + "?rows=30")
        page = response.content.decode()
    assert page.count(">Signature<br>") == 3
    assert all(day in page for day in ("10.03.2026", "11.03.2026", "12.03.2026"))
    assert "Айгүл Токтосунова" not in page
    assert len(response.context["rows"]) == 30
    assert "<script>" not in page and "style=" not in page


@pytest.mark.parametrize("rows", ["-5", "abc", "100000"])
def test_the_blank_sheet_bounds_the_number_of_rows(client_for, staff, make_event, rows):
    response = client_for(staff).get(url("dialogues:blank-sheet", make_event().pk) + f"?rows={rows}")
    assert response.status_code == 200
    assert 1 <= len(response.context["rows"]) <= 200
