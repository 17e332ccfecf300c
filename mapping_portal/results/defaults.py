"""The results framework the project starts with: the seed's expected results, their indicators and the targets
it states (three initiative groups, 60 people trained, three dialogue and resource centres, three plans). A data
migration installs them once; admins change them afterwards on the reports pages (with history)."""

import datetime

PROGRAMME = {
    "name_ky": (
        "Социалдык биримдик маселелери боюнча жергиликтүү бийлик органдарынын, жарандык коом уюмдарынын жана "
        "жамааттардын ортосундагы диалогду жана өз ара аракеттенүүнү күчөтүү"
    ),
    "name_ru": (
        "Укрепление диалога и взаимодействия между органами местной власти, организациями гражданского общества "
        "и сообществами по вопросам социальной сплочённости"
    ),
    "name_en": (
        "Strengthening dialogue and interaction between local authorities, civil-society organizations and "
        "communities on social-cohesion issues"
    ),
    # The seed is dated 4 April 2024 and gives no end date: admins correct both on the reports page.
    "start": datetime.date(2024, 4, 1),
    "end": datetime.date(2026, 12, 31),
    "reporting_org_ref": "XM-DAC-41114",  # UNDP's organisation identifier in IATI
    "reporting_org_name": "United Nations Development Programme (UNDP)",
    "iati_identifier": "XM-DAC-41114-SOCIAL-COHESION-KG",
}

# (code, ky, ru, en)
RESULTS = [
    (
        "mapping",
        "Жарандык коом уюмдары картага түшүрүлүп, алардын потенциалы бааланды",
        "Организации гражданского общества нанесены на карту, их потенциал оценён",
        "Civil-society organizations mapped and their capacity assessed",
    ),
    (
        "training",
        "Чыр-чатактарды аныктап, алдын алганды үйрөнгөн адамдар",
        "Люди, обученные выявлять и предупреждать конфликты",
        "People trained to identify and prevent conflicts",
    ),
    (
        "infrastructure",
        "Демилгелүү топтор жана диалог жана ресурстук борборлор иштейт",
        "Работают инициативные группы и диалоговые и ресурсные центры",
        "Initiative groups and dialogue and resource centres at work",
    ),
    (
        "plans",
        "Жергиликтүү өз алдынча башкаруу органдары чыр-чатактарды алдын алуу боюнча пландарды түзөт",
        "Органы местного самоуправления разрабатывают планы по предупреждению конфликтов",
        "Local self-government draws up conflict-prevention plans",
    ),
    (
        "grants",
        "Социалдык жана бизнес долбоорлор үчүн чакан гранттар",
        "Малые гранты на социальные и бизнес-проекты",
        "Small grants for social and business projects",
    ),
    (
        "unscr1325",
        "1325-резолюция жергиликтүү деңгээлде: аялдардын катышуусу",
        "Резолюция 1325 на местном уровне: участие женщин",
        "UNSCR 1325 localized: women's participation",
    ),
]

