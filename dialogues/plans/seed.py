"""Demo conflict-prevention plans, one per pilot site in a different state, loaded by `dialogues.seed.load_demo`
(idempotent), each taken there through the plans' workflow (dialogues/plans/workflow.py), so their history and
snapshots are real: Ak-Turpak's submitted by staff, approved by its local authority with the kenesh's decision and in
implementation, its progress recorded (one action done, one in progress, one delayed, one to come — against the day
the demo is loaded); Kyshtut's submitted and waiting for its local authority's review; Kerben's a draft. Written in
Kyrgyz, as the sites write them."""

import datetime
import os
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dialogues.plans import workflow
from dialogues.plans.models import (
    AUTHORING_BODY_TYPES,
    ActionStatus,
    ConflictPreventionPlan,
    PlanAction,
    PlanStatus,
    Risk,
)
from mapping_portal.models import PilotSite, ThematicArea, User
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
        "Актурпак айыл аймагынын чыр-чатактарды алдын алуу боюнча планы",
        [(ActionStatus.DONE, "38000"), (ActionStatus.IN_PROGRESS, "20000"), (ActionStatus.NOT_STARTED, "0"), None],
    ),
    "kyshtut": (PlanStatus.SUBMITTED, "Кыштут айыл аймагынын чыр-чатактарды алдын алуу боюнча планы", None),
    "kerben": (PlanStatus.DRAFT, "Кербен шаарынын чыр-чатактарды алдын алуу боюнча планы", None),
}
# Days from today the actions start (what is due or delayed is told against the day the demo is loaded): the first
# is done, the second in progress, the third not started though due to start (delayed), the fourth to come.
ACTION_STARTS = [-100, -60, -30, 20]


def _demo_user(username):
    from mapping_portal.management.commands.seed_demo import Command

    Command().create_demo_users(os.environ.get("DEMO_PASSWORD") or "demo")
    return User.objects.get(username=username)


@transaction.atomic
def load_demo_plans() -> dict:
    created = {"conflict-prevention plans": 0}
    areas = {area.code: area for area in ThematicArea.objects.all()}
    today = timezone.localdate()
    start, end = D(today.year, 1, 1), D(today.year + 1, 12, 31)
    for slug, (status, name, progress) in PLANS.items():
        title = f"{name} {start.year}–{end.year}"
        site = PilotSite.objects.filter(slug=slug).first()
        body = (
            Organization.objects.filter(site=site, type__code__in=AUTHORING_BODY_TYPES, merged_into__isnull=True)
            .order_by("id")
            .first()
        )
        if (
            site is None
            or body is None
            or ConflictPreventionPlan.objects.filter(site=site, title__startswith=name).exists()
        ):
            continue
        staff = _demo_user("staff")
        plan = ConflictPreventionPlan(
            site=site,
            authoring_body=body,
            title=title,
            period_start=start,
            period_end=end,
            context_analysis=CONTEXT,
            focus_forecasting="Тобокелдиктерди эрте аныктоо жана суу, жайыт талаштарын алдын алуу.",
            focus_dialogue="Бийлик, жарандык коом жана жаштар ортосундагы туруктуу диалог.",
            focus_peace="Чек ара айылдарынын ортосундагы кызматташтык жана ишеним.",
            created_by=staff,
        )
        plan._history_user = staff
        plan.save()
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
        actions = []
        for after, (action_title, focus, linked, _after, days, budget, source, indicator, target) in zip(
            ACTION_STARTS, ACTIONS, strict=True
        ):
            first = max(start, today + datetime.timedelta(days=after))
            action = PlanAction.objects.create(
                plan=plan,
                title=action_title,
                focus=focus,
                start_date=first,
                end_date=min(end, first + datetime.timedelta(days=days)),
                budget=Decimal(budget),
                budget_source=source,
                indicator=indicator,
                target=target,
            )
            action.risks.set([risks[i] for i in linked])
            action.responsible_organizations.add(body)
            actions.append(action)
        _reach(plan, status, staff)
        if progress:
            authority = _demo_user(f"la-{slug}")
            for action, step in zip(actions, progress, strict=True):
                if step:
                    workflow.record_progress(
                        action,
                        authority,
                        status=step[0],
                        spent=Decimal(step[1]),
                        note="Демо: иш башталды, катышуучулар тизмеге алынды.",
                        note_date=max(action.start_date, today - datetime.timedelta(days=7)),
                        version=action.version,
                    )
        created["conflict-prevention plans"] += 1
    return created


def _reach(plan, status, staff):
    """Take the demo plan to `status` through the plans' workflow: staff submit it, the site's local authority
    approves it with the kenesh's decision, staff start its implementation."""
    if status == PlanStatus.DRAFT:
        return
    plan = workflow.transition(plan, PlanStatus.SUBMITTED, staff, "Демо: кароого жөнөтүлдү.", version=plan.version)
    if status == PlanStatus.SUBMITTED:
        return
    authority = _demo_user(f"la-{plan.site.slug}")
    plan = workflow.transition(
        plan,
        PlanStatus.APPROVED,
        authority,
        "Демо: айылдык кеңештин сессиясында бекитилди.",
        version=plan.version,
        decision_number="14/2",
        decision_date=timezone.localdate() - datetime.timedelta(days=110),
        approving_body="Айылдык кеңештин сессиясы",
    )
    workflow.transition(plan, PlanStatus.IN_IMPLEMENTATION, staff, "", version=plan.version)
