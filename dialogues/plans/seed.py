"""Demo conflict-prevention plans, one per pilot site in a different state, loaded by `dialogues.seed.load_demo`
(idempotent): Ak-Turpak's approved plan in implementation (with progress), Kyshtut's submitted for the local
authority's review, Kerben's draft. Written in Kyrgyz, as the sites write them."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dialogues.plans import diff as plan_diff
from dialogues.plans.models import (
    AUTHORING_BODY_TYPES,
    ActionStatus,
    ConflictPreventionPlan,
    PlanAction,
    PlanSnapshot,
    PlanStatus,
    ProgressNote,
    Risk,
)
from mapping_portal.models import PilotSite, ThematicArea
from stakeholders.models import Organization

D = datetime.date

CONTEXT = (
    "Демо жазуу. Чек ара айылдарында сугат суусун бөлүштүрүү, жайыттарды пайдалануу жана жаштардын жумушсуздугу "
    "чыр-чатактардын негизги булактары. Айыл өкмөтү, жергиликтүү кеңеш, аксакалдар соту жана жаштар уюмдары "
    "диалогго катышат."
)
RISKS = [
    (
        "Сугат мезгилинде чек ара айылдарынын ортосунда суу үчүн талаш",
        "border-cooperation",
        4,
        4,
        "Суу кезегинин бузулушу; арыздардын көбөйүшү",
        "Дыйкандар, чек ара айылдарынын тургундары",
    ),
    ("Жайыттарды пайдалануу боюнча макулдашпастык", "peace-security", 3, 3, "Малдын башка аймакка өтүшү", "Малчылар"),
    (
        "Жаштардын жумушсуздугу жана социалдык тармактардагы жаңылыш маалымат",
        "inclusive-participation",
        3,
        5,
        "Тармактарда кастык билдирүүлөр",
        "Жаштар, 14–35 жаш",
    ),
]
# title, focus, risks (indexes), days from the plan's start, length, budget, source, indicator, target
ACTIONS = [
    (
        "Суу пайдалануучулардын биргелешкен кеңешин түзүү",
        "forecasting",
        [0],
        30,
        60,
        "40000",
        "Жергиликтүү бюджет",
        "Кеңештин жолугушуулары",
        "6",
    ),
    (
        "Чек ара айылдарынын жаштары үчүн диалог жолугушуулары",
        "dialogue",
        [2],
        45,
        120,
        "60000",
        "БУУӨП",
        "Катышкан жаштар (аялдар/эркектер)",
        "120",
    ),
    (
        "Жайыт комитеттери менен эрте эскертүү тутумун киргизүү",
        "forecasting",
        [1],
        10,
        40,
        "25000",
        "Жайыт комитети",
        "Эрте эскертүү боюнча маалыматтар",
        "12",
    ),
    ("Тынчтык күнүнө карата жамааттык иш-чара", "peace", [], 200, 2, "15000", "Демөөрчүлөр", "Катышуучулар", "300"),
]
# site → (status, plan title, progress of the actions as (status, spent))
PLANS = {
    "akturpak": (
        PlanStatus.IN_IMPLEMENTATION,
        "Актурпак айыл аймагынын чыр-чатактарды алдын алуу боюнча планы 2026–2027",
        [(ActionStatus.DONE, "38000"), (ActionStatus.IN_PROGRESS, "20000"), (ActionStatus.NOT_STARTED, "0"), None],
    ),
    "kyshtut": (PlanStatus.SUBMITTED, "Кыштут айыл аймагынын чыр-чатактарды алдын алуу боюнча планы 2026–2027", None),
    "kerben": (PlanStatus.DRAFT, "Кербен шаарынын чыр-чатактарды алдын алуу боюнча планы 2026–2027", None),
}


@transaction.atomic
def load_demo_plans() -> dict:
    created = {"conflict-prevention plans": 0}
    areas = {area.code: area for area in ThematicArea.objects.all()}
    start = D(2026, 1, 1)
    for slug, (status, title, progress) in PLANS.items():
        site = PilotSite.objects.filter(slug=slug).first()
        body = (
            Organization.objects.filter(site=site, type__code__in=AUTHORING_BODY_TYPES, merged_into__isnull=True)
            .order_by("id")
            .first()
        )
        if site is None or body is None or ConflictPreventionPlan.objects.filter(site=site, title=title).exists():
            continue
        plan = ConflictPreventionPlan.objects.create(
            site=site,
            authoring_body=body,
            title=title,
            period_start=start,
            period_end=D(2027, 12, 31),
            context_analysis=CONTEXT,
            focus_forecasting="Тобокелдиктерди эрте аныктоо жана суу, жайыт талаштарын алдын алуу.",
            focus_dialogue="Бийлик, жарандык коом жана жаштар ортосундагы туруктуу диалог.",
            focus_peace="Чек ара айылдарынын ортосундагы кызматташтык жана ишеним.",
        )
        risks = [
            Risk.objects.create(
                plan=plan,
                description=description,
                thematic_area=areas.get(area),
                likelihood=likelihood,
                impact=impact,
                early_warning_signs=signs,
                affected_groups=groups,
            )
            for description, area, likelihood, impact, signs, groups in RISKS
        ]
        for n, (name, focus, linked, after, days, budget, source, indicator, target) in enumerate(ACTIONS):
            action = PlanAction.objects.create(
                plan=plan,
                title=name,
                focus=focus,
                start_date=start + datetime.timedelta(days=after),
                end_date=start + datetime.timedelta(days=after + days),
                budget=Decimal(budget),
                budget_source=source,
                indicator=indicator,
                target=target,
            )
            action.risks.set([risks[i] for i in linked])
            action.responsible_organizations.add(body)
            if progress and progress[n]:
                action.status, action.spent = progress[n][0], Decimal(progress[n][1])
                action.save()
                ProgressNote.objects.create(
                    action=action, date=action.start_date + datetime.timedelta(days=7), text="Демо: иш башталды."
                )
        _reach(plan, status)
        created["conflict-prevention plans"] += 1
    return created


def _reach(plan, status):
    """Put the demo plan in `status` as the workflow would have left it (its snapshot; the decision)."""
    if status == PlanStatus.DRAFT:
        return
    now = timezone.now()
    snapshot = PlanSnapshot.objects.create(plan=plan, number=1, data=plan_diff.serialize(plan), taken_by=None)
    fields = {"status": status, "submitted_at": now}
    if status != PlanStatus.SUBMITTED:
        snapshot.reviewed_at, snapshot.review_outcome = now, PlanStatus.APPROVED
        snapshot.save()
        fields |= {
            "decision_number": "14/2",
            "decision_date": D(2026, 2, 15),
            "approving_body": "Айылдык кеңештин сессиясы",
            "approved_at": now,
        }
    # The demo skips the steps (no users exist yet when seeding); the workflow owns every real change.
    ConflictPreventionPlan.objects.filter(pk=plan.pk).update(**fields)
