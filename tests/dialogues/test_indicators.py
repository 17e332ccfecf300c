"""The dialogues' and plans' indicators (dialogues/indicators.py) against crafted data: each value and breakdown,
dates and sites in and out of the scope, merged and deactivated records left out, a person counted once; then
through the results framework as the viewer (suppression at 4, 5 and a complementary cell); and the query count of
every provider, the same with and without data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dialogues import counting, indicators
from dialogues.models import DialoguePlatform, InitiativeGroup
from dialogues.plans.models import ActionStatus, ConflictPreventionPlan, PlanAction
from mapping_portal import hooks
from mapping_portal.results import framework, periods
from mapping_portal.results.models import Programme
from stakeholders.models import Membership

D = datetime.date
WHOLE = (D(2024, 4, 1), D(2026, 12, 31))  # the programme's dates: every event of the tests is within them
Q1_2026 = (D(2026, 1, 1), D(2026, 3, 31))
FORMED = D(2026, 3, 25)


@pytest.fixture(autouse=True)
def english():
    """The notes are read in English here (they are translated like every string)."""
    with translation.override("en"):
        yield


@pytest.fixture
def scope(registry, staff):
    """`scope(dates=WHOLE, sites=None (every site) or slugs, user=staff)` — a hooks.Scope."""

    def make(dates=WHOLE, sites=None, user=None):
        ids = None if sites is None else {registry[slug].pk for slug in sites}
        return hooks.Scope(user or staff, dates[0], dates[1], ids)

    return make


def rows(measure, dimension):
    """{key: value} of one breakdown."""
    breakdown = next(b for b in measure.breakdowns if b.dimension == dimension)
    return {key: value for key, _label, value in breakdown.rows}


# --- People reached and trained -------------------------------------------------------------------------------


@pytest.fixture
def reached(make_event, make_person, attend, tally):
    """Kyshtut: a three-day training (10 March 2026) and a dialogue meeting (20 March); Kerben: a meeting (1 April).
    Aigul (woman, 26) attends all of the training and the meeting; Bakyt (man, 56) misses the training's second
    day; Cholpon (woman, 11, home site Kerben, "a lot of difficulty" seeing) the meeting only; Dilnoza, a duplicate
    of Aigul merged into her, attends the Kerben meeting; an organizer and a planned event's participant are not
    counted. 12 people tallied at the Kyshtut meeting (3 of them completed nothing: not a training)."""
    training = make_event(start=D(2026, 3, 10), days=3)
    meeting = make_event(start=D(2026, 3, 20), kind="dialogue_meeting")
    kerben = make_event(site="kerben", start=D(2026, 4, 1), kind="dialogue_meeting")
    planned = make_event(start=D(2026, 3, 25), kind="training", status="planned")
    aigul = make_person(full_name="Айгүл", sex="female", birth_year=2000)
    bakyt = make_person(full_name="Бакыт", sex="male", birth_year=1970)
    cholpon = make_person(site="kerben", full_name="Чолпон", sex="female", birth_year=2015, wg_seeing="a_lot")
    dilnoza = make_person(full_name="Айгүл (эки жолу)", sex="female", birth_year=2000)
    organizer = make_person(full_name="Уюштуруучу", sex="male")
    absent = make_person(full_name="Пландагы", sex="male")
    attend(training, aigul)
    attend(meeting, aigul)
    attend(training, bakyt, days=[1, 3])
    attend(meeting, cholpon)
    attend(kerben, dilnoza)
    attend(training, organizer, role="organizer")
    attend(planned, absent)
    type(dilnoza).objects.filter(pk=dilnoza.pk).update(merged_into=aigul)
    tally(meeting, sex="female", band="15_24", count=12)
    return {"training": training, "meeting": meeting, "kerben": kerben}


def test_people_reached_counts_each_named_participant_once_with_its_breakdowns(reached, scope):
    measure = indicators.people_reached(scope())
    assert (measure.value, measure.people) == (3, True)  # Aigul (and her merged duplicate), Bakyt, Cholpon
    assert rows(measure, "site") == {"akturpak": 0, "kyshtut": 2, "kerben": 1}  # the home site
    assert rows(measure, "sex") == {"female": 2, "male": 1}
    assert rows(measure, "age") == {"under_14": 1, "youth": 1, "36_plus": 1, "unknown": 0}
    assert rows(measure, "disability") == {"yes": 1, "no": 0, "unknown": 2}
    assert "12" in measure.note  # the tallies, apart


def test_people_trained_counts_only_every_day_of_a_held_training(reached, scope):
    measure = indicators.people_trained(scope())
    assert measure.value == 1  # Aigul; Bakyt missed a day, the planned training and the meeting do not count
    assert rows(measure, "sex") == {"female": 1, "male": 0}
    assert rows(measure, "age") == {"under_14": 0, "youth": 1, "36_plus": 0, "unknown": 0}
    assert measure.note == ""  # no one tallied at a training


def test_events_starting_outside_the_dates_are_left_out(reached, scope):
    # The training starts on 10 March: in the first quarter; the Kerben meeting (1 April) is not.
    assert indicators.people_reached(scope(Q1_2026)).value == 3  # Aigul, Bakyt, Cholpon at Kyshtut
    before = indicators.people_reached(scope((D(2026, 3, 11), D(2026, 3, 31))))  # the training began the day before
    assert before.value == 2  # Aigul and Cholpon, at the meeting
    assert indicators.people_trained(scope((D(2026, 3, 11), D(2026, 12, 31)))).value == 0
    assert indicators.people_reached(scope((D(2026, 4, 1), D(2026, 4, 1)))).value == 1  # Aigul, merged, at Kerben


def test_a_site_scope_counts_its_events_and_shows_people_from_elsewhere_apart(reached, scope):
    kerben = indicators.people_reached(scope(sites=["kerben"]))
    assert kerben.value == 1  # Aigul (her duplicate attended there)
    assert rows(kerben, "site") == {"kerben": 0, "elsewhere": 1}
    kyshtut = indicators.people_reached(scope(sites=["kyshtut"]))
    assert rows(kyshtut, "site") == {"kyshtut": 2, "elsewhere": 1}  # Cholpon lives in Kerben
    assert indicators.people_reached(scope(sites=["akturpak"])).value == 0
    assert indicators.people_reached(scope(sites=[])).value == 0


def test_the_whole_project_is_read_from_the_reach_summary_with_the_same_counts(reached, scope, make_event, monkeypatch):
    """As the reports page opens (every held event of the sites within the dates) the cube comes from the reach
    summary; when a held event lies outside the dates, from the reach of any period (tests/dialogues/
    test_reach_span.py compares it with the live count). Both give the same numbers."""
    calls = []
    for name in ("count_people", "count_people_at_sites", "count_people_within"):
        original = getattr(counting, name)
        monkeypatch.setattr(counting, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    summary = indicators.people_reached(scope())
    make_event(site="akturpak", start=D(2023, 5, 1))  # held before the project, nobody named: the same people
    live = indicators.people_reached(scope())
    assert calls == ["count_people_at_sites", "count_people_within"]
    assert live.value == summary.value == 3
    assert [b.rows for b in live.breakdowns] == [b.rows for b in summary.breakdowns]
    assert live.note == summary.note


def test_the_people_figures_link_to_the_events_for_those_who_see_them(reached, scope, viewer, la_kyshtut):
    trained = indicators.people_trained(scope(Q1_2026, sites=["kyshtut"]))
    assert trained.url.startswith("/en/dialogues/?")
    for part in ("status=held", "kind=training", "date_from=01.01.2026", "date_to=31.03.2026", "site=kyshtut"):
        assert part in trained.url
    assert "kind=" not in indicators.people_reached(scope()).url
    assert "site=" not in indicators.people_reached(scope()).url
    assert indicators.people_trained(scope(sites=["kyshtut"], user=la_kyshtut)).url
    assert indicators.people_trained(scope(user=viewer)).url == ""
    assert indicators.women_share_participants(scope(user=viewer)).url == ""


def test_the_tallies_in_the_note_are_suppressed_when_small_for_the_viewer(make_event, tally, scope, viewer):
    tally(make_event(kind="dialogue_meeting"), count=3)
    assert "3" in indicators.people_reached(scope()).note
    note = indicators.people_reached(scope(user=viewer)).note
    assert "<5" in note and "3" not in note


def test_the_women_shares_leave_out_people_of_unknown_sex_and_tallies(reached, make_person, attend, scope):
    unknown = make_person(full_name="Белгисиз", sex="")
    attend(reached["training"], unknown)
    participants = indicators.women_share_participants(scope())
    assert (participants.part, participants.whole) == (2, 3)  # Aigul and Cholpon of the three with a sex recorded
    assert "1 person whose sex is not recorded" in participants.note
    assert "not recorded" not in indicators.women_share_participants(scope(sites=["kerben"])).note
    assert rows(indicators.people_reached(scope()), "sex") == {"female": 2, "male": 1, "unknown": 1}
    trained = indicators.women_share_trained(scope())
    assert (trained.part, trained.whole) == (1, 1)  # Aigul; the person of unknown sex completed too, left out
    kerben = indicators.women_share_trained(scope(sites=["kerben"]))
    assert (kerben.part, kerben.whole) == (0, 0)


# --- Initiative groups ----------------------------------------------------------------------------------------


@pytest.fixture
def make_group(make_organization):
    def make(site="kyshtut", formed_on=FORMED, **fields):
        organization = make_organization(site=site, type_code="initiative-group", **fields.pop("organization", {}))
        return InitiativeGroup.objects.create(organization=organization, formed_on=formed_on, **fields)

    return make


def test_initiative_groups_formed_within_the_dates_are_counted_by_site(make_group, scope):
    make_group()
    make_group(formed_on=D(2026, 1, 5))
    make_group(site="kerben")
    make_group(formed_on=D(2024, 3, 31))  # before the project
    make_group(formed_by_project=False)  # the project works with it, did not form it
    make_group(organization={"is_active": False})  # deactivated
    merged = make_group()
    type(merged.organization).objects.filter(pk=merged.organization_id).update(
        merged_into=make_group().organization  # the group kept is counted, the merged one not
    )
    make_group(formed_on=None)
    measure = indicators.initiative_groups(scope())
    assert (measure.value, measure.people) == (4, False)
    assert rows(measure, "site") == {"akturpak": 0, "kyshtut": 3, "kerben": 1}
    assert measure.breakdowns[0].people is False
    assert "1" in measure.note  # the group with no formation date
    assert indicators.initiative_groups(scope(Q1_2026, sites=["kyshtut"])).value == 3
    assert indicators.initiative_groups(scope((D(2026, 2, 1), D(2026, 12, 31)), sites=["kyshtut"])).value == 2
    assert indicators.initiative_groups(scope(sites=["akturpak"])).note == ""


def test_the_initiative_groups_link_for_those_who_see_events(make_group, scope, viewer):
    make_group()
    assert indicators.initiative_groups(scope()).url.endswith("/dialogues/initiative-groups/")
    assert indicators.initiative_groups(scope(user=viewer)).url == ""


def test_women_share_of_initiative_group_members_at_the_end_of_the_dates(make_group, make_person, scope, viewer):
    group, other = (make_group(formed_on=D(2024, 6, 1)).organization for _ in range(2))
    women = [make_person(sex="female") for _ in range(3)]
    men = [make_person(sex="male") for _ in range(2)]
    for person in women[:2] + men[:1]:
        Membership.objects.create(person=person, organization=group, since=2025)
    Membership.objects.create(person=women[0], organization=other)  # in two groups: once
    Membership.objects.create(person=women[0], organization=other, role="leader")
    Membership.objects.create(person=men[1], organization=group, until=2025)  # left before 2026
    Membership.objects.create(person=women[2], organization=group, role="contact")  # not a member
    late = make_person(sex="male")
    Membership.objects.create(person=late, organization=group, since=2027)  # joins after the dates
    gone = make_person(sex="male", is_active=False)
    Membership.objects.create(person=gone, organization=group)  # deactivated
    duplicate = make_person(sex="male")  # a duplicate of a woman, merged into her: counted as her
    type(duplicate).objects.filter(pk=duplicate.pk).update(merged_into=women[1])
    Membership.objects.create(person=duplicate, organization=other)
    elsewhere = make_group(site="kerben").organization
    Membership.objects.create(person=make_person(site="kerben", sex="male"), organization=elsewhere)
    unknown = make_person(sex="")
    Membership.objects.create(person=unknown, organization=group)
    dissolved = make_group(organization={"is_active": False}).organization
    Membership.objects.create(person=make_person(sex="male"), organization=dissolved)
    later = make_group(formed_on=D(2027, 1, 10)).organization
    Membership.objects.create(person=make_person(sex="male"), organization=later)

    kyshtut = indicators.women_share_initiative_groups(scope(sites=["kyshtut"]))
    assert (kyshtut.part, kyshtut.whole) == (2, 3)
    assert "1 person whose sex is not recorded" in kyshtut.note
    assert "<5 person" in indicators.women_share_initiative_groups(scope(sites=["kyshtut"], user=viewer)).note
    everywhere = indicators.women_share_initiative_groups(scope())
    assert (everywhere.part, everywhere.whole) == (2, 4)
    # At the end of 2025: the man who left in 2025 is still a member.
    in_2025 = indicators.women_share_initiative_groups(scope((D(2025, 1, 1), D(2025, 12, 31)), sites=["kyshtut"]))
    assert (in_2025.part, in_2025.whole) == (2, 4)


# --- Centres --------------------------------------------------------------------------------------------------


def test_centres_opened_within_the_dates_are_counted_by_site(make_platform, scope):
    Status = DialoguePlatform.Status
    make_platform(opened_on=D(2026, 2, 9))
    make_platform(site="kerben", opened_on=D(2026, 2, 16))
    make_platform(opened_on=D(2025, 5, 1), status=Status.CLOSED)  # opened, since closed: counted, said
    make_platform(opened_on=D(2026, 5, 1), status=Status.PLANNED)  # still being set up
    make_platform(site="akturpak", opened_on=D(2024, 1, 10))  # before the project
    make_platform(site="akturpak")  # open, no date: said
    measure = indicators.centres(scope())
    assert (measure.value, measure.people) == (3, False)
    assert rows(measure, "site") == {"akturpak": 0, "kyshtut": 2, "kerben": 1}
    assert "1" in measure.note and len(measure.note.split(".")) > 2  # one closed since, one with no date
    assert indicators.centres(scope(Q1_2026)).value == 2
    assert indicators.centres(scope(Q1_2026, sites=["kyshtut"])).note == ""
    assert "site=kyshtut" in indicators.centres(scope(sites=["kyshtut"])).url


def test_the_centres_link_for_those_who_see_events(make_platform, scope, viewer):
    make_platform(opened_on=D(2026, 2, 9))
    assert "/dialogues/centres/" in indicators.centres(scope()).url
    assert indicators.centres(scope(user=viewer)).url == ""


# --- Plans ----------------------------------------------------------------------------------------------------


def test_plans_approved_within_the_dates_are_counted_once_by_site(make_plan, scope):
    first = make_plan(status="in_implementation", decision_date=D(2026, 2, 1))
    make_plan(  # its new version, approved again: the same plan
        authoring_body=first.authoring_body, status="approved", decision_date=D(2026, 6, 1), previous_version=first
    )
    make_plan(site="kerben", status="completed", decision_date=D(2025, 3, 1))
    make_plan(site="akturpak", status="submitted")
    make_plan(site="akturpak", status="draft")
    measure = indicators.plans_approved(scope())
    assert (measure.value, measure.people) == (2, False)
    assert rows(measure, "site") == {"akturpak": 0, "kyshtut": 1, "kerben": 1}
    assert indicators.plans_approved(scope(Q1_2026)).value == 1
    assert indicators.plans_approved(scope((D(2026, 4, 1), D(2026, 12, 31)))).value == 0  # only re-approved then


def test_the_plans_link_for_those_who_see_plans(make_plan, scope, viewer, reviewer):
    make_plan(status="approved")
    assert "/plans/" in indicators.plans_approved(scope(user=viewer)).url  # viewers read approved plans
    assert "site=kerben" in indicators.plans_approved(scope(sites=["kerben"])).url
    assert indicators.plans_approved(scope(user=reviewer)).url == ""


def _created(when):
    """Date every plan action's history so far (their creation) `when`: before the changes `_mark` dates."""
    PlanAction.history.model.objects.update(
        history_date=datetime.datetime.combine(when, datetime.time(9), tzinfo=datetime.UTC)
    )


