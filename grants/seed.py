"""Demo data of the small grants, loaded by `manage.py seed_demo` after the dialogues (idempotent): one call for
the three pilot sites that requires the three-day training, and in each site applications by people who completed
it, through the whole cycle (PROJECTS): screened (one not eligible), reviewed by the demo `reviewer` (one review
still to do), ranked, rejected or awarded, tranches planned and paid, a progress report. And an open call of Kyshtut
that the demo `applicant` may apply to online.

Status changes and awards need a user: they are recorded as the demo user `staff`, so the demo users are created
here already (seed_demo's own step, same password), and seed_demo then finds them in place."""

import datetime
import os
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dialogues.models import Attendance, EventKind
from grants import workflow
from grants.models import (
    ApplicantAccount,
    ApplicationStatus,
    Award,
    BudgetLine,
    GrantApplication,
    GrantCall,
    GrantReport,
    ReportSpending,
)
from mapping_portal.models import PilotSite, User
from mapping_portal.roles import Role
from stakeholders.models import Person

D = datetime.date
CALL_TITLE = "Үч күндүк тренингден кийинки чакан гранттар, 2026"

SOCIAL_LINES = [("Жолугушууларга чай-суу", "жолугушуу", 12, "2500", "0"), ("Проектор", "даана", 1, "38000", "5000")]
BUSINESS_LINES = [("Жабдуулар", "даана", 3, "21000", "10000"), ("Чийки зат", "кг", 200, "180", "0")]
SPORT_LINES = [("Спорттук буюмдар", "топтом", 4, "6500", "0"), ("Сыйлыктар", "даана", 10, "900", "2000")]
TRAINING_LINES = [("Тренердин кызматы", "күн", 6, "4000", "0"), ("Окуу материалдары", "топтом", 30, "450", "1500")]

# Each site's applications to the call: title, kind, budget lines, where it ends up. Leads are people who completed
# the three-day training, except the one rejected at screening (its lead missed a day: not eligible).
#   approved: reviewed, awarded, first tranche paid, a progress report; awarded: reviewed and awarded, the first
#   tranche planned and due; reviewed: in review, the reviewer's review handed in; to_review: in review, assigned to
#   `reviewer`, who has yet to open it; scoring: in review, `reviewer` declared no conflict and scored half of it;
#   rejected: reviewed and rejected; not_eligible: rejected at screening.
PROJECTS = {
    "akturpak": [
        ("Жаш-Тилек айылында жаштар үчүн диалог клубу", "social", SOCIAL_LINES, "approved"),
        ("Аялдардын тигүү цехи", "business", BUSINESS_LINES, "awarded"),
        ("Сугат арыктарын биргелешип тазалоо", "social", SPORT_LINES, "rejected"),
        ("Ак-Турпакта жылытылган күнөскана", "business", BUSINESS_LINES, "submitted"),
    ],
    "kyshtut": [
        ("Чек ара айылдарындагы спорт мелдеши", "social", SPORT_LINES, "approved"),
        ("Таян айылында балдар китепканасы", "social", SOCIAL_LINES, "reviewed"),
        ("Газ айылында нан бышыруучу жай", "business", BUSINESS_LINES, "to_review"),
        ("Жаштар үчүн компьютердик курстар", "social", TRAINING_LINES, "not_eligible"),
        ("Сай айылында бал челек чарбасы", "business", BUSINESS_LINES, "submitted"),
    ],
    "kerben": [
        ("Кербенде аялдар үчүн укуктук кеңеш берүү күндөрү", "social", TRAINING_LINES, "approved"),
        ("Мамай айылында жаштар үчүн спорт аянтчасы", "social", SPORT_LINES, "rejected"),
        ("Устукан айылында жемиш кургатуучу жай", "business", BUSINESS_LINES, "scoring"),
        ("Кербен базарында жаш ишкерлер үчүн окутуу", "social", TRAINING_LINES, "screening"),
    ],
}
# The reviewer's score (1–5) by outcome, give or take one on each criterion, and the recommendation.
REVIEWS = {"approved": (4, "yes"), "awarded": (4, "yes"), "reviewed": (3, "maybe"), "rejected": (2, "no")}


