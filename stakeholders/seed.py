"""Reference lists and demo data of the registry, loaded by `manage.py seed_demo` (idempotent)."""

import json
import random
from pathlib import Path

from django.db import transaction

from mapping_portal.models import PilotSite, ThematicArea
from mapping_portal.text import match_key
from stakeholders.models import (
    AssessmentDomain,
    AssessmentIndicator,
    AssessmentTemplate,
    Membership,
    Organization,
    OrganizationType,
    Person,
    TargetGroup,
)

CAPACITY_TEMPLATE = Path(__file__).resolve().parent / "data" / "capacity_template.json"

# code, English, Kyrgyz, Russian, map colour
ORGANIZATION_TYPES = [
    (
        "cso",
        "Civil-society organization (NGO)",
        "Жарандык коом уюму (коомдук уюм, коомдук фонд)",
        "Организация гражданского общества (ОО, ОФ)",
        "#0b5394",
    ),
    (
        "womens-organization",
        "Women's organization or council",
        "Аялдар уюму же аялдар кеңеши",
        "Женская организация или женсовет",
        "#a61c00",
    ),
    (
        "youth-organization",
        "Youth organization or centre",
        "Жаштар уюму же жаштар борбору",
        "Молодёжная организация или молодёжный центр",
        "#38761d",
    ),
    ("initiative-group", "Initiative group", "Демилгелүү топ", "Инициативная группа", "#b45f06"),
    (
        "crime-prevention-centre",
        "Crime-prevention centre",
        "Коомдук профилактикалык борбор",
        "Общественный профилактический центр",
        "#674ea7",
    ),
    ("aksakal-court", "Aksakal court", "Аксакалдар соту", "Суд аксакалов", "#7f6000"),
    (
        "local-self-government",
        "Local self-government body",
        "Жергиликтүү өз алдынча башкаруу органы",
        "Орган местного самоуправления",
        "#134f5c",
    ),
    ("local-kenesh", "Local kenesh", "Жергиликтүү кеңеш", "Местный кенеш", "#1c4587"),
    ("state-body", "State body", "Мамлекеттик орган", "Государственный орган", "#434343"),
    ("school", "School", "Мектеп", "Школа", "#bf9000"),
    ("religious-organization", "Religious organization", "Диний уюм", "Религиозная организация", "#351c75"),
    ("business", "Business", "Ишкердик субъект", "Бизнес", "#45818e"),
    ("media", "Media", "Массалык маалымат каражаты", "Средство массовой информации", "#c27ba0"),
    (
        "international-organization",
        "International organization",
        "Эл аралык уюм",
        "Международная организация",
        "#3d85c6",
    ),
    ("other", "Other", "Башка", "Другое", "#666666"),
]

TARGET_GROUPS = [
    ("women", "Women", "Аялдар", "Женщины"),
    ("youth", "Youth", "Жаштар", "Молодёжь"),
    ("children", "Children", "Балдар", "Дети"),
    ("older-people", "Older people", "Улгайган адамдар", "Пожилые люди"),
    ("people-with-disabilities", "People with disabilities", "Мүмкүнчүлүгү чектелген адамдар", "Люди с инвалидностью"),
    (
        "migrants",
        "Labour migrants and their families",
        "Эмгек мигранттары жана алардын үй-бүлөлөрү",
        "Трудовые мигранты и их семьи",
    ),
    ("vulnerable-groups", "Vulnerable groups", "Калктын аялуу катмары", "Уязвимые слои населения"),
    ("local-authorities", "Local authorities", "Жергиликтүү бийлик органдары", "Органы местной власти"),
    ("farmers-entrepreneurs", "Farmers and entrepreneurs", "Дыйкандар жана ишкерлер", "Фермеры и предприниматели"),
    ("whole-community", "The whole community", "Бүт жамаат", "Всё местное сообщество"),
]