def _mark(action, status, when):
    """Change an action's status as the workflow does (a history row), dated `when`."""
    action.status = status
    action.save()
    action.history.filter(pk=action.history.latest().pk).update(
        history_date=datetime.datetime.combine(when, datetime.time(12), tzinfo=datetime.UTC)
    )


def test_plan_actions_done_within_the_dates_count_against_the_actions_of_the_plans_in_force(make_plan, scope):
    plan = make_plan(status="in_implementation", actions=4)
    _created(D(2026, 2, 1))
    first, second, third, fourth = plan.actions.order_by("pk")
    _mark(first, ActionStatus.DONE, D(2026, 3, 5))
    _mark(second, ActionStatus.DONE, D(2026, 5, 5))
    _mark(third, ActionStatus.DONE, D(2026, 2, 1))  # done, reopened, done again in June
    _mark(third, ActionStatus.IN_PROGRESS, D(2026, 2, 10))
    _mark(third, ActionStatus.DONE, D(2026, 6, 10))
    _mark(fourth, ActionStatus.IN_PROGRESS, D(2026, 3, 1))
    make_plan(site="kerben", status="submitted", actions=3)  # not approved: its actions are not counted
    measure = indicators.plan_actions_completed(scope())
    assert (measure.value, measure.people) == (3, False)
    assert "3" in measure.note and "4" in measure.note
    assert rows(measure, "site") == {"akturpak": 0, "kyshtut": 3, "kerben": 0}
    assert indicators.plan_actions_completed(scope(Q1_2026)).value == 1  # the first; the third was reopened
    assert indicators.plan_actions_completed(scope((D(2026, 6, 1), D(2026, 6, 30)))).value == 1