def load_reference() -> dict:
    """The default review criteria are created with each call; there is no other reference list."""
    return {}


def _demo_staff():
    from mapping_portal.management.commands.seed_demo import Command

    Command().create_demo_users(os.environ.get("DEMO_PASSWORD") or "demo")
    return User.objects.get(username="staff")


@transaction.atomic
def load_demo(scale: str = "pilot") -> dict:
    created = {"grant calls": 0, "grant applications": 0, "awards": 0}
    sites = list(PilotSite.objects.all())
    if not sites:
        return created
    call, new = GrantCall.objects.get_or_create(
        title_ky=CALL_TITLE,
        defaults={
            "title_ru": "Малые гранты после трёхдневного тренинга, 2026",
            "title_en": "Small grants after the three-day training, 2026",
            "description_ky": "Демо жазуу. Социалдык жана бизнес долбоорлорго чакан гранттар.",
            "description_ru": "Демонстрационная запись. Малые гранты на социальные и бизнес-проекты.",
            "kinds": ["social", "business"],
            "opens_on": D(2026, 4, 1),
            "closes_on": D(2026, 5, 31),
            "envelope": Decimal("1500000"),
            "max_per_grant": Decimal("150000"),
            "status": GrantCall.Status.CLOSED,
            "requires_training": True,
            "training_days": 3,
        },
    )
    created["grant calls"] += new
    _load_pilot(call, sites, created)
    created["grant calls"] += _load_online_call(sites)
    if scale == "national":
        created |= _load_national_volumes()
    return created


ONLINE_CALL_TITLE = "Жаштардын демилгелери: онлайн өтүнмөлөр"


def _load_online_call(sites) -> int:
    """An open call of Kyshtut that also takes applications online, and the demo user `applicant` linked to a
    person of Kyshtut who completed the training: sign in as `applicant` to write and submit an application."""
    kyshtut = next((site for site in sites if site.slug == "kyshtut"), None)
    if kyshtut is None:
        return 0
    today = timezone.localdate()
    call, new = GrantCall.objects.get_or_create(
        title_ky=ONLINE_CALL_TITLE,
        defaults={
            "title_ru": "Молодёжные инициативы: заявки онлайн",
            "title_en": "Youth initiatives: applications online",
            "description_ky": "Демо жазуу. Өтүнмөнү порталда өзүңүз жазып, тапшырсаңыз болот.",
            "description_ru": "Демонстрационная запись. Заявку можно написать и подать на портале самостоятельно.",
            "kinds": ["social"],
            "opens_on": today - datetime.timedelta(days=7),
            "closes_on": today + datetime.timedelta(days=60),
            "envelope": Decimal("500000"),
            "max_per_grant": Decimal("100000"),
            "status": GrantCall.Status.OPEN,
            "accepts_online_applications": True,
        },
    )
    if new:
        call.sites.set([kyshtut])
        call.add_default_criteria()
    _demo_staff()  # the demo users, `applicant` among them
    user = User.objects.filter(username="applicant", role=Role.APPLICANT).first()
    person = (
        Person.objects.filter(site=kyshtut, attendances__role="participant", merged_into=None)
        .exclude(applicant_accounts__isnull=False)
        .order_by("id")
        .first()
    )
    if user is not None and person is not None and not ApplicantAccount.objects.filter(user=user).exists():
        ApplicantAccount.objects.create(user=user, person=person)
    return int(new)