# site, Kyrgyz name, Russian name, type, thematic codes, target groups, consent, consent covers sensitive,
# women-led, youth-led, offset of the point from the site centre (degrees)
DEMO_ORGANIZATIONS = [
    (
        "kyshtut",
        "Кыштут аялдар кеңеши",
        "Женсовет айылного аймака Кыштут",
        "womens-organization",
        ["inclusive-participation", "gbv-prevention"],
        ["women", "vulnerable-groups"],
        True,
        False,
        True,
        False,
        (0.01, 0.02),
    ),
    (
        "kyshtut",
        "«Ынтымак» демилгелүү тобу",
        "Инициативная группа «Ынтымак»",
        "initiative-group",
        ["peace-security", "border-cooperation"],
        ["whole-community"],
        True,
        False,
        False,
        False,
        (-0.02, 0.01),
    ),
    (
        "kyshtut",
        "Кыштут айылынын аксакалдар соту",
        "Суд аксакалов села Кыштут",
        "aksakal-court",
        ["peace-security"],
        ["whole-community"],
        False,
        False,
        False,
        False,
        (0.0, -0.02),
    ),
    (
        "kyshtut",
        "Таян жаштар борбору",
        "Молодёжный центр села Таян",
        "youth-organization",
        ["inclusive-participation", "state-policy"],
        ["youth"],
        True,
        False,
        False,
        True,
        (0.02, -0.01),
    ),
    (
        "kyshtut",
        "Кыштут айыл өкмөтү",
        "Айыл окмоту Кыштут",
        "local-self-government",
        ["peace-security", "border-cooperation"],
        ["whole-community"],
        True,
        False,
        False,
        False,
        (0.0, 0.0),
    ),
    (
        "akturpak",
        "«Мээрим» коомдук фонду",
        "Общественный фонд «Мээрим»",
        "cso",
        ["gbv-prevention", "inclusive-participation"],
        ["women", "children"],
        True,
        True,
        True,
        False,
        (0.01, 0.01),
    ),
    (
        "akturpak",
        "Актурпак коомдук профилактикалык борбору",
        "Общественный профилактический центр Актурпак",
        "crime-prevention-centre",
        ["peace-security"],
        ["youth", "whole-community"],
        False,
        False,
        False,
        False,
        (-0.01, 0.02),
    ),
    (
        "akturpak",
        "Жаш-Тилек жаштар демилгеси",
        "Молодёжная инициатива Жаш-Тилек",
        "youth-organization",
        ["inclusive-participation", "border-cooperation"],
        ["youth"],
        True,
        False,
        False,
        True,
        (0.02, 0.0),
    ),
    (
        "akturpak",
        "Актурпак айылдык кеңеши",
        "Актурпакский айылный кенеш",
        "local-kenesh",
        ["state-policy"],
        ["local-authorities"],
        False,
        False,
        False,
        False,
        (0.0, 0.0),
    ),
    (
        "kerben",
        "«Аксы жаштары» коомдук бирикмеси",
        "Общественное объединение «Молодёжь Аксы»",
        "cso",
        ["peace-security", "state-policy"],
        ["youth"],
        True,
        False,
        False,
        True,
        (0.004, 0.003),
    ),
    (
        "kerben",
        "Кербен шаардык аялдар кеңеши",
        "Городской совет женщин Кербена",
        "womens-organization",
        ["inclusive-participation"],
        ["women"],
        True,
        False,
        True,
        False,
        (-0.003, 0.002),
    ),
    (
        "kerben",
        "Кербен шаардык мэриясы",
        "Мэрия города Кербен",
        "local-self-government",
        ["peace-security", "border-cooperation"],
        ["whole-community"],
        True,
        False,
        False,
        False,
        (0.0, 0.0),
    ),
    (
        "kerben",
        "Кербен шаарындагы №1 орто мектеп",
        "Средняя школа №1 города Кербен",
        "school",
        ["state-policy"],
        ["children", "youth"],
        False,
        False,
        False,
        False,
        (0.002, -0.004),
    ),
    (
        "kerben",
        "«Ак-Дөбө» дыйкандар ассоциациясы",
        "Ассоциация фермеров «Ак-Добо»",
        "business",
        ["border-cooperation"],
        ["farmers-entrepreneurs"],
        False,
        False,
        False,
        False,
        (-0.006, -0.002),
    ),
    # The women's council again, typed on a Russian keyboard by another field officer: the demo's
    # "possible duplicates" page has a pair to compare and merge.
    (
        "kyshtut",
        "Кыштут аялдар кенеши",
        "Женсовет Кыштут",
        "womens-organization",
        ["inclusive-participation"],
        ["women"],
        False,
        False,
        True,
        False,
        (0.012, 0.021),
    ),
]