def test_a_new_version_keeps_its_actions_done_dates_and_is_not_counted_twice(make_plan, scope):
    plan = make_plan(status="in_implementation", actions=2)
    _created(D(2026, 2, 1))
    done, other = plan.actions.order_by("pk")
    _mark(done, ActionStatus.DONE, D(2026, 3, 5))
    version = ConflictPreventionPlan.objects.create(
        site=plan.site,
        authoring_body=plan.authoring_body,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        previous_version=plan,
        version_number=2,
        status="approved",
        decision_number="2/1",
        decision_date=D(2026, 7, 1),
    )
    for action in (done, other):  # copied with their keys and statuses, as open_new_version does (history: today)
        PlanAction.objects.create(
            plan=version,
            key=action.key,
            title=action.title,
            focus=action.focus,
            start_date=action.start_date,
            end_date=action.end_date,
            status=action.status,
        )
    assert indicators.plan_actions_completed(scope(Q1_2026)).value == 1  # the first version, in force then
    measure = indicators.plan_actions_completed(scope())
    assert measure.value == 1  # the version in force; done on 5 March, not on the copy's day
    assert "1" in measure.note and "2" in measure.note
    assert indicators.plan_actions_completed(scope((D(2026, 7, 1), D(2026, 12, 31)))).value == 0