def _load_pilot(call, sites, created):
    call.sites.set(sites)
    call.add_default_criteria()
    user = _demo_staff()
    reviewer = User.objects.filter(username="reviewer", role=Role.REVIEWER).first()
    for site in sites:
        attendances = list(
            Attendance.objects.filter(
                event__site=site, event__kind=EventKind.TRAINING, role="participant", person__site=site
            )
            .exclude(event__venue=BENCHMARK)  # the demo's own trainings, not the national volumes
            .select_related("event", "person")
            .order_by("person_id")
        )
        trained = [attendance.person for attendance in attendances if attendance.attended_all_days]
        missed = [attendance.person for attendance in attendances if not attendance.attended_all_days]
        pools = {True: iter(missed), False: iter(trained)}
        for title, kind, lines, outcome in PROJECTS.get(site.slug, []):
            lead = next(pools[outcome == "not_eligible"], None)
            if lead is None or call.applications.filter(site=site, title=title).exists():
                continue
            application = GrantApplication.objects.create(
                call=call,
                site=site,
                lead_applicant=lead,
                kind=kind,
                title=title,
                problem="Демо жазуу. / Демонстрационная запись.",
                objectives="Жамааттын биримдигин бекемдөө.",
                activities="01.06–30.06: даярдоо\n01.07–30.09: иш-чаралар",
                young_women=12,
                young_men=10,
                women=6,
                men=4,
                created_by=user,
            )
            for order, (item, unit, quantity, unit_cost, co_funding) in enumerate(lines):
                BudgetLine.objects.create(
                    application=application,
                    item=item,
                    unit=unit,
                    quantity=quantity,
                    unit_cost=Decimal(unit_cost),
                    co_funding=Decimal(co_funding),
                    order=order,
                )
            application.requested_amount, application.co_funding_amount = application.totals_from_lines()
            application.save()
            created["grant applications"] += 1
            created["awards"] += _advance(application, outcome, user, reviewer)


