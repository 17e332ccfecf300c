"""Training outcomes: the knowledge check of a training (its bands and pass mark, validation in the model and the
form), its page per role, `knowledge_change` against crafted data and its fixed number of queries, the change on
the event's page, and the demo's scores."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from dialogues.models import Attendance, Event, KnowledgeCheck, band_scores, passed
from dialogues.outcomes import knowledge_change
from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import count_queries, url


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English here (they are translated like every string)."""
    with translation.override("en"):
        yield


def scored(attend, event, person, pre, post, role="participant"):
    row = attend(event, person, role=role)
    row.pre_score, row.post_score = pre, post
    row.save()
    return row


@pytest.fixture
def training(make_event, make_person, attend):
    """A held three-day training in Kyshtut, checked out of 10, with two named participants (Айгүл 4 → 8, Бакыт 6
    → 6)."""
    event = make_event(title="Үч күндүк тренинг", days=3)
    KnowledgeCheck.objects.create(event=event, max_score=10)
    aigul = scored(attend, event, make_person(full_name="Айгүл Токтосунова"), 4, 8)
    bakyt = scored(attend, event, make_person(full_name="Бакыт Асанов"), 6, 6)
    return {"event": event, "aigul": aigul, "bakyt": bakyt}


# --- Bands and the pass mark -----------------------------------------------------------------------------


def test_bands_are_tenths_of_the_maximum_and_the_pass_mark_starts_band_seven():
    assert [band_scores(10, band) for band in range(10)] == [(n, n) for n in range(9)] + [(9, 10)]
    assert band_scores(100, 0) == (0, 9) and band_scores(100, 9) == (90, 100)
    # Out of 3: 1 is 33 % (band 30–39 %), 2 is 67 % (60–69 %); only 3 passes, in the last band.
    assert [band_scores(3, band) for band in range(10)] == [
        (0, 0),
        None,
        None,
        (1, 1),
        None,
        None,
        (2, 2),
        None,
        None,
        (3, 3),
    ]
    assert passed(3, 3) and not passed(2, 3)
    assert passed(7, 10) and not passed(6, 10) and passed(70, 100) and not passed(69, 100)
    for maximum in (3, 7, 10, 13, 100):
        # The bands 70–100 % hold exactly the scores that pass.
        passing_bands = [band_scores(maximum, band) for band in range(7, 10)]
        in_them = {score for scores in passing_bands if scores for score in range(scores[0], scores[1] + 1)}
        assert in_them == {score for score in range(maximum + 1) if passed(score, maximum)}


# --- The model ----------------------------------------------------------------------------------------------


def test_a_score_above_the_maximum_is_refused_by_the_attendance(training):
    row = training["aigul"]
    row.post_score = 11
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "from 0 to 10" in str(refused.value.message_dict["post_score"])


def test_scores_need_the_maximum_first(make_event, make_person, attend):
    row = attend(make_event(), make_person())
    row.pre_score = 3
    with pytest.raises(ValidationError, match="maximum score"):
        row.full_clean()


def test_a_knowledge_check_belongs_to_a_training(make_event):
    check = KnowledgeCheck(event=make_event(kind="dialogue_meeting"), max_score=10)
    with pytest.raises(ValidationError, match="training"):
        check.full_clean()


def test_a_count_in_a_band_no_score_falls_in_is_refused(make_event):
    check = KnowledgeCheck(event=make_event(), max_score=5, before_bands=[0, 2, 0, 0, 0, 0, 0, 0, 0, 0])
    with pytest.raises(ValidationError, match="10–19 %"):
        check.full_clean()