# (result, measure, unit, ky, ru, en)
INDICATORS = [
    ("mapping", "organizations_mapped", "organizations",
     "Картага түшүрүлгөн уюмдар", "Организации, нанесённые на карту", "Organizations mapped"),
    ("mapping", "capacity_change", "points",
     "Потенциалдын өзгөрүшү: баштапкы баалоодон жыйынтыктоочу баалоого чейин (орточо упай)",
     "Изменение потенциала от исходной до итоговой оценки (средний балл)",
     "Capacity change from baseline to endline (mean score)"),
    ("training", "people_reached", "people",
     "Иш-чараларга катышкан адамдар (ар бири бир жолу эсептелет)",
     "Участники мероприятий (каждый учтён один раз)",
     "People reached at events (each counted once)"),
    ("training", "people_trained", "people",
     "Тренингди толук өткөн адамдар (ар бири бир жолу эсептелет)",
     "Люди, полностью прошедшие тренинг (каждый учтён один раз)",
     "People who completed a training (each counted once)"),
    ("training", "people_passed_knowledge_check", "people",
     "Тренингден кийин билимди текшерүүдөн өткөн катышуучулар (70 % жана андан жогору)",
     "Участники, сдавшие проверку знаний после тренинга (70 % и выше)",
     "Participants who passed the knowledge check after a training (70 % or more)"),
    ("infrastructure", "initiative_groups", "groups",
     "Түзүлгөн демилгелүү топтор", "Созданные инициативные группы", "Initiative groups formed"),
    ("infrastructure", "centres", "centres",
     "Ачылган диалог жана ресурстук борборлор", "Открытые диалоговые и ресурсные центры",
     "Dialogue and resource centres opened"),
    ("plans", "plans_approved", "plans",
     "Бекитилген чыр-чатактарды алдын алуу боюнча пландар", "Утверждённые планы по предупреждению конфликтов",
     "Conflict-prevention plans approved"),
    ("plans", "plan_actions_completed", "actions",
     "Бекитилген пландардын аткарылган иш-чаралары", "Выполненные мероприятия утверждённых планов",
     "Actions of approved plans completed"),
    ("grants", "grants_awarded", "grants",
     "Берилген чакан гранттар", "Предоставленные малые гранты", "Small grants awarded"),
    ("grants", "grants_awarded_som", "som",
     "Берилген чакан гранттардын суммасы", "Сумма предоставленных малых грантов", "Small grants awarded, amount"),
    ("grants", "grants_disbursed_som", "som",
     "Чакан гранттар боюнча төлөнгөн сумма", "Выплачено по малым грантам", "Small grants disbursed, amount"),
    ("unscr1325", "women_share_participants", "percent",
     "Катышуучулардын арасындагы аялдардын үлүшү", "Доля женщин среди участников",
     "Women's share of participants"),
    ("unscr1325", "women_share_trained", "percent",
     "Тренингди толук өткөндөрдүн арасындагы аялдардын үлүшү", "Доля женщин среди полностью прошедших тренинг",
     "Women's share of people trained"),
    ("unscr1325", "women_share_initiative_groups", "percent",
     "Демилгелүү топтордун мүчөлөрүнүн арасындагы аялдардын үлүшү", "Доля женщин среди членов инициативных групп",
     "Women's share of initiative-group members"),
    ("unscr1325", "women_share_lead_applicants", "percent",
     "Чакан гранттардын негизги өтүнмө ээлеринин арасындагы аялдардын үлүшү",
     "Доля женщин среди ведущих заявителей на малые гранты",
     "Women's share of lead applicants for small grants"),
    ("unscr1325", "women_share_governing_bodies", "percent",
     "Уюмдардын жетекчилеринин жана негиздөөчүлөрүнүн арасындагы аялдардын үлүшү",
     "Доля женщин среди руководителей и учредителей организаций",
     "Women's share of organizations' leaders and founders"),
    ("unscr1325", "women_share_board_seats", "percent",
     "Уюмдардын башкаруу органдарындагы орундардын ичинен аялдардын үлүшү",
     "Доля женщин среди мест в органах управления организаций",
     "Women's share of seats on organizations' governing bodies"),
]  # fmt: skip

# The seed's targets, for the whole project across the three sites.
TARGETS = {"people_trained": 60, "initiative_groups": 3, "centres": 3, "plans_approved": 3}


def install(apps):
    """Create the programme, results, indicators and targets above where they are missing (historical models
    from a migration, or the live ones). Rows are bulk-created, as a migration writes them: the history starts with
    the first change a person makes, whether the defaults came from the migration or were installed again after a
    flush."""
    Programme = apps.get_model("mapping_portal", "Programme")
    Result = apps.get_model("mapping_portal", "Result")
    Indicator = apps.get_model("mapping_portal", "Indicator")
    Target = apps.get_model("mapping_portal", "Target")
    if not Programme.objects.exists():
        Programme.objects.bulk_create([Programme(**PROGRAMME)])
    have = set(Result.objects.values_list("code", flat=True))
    Result.objects.bulk_create(
        Result(code=code, name_ky=ky, name_ru=ru, name_en=en, order=order)
        for order, (code, ky, ru, en) in enumerate(RESULTS, start=1)
        if code not in have
    )
    results = {result.code: result for result in Result.objects.all()}
    have = set(Indicator.objects.values_list("measure", flat=True))
    Indicator.objects.bulk_create(
        Indicator(
            result=results[result],
            measure=measure,
            unit=unit,
            name_ky=ky,
            name_ru=ru,
            name_en=en,
            order=order,
            # Nothing was counted before the project; the shares were not measured.
            baseline=None if unit == "percent" else 0,
            baseline_year=None if unit == "percent" else PROGRAMME["start"].year,
        )
        for order, (result, measure, unit, ky, ru, en) in enumerate(INDICATORS, start=1)
        if measure not in have
    )
    targeted = set(Target.objects.values_list("indicator__measure", flat=True))
    Target.objects.bulk_create(
        Target(indicator=indicator, period="all", site=None, value=TARGETS[indicator.measure])
        for indicator in Indicator.objects.filter(measure__in=TARGETS)
        if indicator.measure not in targeted
    )