# full name, Latin spelling, sex, birth year, site, active citizen, memberships (organization index, role)
DEMO_PEOPLE = [
    ("Айгүл Токтосунова", "Aigul Toktosunova", "female", 1979, "kyshtut", True, [(0, "leader")]),
    ("Бакыт Асанов", "Bakyt Asanov", "male", 1961, "kyshtut", False, [(2, "leader")]),
    ("Гүлнара Мамытова", "Gulnara Mamytova", "female", 1990, "kyshtut", True, [(0, "member"), (1, "member")]),
    ("Нурлан Жумабаев", "Nurlan Jumabaev", "male", 2001, "kyshtut", True, [(3, "leader")]),
    ("Жылдыз Осмонова", "Jyldyz Osmonova", "female", 2004, "kyshtut", False, [(3, "volunteer")]),
    ("Азамат Эргешов", "Azamat Ergeshov", "male", 1985, "kyshtut", False, [(4, "contact")]),
    ("Чолпон Абдыкадырова", "Cholpon Abdykadyrova", "female", 1972, "akturpak", True, [(5, "founder")]),
    ("Эрлан Турдубаев", "Erlan Turdubaev", "male", 1995, "akturpak", True, [(7, "leader")]),
    ("Мээрим Каримова", "Meerim Karimova", "female", 1998, "akturpak", False, [(5, "staff")]),
    ("Улан Сыдыков", "Ulan Sydykov", "male", 1968, "akturpak", False, [(6, "leader")]),
    ("Асел Бекмурзаева", "Asel Bekmurzaeva", "female", 1993, "kerben", True, [(10, "leader")]),
    ("Темирлан Маматов", "Temirlan Mamatov", "male", 2003, "kerben", True, [(9, "member")]),
    ("Зарина Юсупова", "Zarina Yusupova", "female", 1988, "kerben", False, [(12, "staff")]),
    ("Каныкей Орозова", "Kanykei Orozova", "female", 2006, "kerben", True, [(9, "volunteer")]),
    ("Максат Алиев", "Maksat Aliev", "male", 1976, "kerben", False, [(13, "leader")]),
]


@transaction.atomic
def load_reference() -> dict:
    """Create the organization types and target groups that are missing (existing ones are kept)."""
    created = {"organization types": 0, "target groups": 0}
    for order, (code, en, ky, ru, color) in enumerate(ORGANIZATION_TYPES):
        _, new = OrganizationType.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_ky": ky, "name_ru": ru, "color": color, "order": order}
        )
        created["organization types"] += new
    for order, (code, en, ky, ru) in enumerate(TARGET_GROUPS):
        _, new = TargetGroup.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_ky": ky, "name_ru": ru, "order": order}
        )
        created["target groups"] += new
    created["assessment templates"] = load_capacity_template()
    return created