def test_an_action_done_without_history_is_dated_by_its_end(make_plan, scope):
    plan = make_plan(status="approved")
    PlanAction.objects.filter(plan=plan).update(status=ActionStatus.DONE)  # no history row says when
    PlanAction.history.model.objects.all().delete()
    assert indicators.plan_actions_completed(scope(Q1_2026)).value == 0  # it ends on 30 June
    assert indicators.plan_actions_completed(scope((D(2026, 4, 1), D(2026, 6, 30)))).value == 1


def test_the_plan_actions_link_to_the_site_follow_up(make_plan, scope, reviewer):
    make_plan(status="approved")
    assert indicators.plan_actions_completed(scope(sites=["kyshtut"])).url.endswith("/plans/sites/kyshtut/")
    assert indicators.plan_actions_completed(scope()).url.endswith("/plans/")
    assert indicators.plan_actions_completed(scope(user=reviewer)).url == ""


# --- Through the results framework, as the viewer ------------------------------------------------------------


@pytest.fixture
def nine_trained(make_event, make_person, attend):
    """Nine people trained at Kyshtut: five young women, two men of 56 and two boys of 11."""
    training = make_event(start=D(2026, 3, 10), days=2)
    people = [make_person(sex="female", birth_year=2000) for _ in range(5)]
    people += [make_person(sex="male", birth_year=1970) for _ in range(2)]
    people += [make_person(sex="male", birth_year=2015) for _ in range(2)]
    for person in people:
        attend(training, person)