def _advance(application, outcome, user, reviewer) -> int:
    """Take the application to its outcome through the grants' workflow, as staff and the reviewer would."""
    path = {
        "submitted": ["submitted"],
        "screening": ["submitted", "screening"],
        "not_eligible": ["submitted", "screening"],
    }.get(outcome, ["submitted", "screening", "in_review"])
    for step in path:
        application = workflow.transition(application, step, user, "", version=application.version)
        if step == "submitted":
            # Demo data tells of a call already held: handed in on paper before its closing date.
            application.submitted_at = timezone.make_aware(datetime.datetime(2026, 5, 20, 10, 0))
            GrantApplication.objects.filter(pk=application.pk).update(submitted_at=application.submitted_at)
    if outcome == "not_eligible":
        workflow.transition(
            application,
            ApplicationStatus.REJECTED,
            user,
            "Демо: лидер үч күндүк тренингдин бардык күндөрүнө катышкан эмес.",
            version=application.version,
        )
        return 0
    if outcome not in REVIEWS and outcome not in {"to_review", "scoring"} or reviewer is None:
        return 0
    review = workflow.assign_reviewer(application, reviewer, user)
    if outcome == "to_review":
        return 0
    review = workflow.declare(review, reviewer, conflict=False, confidentiality=True, version=review.version)
    criteria = list(application.call.criteria.order_by("order"))
    if outcome == "scoring":
        half = {c.pk: (4, "") for c in criteria[: len(criteria) // 2]}
        workflow.score(review, reviewer, half, version=review.version)
        return 0
    value, recommendation = REVIEWS[outcome]
    rng = random.Random(application.title)  # a spread of scores, the same on every load
    scores = {c.pk: (min(5, max(1, value + rng.choice([-1, 0, 0, 1]))), "Демо баа.") for c in criteria}
    workflow.score(
        review,
        reviewer,
        scores,
        recommendation=recommendation,
        comment="Демо: долбоор жамааттын керектөөсүнө жооп берет.",
        submit=True,
        version=review.version,
    )
    application.refresh_from_db()
    if outcome == "rejected":
        workflow.transition(
            application, ApplicationStatus.REJECTED, user, "Демо: баалоодо упай жетишсиз.", version=application.version
        )
        return 0
    if outcome not in {"approved", "awarded"}:
        return 0
    award = workflow.approve(application, user, application.requested_amount, "Демо чечим", version=application.version)
    first = award.plan_tranche(user, D(2026, 6, 15), (award.amount * Decimal("0.6")).quantize(Decimal("1")))
    award.plan_tranche(user, D(2026, 9, 15), award.amount - first.planned_amount)
    if outcome == "awarded":
        return 1
    first.record_payment(user, D(2026, 6, 16), first.planned_amount, version=first.version)
    report = GrantReport.objects.create(
        award=award, period_end=D(2026, 8, 31), text="Демо отчёт: биринчи жолугушуулар өттү.", created_by=user
    )
    for line in application.budget_lines.all():
        ReportSpending.objects.create(report=report, budget_line=line, spent=(line.total / 2).quantize(Decimal("1")))
    return 1


BENCHMARK = "benchmark-volume"  # the registry's marker of its benchmark people


def _load_national_volumes(applications=5_000, per_call=500, batch=1_000) -> dict:
    """Benchmark volumes (DESIGN.md §8): `applications` applications in calls of `per_call`, by the registry's
    benchmark people, two budget lines each, one in ten approved with an award (the envelope holds them all: the
    triggers check every row). Idempotent by the calls' marker; built in batches."""
    people = list(Person.objects.filter(consent_purpose=BENCHMARK).values_list("id", "site_id")[:applications])
    existing = GrantApplication.objects.filter(call__description_en=BENCHMARK).count()
    if not people or existing >= applications:
        return {"benchmark grant applications": 0}
    user = _demo_staff()
    sites = {site.pk: site for site in PilotSite.objects.all()}
    rng = random.Random(9)
    made = 0
    for start in range(existing, applications, per_call):
        number = start // per_call + 1
        call = GrantCall.objects.create(
            title_ky=f"Benchmark чакырыгы {number}",
            description_en=BENCHMARK,
            kinds=["social", "business"],
            opens_on=D(2025, 1, 1),
            closes_on=D(2025, 3, 31),
            envelope=Decimal("100000") * per_call,
            max_per_grant=Decimal("100000"),
            status=GrantCall.Status.DECIDED,
        )
        call.sites.set(sites.values())
        call.add_default_criteria()
        chunk = people[start : min(start + per_call, applications)] or people[:per_call]
        for offset in range(0, len(chunk), batch):
            with transaction.atomic():
                rows = [
                    GrantApplication(
                        call=call,
                        site_id=site_id,
                        lead_applicant_id=person_id,
                        kind=rng.choice(["social", "business"]),
                        title=f"Долбоор {start + offset + n + 1}",
                        status=rng.choice(["submitted", "in_review", "rejected", "approved"]),
                        young_women=rng.randint(0, 30),
                        young_men=rng.randint(0, 30),
                        created_by=user,
                    )
                    for n, (person_id, site_id) in enumerate(chunk[offset : offset + batch])
                ]
                GrantApplication.objects.bulk_create(rows)
                lines = []
                for application in rows:
                    for item in ("Жабдуулар", "Иш-чаралар"):
                        lines.append(
                            BudgetLine(
                                application=application,
                                item=item,
                                unit="даана",
                                quantity=rng.randint(1, 10),
                                unit_cost=Decimal(rng.randint(5, 45) * 100),
                            )
                        )
                BudgetLine.objects.bulk_create(lines)
                for application in rows:
                    mine = [line for line in lines if line.application_id == application.pk]
                    application.requested_amount = sum((line.quantity * line.unit_cost for line in mine), Decimal("0"))
                GrantApplication.objects.bulk_update(rows, ["requested_amount"])
                Award.objects.bulk_create(
                    Award(application=a, call=call, amount=a.requested_amount, decided_by=user)
                    for a in rows
                    if a.status == "approved"
                )
            made += len(rows)
    return {"benchmark grant applications": made}