@pytest.mark.parametrize("fields", [{"max_score": 0}, {"max_score": 10, "after_bands": [1, 2]}])
def test_the_database_refuses_a_zero_maximum_and_half_a_distribution(make_event, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        KnowledgeCheck.objects.create(event=make_event(), **fields)


# --- The page, per role -------------------------------------------------------------------------------------

# role → status of opening a Kyshtut training's knowledge check
OPEN = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 200,
    "la_kerben": 404,
    "reviewer": 404,
    "viewer": 404,
    "applicant": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_knowledge_check_page_by_role(client_for, users, training, role):
    response = client_for(users[role]).get(url("dialogues:knowledge-check", training["event"].pk))
    assert response.status_code == OPEN[role]
    page = response.content.decode()
    if role in ("admin", "staff"):
        assert "Айгүл Токтосунова" in page and 'name="post-' in page
    elif role == "la_kyshtut":
        # The change and the bands, never a name nor a box to type in.
        assert "Айгүл" not in page and "Бакыт" not in page and "<input" not in page.split("<main", 1)[-1]
        assert 'data-testid="knowledge-distribution"' in page


@pytest.mark.parametrize("role", ["la_kyshtut", "viewer", "anonymous"])
def test_only_staff_and_admins_save_scores(client_for, users, training, role):
    event = training["event"]
    data = {"attendance_version": event.attendance_version, "max_score": 10}
    response = client_for(users[role]).post(url("dialogues:knowledge-check", event.pk), data)
    assert response.status_code == {"la_kyshtut": 403, "viewer": 404, "anonymous": 302}[role]
    training["aigul"].refresh_from_db()
    assert training["aigul"].post_score == 8


def test_a_non_training_has_no_knowledge_check(client_for, staff, make_event):
    event = make_event(kind="dialogue_meeting")
    assert client_for(staff).get(url("dialogues:knowledge-check", event.pk)).status_code == 404


def post_scores(client, event, rows=(), **fields):
    data = {"attendance_version": Event.objects.get(pk=event.pk).attendance_version, "max_score": 10}
    for row, pre, post in rows:
        data[f"pre-{row.pk}"], data[f"post-{row.pk}"] = pre, post
    return client.post(url("dialogues:knowledge-check", event.pk), data | fields)


def test_staff_enter_scores_and_an_anonymous_distribution(client_for, staff, training):
    event, aigul, bakyt = training["event"], training["aigul"], training["bakyt"]
    response = post_scores(client_for(staff), event, [(aigul, 5, 9), (bakyt, "", 7)], **{"before-3": 4, "after-8": 4})
    assert response.status_code == 302 and response["Location"] == url("dialogues:event-detail", event.pk)
    aigul.refresh_from_db(), bakyt.refresh_from_db()
    assert (aigul.pre_score, aigul.post_score, bakyt.pre_score, bakyt.post_score) == (5, 9, None, 7)
    check = KnowledgeCheck.objects.get(event=event)
    assert check.before_bands == [0, 0, 0, 4, 0, 0, 0, 0, 0, 0] and check.after_bands[8] == 4
    assert aigul.history.first().history_user == staff  # the change is in the attendance's history
    change = knowledge_change(Event.objects.filter(pk=event.pk))
    assert (change.checked, change.after_only, change.after_only_passed, change.anonymous_passed) == (1, 1, 1, 4)


@pytest.mark.parametrize(
    ("rows", "fields", "message"),
    [
        ([("aigul", 5, 11)], {}, "A score must be from 0 to 10"),
        ([("aigul", "abc", 5)], {}, "Enter a whole number"),
        ([("aigul", -1, 5)], {}, "greater than or equal to 0"),
        ([("aigul", 5, 8)], {"max_score": ""}, "Enter the maximum score of the test before the scores"),
        ([], {"max_score": 0}, "greater than or equal to 1"),
        ([("aigul", 4, 8)], {"max_score": 5}, "A score must be from 0 to 5"),
        ([], {"max_score": 5, "after-1": 2}, "No whole score out of 5 falls in the band 10–19 %"),
        ([], {"before-2": -3}, "greater than or equal to 0"),
    ],
)
def test_bad_scores_get_a_clear_message_and_nothing_is_saved(client_for, staff, training, rows, fields, message):
    rows = [(training[name], pre, post) for name, pre, post in rows]
    response = post_scores(client_for(staff), training["event"], rows, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    training["aigul"].refresh_from_db()
    assert (training["aigul"].pre_score, training["aigul"].post_score) == (4, 8)
    assert KnowledgeCheck.objects.get(event=training["event"]).max_score == 10


def test_scores_entered_while_someone_changed_the_attendance_are_not_saved(client_for, staff, training):
    event = training["event"]
    data = {"attendance_version": event.attendance_version - 1, "max_score": 10}
    data |= {f"pre-{training['aigul'].pk}": 1, f"post-{training['aigul'].pk}": 2}
    response = client_for(staff).post(url("dialogues:knowledge-check", event.pk), data)
    assert response.status_code == 200 and "Someone else changed this attendance" in response.content.decode()
    training["aigul"].refresh_from_db()
    assert training["aigul"].post_score == 8


def test_emptying_the_maximum_and_every_score_removes_the_check(client_for, staff, training):
    rows = [(training["aigul"], "", ""), (training["bakyt"], "", "")]
    assert post_scores(client_for(staff), training["event"], rows, max_score="").status_code == 302
    assert not KnowledgeCheck.objects.exists()
    assert not Attendance.objects.filter(post_score__isnull=False).exists()


# --- knowledge_change ---------------------------------------------------------------------------------------


def test_knowledge_change_against_crafted_data(make_event, make_person, attend):
    out_of_10 = make_event(days=3)
    KnowledgeCheck.objects.create(event=out_of_10, max_score=10)
    scored(attend, out_of_10, make_person(), 4, 8)  # improved, passed
    scored(attend, out_of_10, make_person(), 7, 6)  # passed before, not after, not improved
    scored(attend, out_of_10, make_person(), None, 9)  # after only, passed
    scored(attend, out_of_10, make_person(), 5, None)  # before only: nowhere
    scored(attend, out_of_10, make_person(), 0, 10, role="facilitator")  # not a participant
    out_of_100 = make_event(site="kerben")
    KnowledgeCheck.objects.create(
        event=out_of_100,
        max_score=100,
        before_bands=[0, 0, 0, 2, 2, 0, 0, 0, 0, 0],  # 4 people around 40 %
        after_bands=[0, 0, 0, 0, 0, 0, 1, 2, 0, 1],  # 4 people, 3 of them ≥ 70 %
    )
    scored(attend, out_of_100, make_person(site="kerben"), 60, 69)  # improved, 69 % does not pass
    planned = make_event(status="planned")
    KnowledgeCheck.objects.create(event=planned, max_score=10)
    scored(attend, planned, make_person(), 1, 10)  # not held: not counted
    seminar = make_event(kind="interactive_seminar")
    scored(attend, seminar, make_person(), None, None)

    change = knowledge_change(Event.objects.all())

    assert change.trainings == 2
    assert (change.checked, change.improved, change.passed_before, change.passed) == (3, 2, 1, 1)
    # (40 + 70 + 60) / 3 → (80 + 60 + 69) / 3, in % of each maximum
    assert change.mean_before == pytest.approx(170 / 3) and change.mean_after == pytest.approx(209 / 3)
    assert (change.after_only, change.after_only_passed) == (1, 1)
    assert (change.anonymous_before, change.anonymous_after) == (4, 4)
    assert (change.anonymous_passed_before, change.anonymous_passed) == (0, 3)
    assert change.anonymous_mean_before == pytest.approx(40) and change.anonymous_mean_after == pytest.approx(77.5)
    only_kerben = knowledge_change(Event.objects.filter(site__slug="kerben"))
    assert (only_kerben.checked, only_kerben.passed, only_kerben.anonymous_after) == (1, 0, 4)


def test_knowledge_change_of_no_checked_training_is_empty(make_event):
    change = knowledge_change(Event.objects.filter(pk=make_event().pk))
    assert change.checked == 0 and change.mean_before is None and not change.any


def test_knowledge_change_takes_two_queries_whatever_the_number_of_trainings(
    django_assert_num_queries, make_event, make_person, attend
):
    def add_training():
        event = make_event()
        KnowledgeCheck.objects.create(event=event, max_score=10, after_bands=[0] * 9 + [1])
        for _n in range(3):
            scored(attend, event, make_person(), 3, 7)

    add_training()
    # the distributions of the checks; the aggregate over the participants' scores
    with django_assert_num_queries(2):
        assert knowledge_change(Event.objects.all()).checked == 3
    for _n in range(6):
        add_training()
    with django_assert_num_queries(2):
        assert knowledge_change(Event.objects.all()).checked == 21


# --- The event's page ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "staff", "la_kyshtut"])
def test_the_event_page_shows_the_change_to_roles_that_see_the_event(client_for, users, training, role):
    page = client_for(users[role]).get(url("dialogues:event-detail", training["event"].pk)).content.decode()
    assert 'data-testid="knowledge-change"' in page
    if role == "la_kyshtut":
        # Two people checked: their mean is hidden, the counts of 1–4 show "<5" (one passed, after; none before).
        assert "50 % → 70 %" not in page and "0 → &lt;5" in page
    else:
        assert "50 % → 70 %" in page and "0 → 1" in page  # (40 + 60) / 2 → (80 + 60) / 2


def test_a_local_authority_sees_means_once_five_people_were_checked(
    client_for, la_kyshtut, training, make_person, attend
):
    for n in range(3):
        scored(attend, training["event"], make_person(full_name=f"Катышуучу {n}"), 5, 9)
    page = client_for(la_kyshtut).get(url("dialogues:event-detail", training["event"].pk)).content.decode()
    # (40 + 60 + 3 × 50) / 5 → (80 + 60 + 3 × 90) / 5
    assert "50 % → 82 %" in page and "Катышуучу" not in page


def test_the_event_page_of_other_kinds_has_no_knowledge_check(client_for, staff, make_event):
    page = client_for(staff).get(url("dialogues:event-detail", make_event(kind="dialogue_meeting").pk))
    assert 'data-testid="knowledge-section"' not in page.content.decode()


def test_the_knowledge_page_query_count_does_not_grow_with_the_participants(
    client_for, staff, la_kyshtut, training, make_person, attend
):
    page = url("dialogues:knowledge-check", training["event"].pk)
    small = {user: count_queries(client_for(user), page) for user in (staff, la_kyshtut)}
    for n in range(6):
        scored(attend, training["event"], make_person(full_name=f"Катышуучу {n}"), 3, 7)
    assert {user: count_queries(client_for(user), page) for user in (staff, la_kyshtut)} == small


# --- The demo ------------------------------------------------------------------------------------------------


def test_the_demo_trainings_get_plausible_scores_once(registry):
    from dialogues import seed
    from stakeholders import seed as stakeholder_seed

    stakeholder_seed.load_demo()
    assert seed.load_demo()["knowledge checks"] == 3
    change = knowledge_change(Event.objects.all())
    assert (change.trainings, change.checked, change.after_only) == (3, 60, 3)
    assert change.mean_before < change.mean_after and 0 < change.passed_before < change.passed < change.checked
    first = list(Attendance.objects.order_by("id").values_list("pre_score", "post_score"))
    assert seed.load_demo()["knowledge checks"] == 0
    assert list(Attendance.objects.order_by("id").values_list("pre_score", "post_score")) == first


def test_merging_two_records_of_a_participant_keeps_the_scores_of_either(staff, training, make_person, attend):
    from stakeholders import merging

    event, aigul = training["event"], training["aigul"]
    aigul.post_score = None
    aigul.save()
    repeat = make_person(full_name="Айгул Токтосунова")
    scored(attend, event, repeat, 2, 9)
    merging.merge(aigul.person, repeat, staff, "The same person, spelled two ways.")
    kept = Attendance.objects.get(event=event, person=aigul.person)
    # The kept record's score before stays; the other record's score after fills the gap.
    assert (kept.pre_score, kept.post_score) == (4, 9)