def _figure(user, measure, site=None):
    programme = Programme.current()
    report = framework.build(user, programme, periods.parse("all", programme), site)
    return next(figure for figure in report.figures if figure.indicator.measure == measure)


def test_the_viewer_sees_cells_of_4_hidden_5_shown_and_the_complement_marked(nine_trained, viewer, staff):
    figure = _figure(viewer, "people_trained")
    assert (figure.actual, figure.target, figure.url) == (9, Decimal(60), "")
    shown = {b.dimension: {key: value for key, _label, value in b.rows} for b in figure.breakdowns}
    assert shown["sex"] == {"female": "≥5", "male": "<5"}  # 5 women hidden only so that the 4 men cannot be worked out
    assert shown["age"] == {"under_14": "<5", "youth": 5, "36_plus": "<5", "unknown": 0}
    assert shown["site"] == {"akturpak": 0, "kyshtut": 9, "kerben": 0}
    assert _figure(viewer, "women_share_trained").actual == "n<5"  # 4 men are the rest
    exact = _figure(staff, "people_trained")
    assert {key: value for key, _label, value in exact.breakdowns[1].rows} == {"female": 5, "male": 4}
    assert _figure(staff, "women_share_trained").actual == Decimal("55.6")
    assert exact.url


def test_the_framework_gets_every_dialogues_measure(make_group, make_platform, make_plan, viewer, registry):
    make_group()
    make_platform(opened_on=D(2026, 2, 9))
    make_plan(status="approved")
    figures = {
        measure: _figure(viewer, measure, registry["kyshtut"]).actual
        for measure in ("initiative_groups", "centres", "plans_approved", "plan_actions_completed", "people_reached")
    }
    assert figures == {
        "initiative_groups": 1,
        "centres": 1,
        "plans_approved": 1,
        "plan_actions_completed": 0,
        "people_reached": 0,
    }


