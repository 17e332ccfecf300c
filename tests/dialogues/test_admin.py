"""The dialogues in the Django admin (repairs by administrators): every list and change page opens."""

import pytest


@pytest.mark.parametrize("model", ["dialogueplatform", "event", "eventphoto", "initiativegroup"])
def test_admin_lists_open(client_for, admin, model, make_event, make_platform, make_person, attend, tally):
    event = make_event(platform=make_platform())
    attend(event, make_person())
    tally(event)
    assert client_for(admin).get(f"/admin/dialogues/{model}/").status_code == 200


def test_an_events_change_page_and_history_open(client_for, admin, make_event, make_person, attend, tally):
    event = make_event(days=2)
    attend(event, make_person())
    tally(event)
    client = client_for(admin)
    assert client.get(f"/admin/dialogues/event/{event.pk}/change/").status_code == 200
    assert client.get(f"/admin/dialogues/event/{event.pk}/history/").status_code == 200