def load_capacity_template(path=CAPACITY_TEMPLATE) -> int:
    """The default capacity-assessment template, as version 1 — only if no version of it exists
    (an administrator's later versions are never touched)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if AssessmentTemplate.objects.filter(code=data["code"]).exists():
        return 0
    names, descriptions = data["names"], data["descriptions"]
    template = AssessmentTemplate.objects.create(
        code=data["code"],
        version=1,
        **{f"name_{lang}": names[lang] for lang in ("ky", "ru", "en")},
        **{f"description_{lang}": descriptions[lang] for lang in ("ky", "ru", "en")},
    )
    for order, domain_data in enumerate(data["domains"]):
        domain = AssessmentDomain.objects.create(
            template=template,
            code=domain_data["code"],
            order=order,
            **{f"name_{lang}": domain_data["names"][lang] for lang in ("ky", "ru", "en")},
        )
        for position, indicator in enumerate(domain_data["indicators"]):
            levels = {
                f"level{number}_{lang}": level[lang]
                for number, level in enumerate(indicator["levels"], start=1)
                for lang in ("ky", "ru", "en")
            }
            AssessmentIndicator.objects.create(
                domain=domain,
                code=indicator["code"],
                order=position,
                **{f"text_{lang}": indicator["texts"][lang] for lang in ("ky", "ru", "en")},
                **levels,
            )
    return 1


@transaction.atomic
def load_demo(scale: str = "pilot") -> dict:
    """Demo organizations and people in the three sites; `national` adds benchmark volumes."""
    created = {"organizations": 0, "people": 0}
    sites = {site.slug: site for site in PilotSite.objects.prefetch_related("settlements")}
    types = {t.code: t for t in OrganizationType.objects.all()}
    areas = {a.code: a for a in ThematicArea.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    organizations = []
    for slug, ky, ru, type_code, area_codes, group_codes, consent, covers, women, youth, (
        dlat,
        dlon,
    ) in DEMO_ORGANIZATIONS:
        site = sites[slug]
        organization, new = Organization.objects.get_or_create(
            name_ky=ky,
            site=site,
            defaults={
                "name_ru": ru,
                "type": types[type_code],
                "lat": round(site.centre_lat + dlat, 6) if site.has_centre else None,
                "lon": round(site.centre_lon + dlon, 6) if site.has_centre else None,
                "settlement": site.settlements.all()[0] if site.settlements.all() else None,
                "public_listing_consent": consent,
                "consent_covers_sensitive": covers,
                "women_led": women,
                "youth_led": youth,
                "needs_validation": True,
                "description": "Демо жазуу: бул уюм чыныгы эмес. / Демонстрационная запись: организация вымышлена.",
            },
        )
        if new:
            organization.thematic_areas.set([areas[code] for code in area_codes])
            organization.target_groups.set([groups[code] for code in group_codes])
            created["organizations"] += 1
        organizations.append(organization)
    for full_name, latin, sex, birth_year, slug, active_citizen, memberships in DEMO_PEOPLE:
        person, new = Person.objects.get_or_create(
            full_name=full_name,
            site=sites[slug],
            defaults={
                "full_name_latin": latin,
                "sex": sex,
                "birth_year": birth_year,
                "is_active_citizen": active_citizen,
            },
        )
        if new:
            created["people"] += 1
            for index, role in memberships:
                Membership.objects.get_or_create(person=person, organization=organizations[index], role=role)
    if scale == "national":
        created.update(_load_national_volumes(list(sites.values()), list(types.values())))
    return created


# Syllables for made-up but plausible names at benchmark scale (no real person or organization).
_SYLLABLES = ["ак", "бек", "жол", "нур", "ал", "тай", "кө", "мүр", "ың", "ман", "сай", "көл", "тоо", "ынтымак", "бирге"]


def _made_up(rng, words=2):
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(words)
    )


def _load_national_volumes(sites, types, organizations=20_000, people=200_000) -> dict:
    """Bulk volumes for benchmarks (DESIGN.md §8): idempotent by a marker in the description."""
    marker = "benchmark-volume"
    existing = Organization.objects.filter(description=marker).count()
    rng = random.Random(1325)
    new_organizations = []
    for _ in range(existing, organizations):
        site = rng.choice(sites)
        name = _made_up(rng) + " коомдук бирикмеси"
        new_organizations.append(
            Organization(
                name_ky=name,
                name_ru=name,
                type=rng.choice(types),
                site=site,
                description=marker,
                lat=round(site.centre_lat + rng.uniform(-0.2, 0.2), 6),
                lon=round(site.centre_lon + rng.uniform(-0.2, 0.2), 6),
                public_listing_consent=rng.random() < 0.5,
                search_key=match_key(name),
            )
        )
    Organization.objects.bulk_create(new_organizations, batch_size=2000)
    existing_people = Person.objects.filter(consent_purpose=marker).count()
    new_people = []
    for _ in range(existing_people, people):
        name = _made_up(rng, 2)
        new_people.append(
            Person(
                full_name=name,
                sex=rng.choice(["female", "male"]),
                birth_year=rng.randint(1950, 2010),
                site=rng.choice(sites),
                consent_purpose=marker,
                search_key=match_key(name),
            )
        )
    Person.objects.bulk_create(new_people, batch_size=5000)
    return {"benchmark organizations": len(new_organizations), "benchmark people": len(new_people)}