# --- Queries ------------------------------------------------------------------------------------------------------

QUERIES = {
    "people_reached": 4,  # sites, held events' first and last days, the people, the tallies
    "people_trained": 4,
    "women_share_participants": 3,  # sites, first and last days, the people
    "women_share_trained": 3,
    "initiative_groups": 2,  # sites, the groups
    "women_share_initiative_groups": 1,
    "centres": 2,
    "plans_approved": 2,
    "plan_actions_completed": 2,
}


def _queries(provider, scope) -> int:
    with CaptureQueriesContext(connection) as context:
        provider(scope)
    return len(context)


def test_each_provider_runs_a_fixed_number_of_queries(
    scope, make_event, attend, tally, make_group, make_platform, make_plan, make_person
):
    providers = {measure: hooks.indicators.get(measure) for measure in QUERIES}
    assert providers == {measure: getattr(indicators, measure) for measure in QUERIES}  # registered by measure
    empty = {measure: _queries(provider, scope()) for measure, provider in providers.items()}
    assert empty == QUERIES
    for n in range(3):  # records of every kind, at two sites
        for site in ("kyshtut", "kerben"):
            training = make_event(site=site, start=D(2026, 3, 10 + n), days=2)
            for sex in ("female", "male", ""):
                person = make_person(site=site, sex=sex, birth_year=1990 + n)
                attend(training, person)
                Membership.objects.create(person=person, organization=make_group(site=site).organization)
            tally(training, count=4)
            make_platform(site=site, opened_on=D(2026, 2, 1 + n))
            plan = make_plan(site=site, status="in_implementation", actions=2)
            _created(D(2026, 2, 1))
            _mark(plan.actions.first(), ActionStatus.DONE, D(2026, 3, 1))
    for dates in (WHOLE, Q1_2026, (D(2024, 4, 1), D(2024, 12, 31))):  # the reach summary, live, nothing then
        for sites in (None, ["kyshtut"], ["kyshtut", "kerben"]):
            counted = {measure: _queries(provider, scope(dates, sites)) for measure, provider in providers.items()}
            assert counted == QUERIES
    # A site the user does not see: nothing to count.
    assert {measure: _queries(provider, scope(sites=[])) for measure, provider in providers.items()} == dict.fromkeys(
        QUERIES, 0
    )


# --- Participants who passed the knowledge check --------------------------------------------------------------


def test_people_who_passed_the_knowledge_check_after_a_training(scope, make_event, make_person, attend):
    from dialogues.models import KnowledgeCheck

    def scored(event, pre, post, site="kyshtut"):
        row = attend(event, make_person(site=site))
        row.pre_score, row.post_score = pre, post
        row.save()

    training = make_event(days=3)
    KnowledgeCheck.objects.create(event=training, max_score=10, after_bands=[0] * 7 + [3, 0, 0])
    for pre, post in ((4, 8), (6, 7), (5, 6), (2, 9)):  # three reach 7 of 10 after
        scored(training, pre, post)
    scored(training, None, 10)  # scored after only: passed
    scored(training, 8, None)  # no score after: not counted
    elsewhere = make_event(site="kerben", days=3)
    KnowledgeCheck.objects.create(event=elsewhere, max_score=20)
    scored(elsewhere, 10, 20, site="kerben")
    later = make_event(start=D(2026, 5, 4), days=3)
    KnowledgeCheck.objects.create(event=later, max_score=10)
    scored(later, 1, 9)
    planned = make_event(status="planned", days=3)
    KnowledgeCheck.objects.create(event=planned, max_score=10)
    scored(planned, 1, 9)

    figure = hooks.indicators.get("people_passed_knowledge_check")
    assert figure(scope()).value == 6  # 3 + 1 after only at Kyshtut, Kerben's 1, the May training's 1
    assert figure(scope(sites=["kyshtut"])).value == 5
    assert figure(scope(dates=Q1_2026, sites=["kyshtut"])).value == 4
    first = figure(scope(dates=Q1_2026, sites=["kyshtut"]))
    assert "Plus 3 who passed in checks without names" in first.note
    assert "kind=training" in first.url
    assert figure(scope(user=None, sites=[])).value == 0


def test_the_knowledge_check_figure_takes_two_queries(scope, make_event, django_assert_num_queries):
    from dialogues.models import KnowledgeCheck

    KnowledgeCheck.objects.create(event=make_event(days=3), max_score=10)
    with django_assert_num_queries(3):  # the sites, the checks, the scores
        hooks.indicators.get("people_passed_knowledge_check")(scope())
