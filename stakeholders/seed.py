"""Reference lists and demo data of the registry, loaded by `manage.py seed_demo` (idempotent)."""

import datetime
import json
import os
import random
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from mapping_portal import bulk
from mapping_portal.models import PilotSite, ThematicArea, User
from mapping_portal.text import match_key
from stakeholders.duplicates import organization_name_key
from stakeholders.models import (
    AssessmentDomain,
    AssessmentIndicator,
    AssessmentTemplate,
    CapacityAssessment,
    DevelopmentAction,
    IndicatorScore,
    Membership,
    Organization,
    OrganizationRelationship,
    OrganizationType,
    Person,
    TargetGroup,
)

D = datetime.date
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


DEMO_NOTE = "Демо жазуу: бул уюм чыныгы эмес. / Демонстрационная запись: организация вымышлена."
PERSON_NOTE = "Демо жазуу: долбоордун иш-чараларына катышуу. / Демо: участие в мероприятиях проекта."

# More of each site's institutions, as the field officers would register them (names in Kyrgyz and Russian):
# site, type, Kyrgyz name, Russian name, village (its Russian name in the settlements list, or None)
MORE_ORGANIZATIONS = [
    ("kyshtut", "local-kenesh", "Кыштут айылдык кеңеши", "Кыштутский айылный кенеш", "Таян"),
    ("kyshtut", "aksakal-court", "Таян айылынын аксакалдар соту", "Суд аксакалов села Таян", "Таян"),
    ("kyshtut", "aksakal-court", "Чарбак айылынын аксакалдар соту", "Суд аксакалов села Чарбак", "Чарбак"),
    ("kyshtut", "crime-prevention-centre", "Кыштут коомдук профилактикалык борбору", "ОПЦ Кыштут", "Таян"),
    ("kyshtut", "crime-prevention-centre", "Чарбак коомдук профилактикалык борбору", "ОПЦ села Чарбак", "Чарбак"),
    ("kyshtut", "womens-organization", "Таян айылынын аялдар кеңеши", "Женсовет села Таян", "Таян"),
    ("kyshtut", "womens-organization", "Сөгмөн айылынын аялдар кеңеши", "Женсовет села Согмент", "Согмент"),
    ("kyshtut", "womens-organization", "Кыштут аялдар борбору", "Женский центр Кыштут", "Кыштут"),
    ("kyshtut", "youth-organization", "Газ айылынын жаштар комитети", "Молодёжный комитет села Газ", "Газ"),
    ("kyshtut", "youth-organization", "Чарбак жаштар кеңеши", "Молодёжный совет села Чарбак", "Чарбак"),
    ("kyshtut", "cso", "«Келечек» коомдук бирикмеси", "Общественное объединение «Келечек»", "Кыштут"),
    ("kyshtut", "cso", "«Ак-Ниет» коомдук фонду", "Общественный фонд «Ак-Ниет»", "Таян"),
    ("kyshtut", "cso", "«Тынчтык көпүрөсү» коомдук бирикмеси", "Общественное объединение «Мост мира»", "Сай"),
    ("kyshtut", "womens-organization", "«Аруу» аялдар коомдук бирикмеси", "ОО женщин «Аруу»", "Газ"),
    ("kyshtut", "youth-organization", "«Жаш муун» жаштар коомдук бирикмеси", "Молодёжное ОО «Жаш муун»", "Таян"),
    ("kyshtut", "cso", "«Сай-Суу» суу пайдалануучулар ассоциациясы", "Ассоциация водопользователей «Сай-Суу»", "Сай"),
    ("kyshtut", "cso", "Кыштут жайыт комитети", "Пастбищный комитет Кыштут", "Кыштут"),
    ("kyshtut", "school", "Таян орто мектеби", "Средняя школа села Таян", "Таян"),
    ("kyshtut", "school", "Чарбак орто мектеби", "Средняя школа села Чарбак", "Чарбак"),
    ("kyshtut", "religious-organization", "Кыштут айылынын мечити", "Мечеть села Кыштут", "Кыштут"),
    ("kyshtut", "state-body", "Кыштут үй-бүлөлүк медицина борбору", "Центр семейной медицины Кыштут", "Таян"),
    ("kyshtut", "business", "«Ынтымак-Агро» дыйкан чарбасы", "Крестьянское хозяйство «Ынтымак-Агро»", "Сай"),
    ("kyshtut", "media", "«Кыштут үнү» жамааттык радиосу", "Общинное радио «Голос Кыштута»", "Таян"),
    ("akturpak", "local-self-government", "Актурпак айыл өкмөтү", "Айыл окмоту Ак-Турпак", "Ак-Турпак"),
    ("akturpak", "aksakal-court", "Ак-Турпак айылынын аксакалдар соту", "Суд аксакалов села Ак-Турпак", "Ак-Турпак"),
    (
        "akturpak",
        "aksakal-court",
        "Кара-Тумшук айылынын аксакалдар соту",
        "Суд аксакалов села Кара-Тумшук",
        "Кара-Тумшук",
    ),
    (
        "akturpak",
        "aksakal-court",
        "Кызыл-Коргон айылынын аксакалдар соту",
        "Суд аксакалов села Кызыл-Коргон",
        "Кызыл-Коргон",
    ),
    (
        "akturpak",
        "crime-prevention-centre",
        "Жаш-Тилек коомдук профилактикалык борбору",
        "ОПЦ села Жаш-Тилек",
        "Жаш-Тилек",
    ),
    ("akturpak", "womens-organization", "Ак-Турпак аялдар кеңеши", "Женсовет айылного аймака Ак-Турпак", "Ак-Турпак"),
    ("akturpak", "womens-organization", "Калача айылынын аялдар кеңеши", "Женсовет села Калача", "Калача"),
    ("akturpak", "womens-organization", "Чоң-Кара аялдар борбору", "Женский центр Чон-Кара", "Чон-Кара"),
    ("akturpak", "youth-organization", "Актурпак жаштар борбору", "Молодёжный центр Ак-Турпак", "Ак-Турпак"),
    (
        "akturpak",
        "youth-organization",
        "Кызыл-Коргон жаштар комитети",
        "Молодёжный комитет села Кызыл-Коргон",
        "Кызыл-Коргон",
    ),
    ("akturpak", "initiative-group", "«Биримдик» демилгелүү тобу", "Инициативная группа «Биримдик»", "Жаш-Тилек"),
    ("akturpak", "cso", "«Нур-Ай» коомдук бирикмеси", "Общественное объединение «Нур-Ай»", "Ак-Турпак"),
    ("akturpak", "womens-organization", "«Кадамжай аялдары» коомдук бирикмеси", "ОО «Женщины Кадамжая»", "Калача"),
    ("akturpak", "cso", "«Жашыл өрөөн» экологиялык коомдук фонду", "Экологический ОФ «Зелёная долина»", "Токой"),
    ("akturpak", "cso", "«Үмүт» мүмкүнчүлүгү чектелген адамдардын бирикмеси", "ОО людей с ОВЗ «Умут»", "Ак-Турпак"),
    ("akturpak", "cso", "«Токой-Суу» суу пайдалануучулар ассоциациясы", "АВП «Токой-Суу»", "Токой"),
    ("akturpak", "cso", "Ак-Турпак жайыт комитети", "Пастбищный комитет Ак-Турпак", "Чогорок"),
    ("akturpak", "school", "Ак-Турпак орто мектеби", "Средняя школа села Ак-Турпак", "Ак-Турпак"),
    ("akturpak", "school", "Жаш-Тилек орто мектеби", "Средняя школа села Жаш-Тилек", "Жаш-Тилек"),
    ("akturpak", "religious-organization", "Кара-Тумшук айылынын мечити", "Мечеть села Кара-Тумшук", "Кара-Тумшук"),
    (
        "akturpak",
        "state-body",
        "Ак-Турпак үй-бүлөлүк медицина борбору",
        "Центр семейной медицины Ак-Турпак",
        "Ак-Турпак",
    ),
    ("akturpak", "business", "«Сары-Камыш» дыйкан чарбасы", "Крестьянское хозяйство «Сары-Камыш»", "Сары-Камыш"),
    ("akturpak", "media", "«Ак-Турпак үнү» жамааттык радиосу", "Общинное радио «Голос Ак-Турпака»", "Ак-Турпак"),
    ("kerben", "local-kenesh", "Кербен шаардык кеңеши", "Кербенский городской кенеш", None),
    ("kerben", "aksakal-court", "Кербен шаарынын аксакалдар соту", "Суд аксакалов города Кербен", None),
    ("kerben", "aksakal-court", "Ак-Дөбө айылынын аксакалдар соту", "Суд аксакалов села Ак-Добо", "Ак-Добо"),
    ("kerben", "aksakal-court", "Мамай айылынын аксакалдар соту", "Суд аксакалов села Мамай", "Мамай"),
    ("kerben", "crime-prevention-centre", "Кербен шаардык коомдук профилактикалык борбору", "ОПЦ города Кербен", None),
    ("kerben", "crime-prevention-centre", "Курулуш коомдук профилактикалык борбору", "ОПЦ села Курулуш", "Курулуш"),
    ("kerben", "womens-organization", "Кербен аялдар ресурстук борбору", "Женский ресурсный центр Кербена", None),
    ("kerben", "womens-organization", "Жетиген айылынын аялдар кеңеши", "Женсовет села Жетиген", "Жетиген"),
    ("kerben", "youth-organization", "Кербен жаштар борбору", "Молодёжный центр Кербена", None),
    ("kerben", "youth-organization", "Устукан жаштар комитети", "Молодёжный комитет села Устукан", "Устукан"),
    ("kerben", "initiative-group", "«Жаңы-Жол» демилгелүү тобу", "Инициативная группа «Жаны-Жол»", "Кулук-Добо"),
    ("kerben", "cso", "«Аксы ынтымагы» коомдук фонду", "Общественный фонд «Аксы ынтымагы»", None),
    ("kerben", "cso", "«Айкөл» укуктук жардам борбору", "Центр правовой помощи «Айкол»", None),
    ("kerben", "womens-organization", "«Аялзат» коомдук бирикмеси", "Общественное объединение «Аялзат»", None),
    ("kerben", "youth-organization", "«Шоола» балдар жана жаштар бирикмеси", "ОО детей и молодёжи «Шоола»", "Мамай"),
    ("kerben", "cso", "«Кербен-Суу» суу пайдалануучулар ассоциациясы", "АВП «Кербен-Суу»", "Жетиген"),
    ("kerben", "school", "Кербен шаарындагы №2 орто мектеп", "Средняя школа №2 города Кербен", None),
    ("kerben", "religious-organization", "Кербен шаарынын борбордук мечити", "Центральная мечеть города Кербен", None),
    ("kerben", "state-body", "Аксы райондук үй-бүлөлүк медицина борбору", "ЦСМ Аксыйского района", None),
    ("kerben", "media", "«Аксы жаңылыктары» гезити", "Газета «Новости Аксы»", None),
    ("kerben", "business", "Кербен ишкер аялдар ассоциациясы", "Ассоциация деловых женщин Кербена", None),
    ("kerben", "business", "Кербен базарынын ишкерлер кеңеши", "Совет предпринимателей рынка Кербен", None),
]

# What an institution of each type works on, for whom, and where it sits on the power–interest grid:
# thematic codes, target groups, influence, interest, stance, listed publicly
TYPE_PROFILE = {
    "cso": (
        ["peace-security", "inclusive-participation"],
        ["whole-community", "vulnerable-groups"],
        3,
        4,
        "supportive",
        True,
    ),
    "womens-organization": (["inclusive-participation", "gbv-prevention"], ["women"], 2, 5, "supportive", True),
    "youth-organization": (["inclusive-participation", "state-policy"], ["youth"], 2, 4, "supportive", True),
    "initiative-group": (["peace-security", "border-cooperation"], ["whole-community"], 2, 5, "supportive", True),
    "crime-prevention-centre": (["peace-security"], ["youth", "whole-community"], 3, 3, "supportive", False),
    "aksakal-court": (["peace-security"], ["whole-community"], 4, 3, "neutral", False),
    "local-self-government": (["peace-security", "border-cooperation"], ["whole-community"], 5, 4, "supportive", True),
    "local-kenesh": (["state-policy"], ["local-authorities"], 5, 3, "neutral", True),
    "state-body": (["state-policy"], ["whole-community"], 4, 2, "neutral", True),
    "school": (["state-policy"], ["children", "youth"], 2, 3, "supportive", False),
    "religious-organization": (["state-policy"], ["whole-community"], 4, 2, "resistant", False),
    "business": (["border-cooperation"], ["farmers-entrepreneurs"], 3, 2, "neutral", False),
    "media": (["state-policy", "peace-security"], ["whole-community"], 3, 3, "neutral", True),
}

# Kyrgyz, Uzbek and a few Russian names of the area (none is a real person): first names by sex, surnames in
# their masculine form (the feminine adds «а»).
FIRST_NAMES = {
    "female": [
        "Нургүл",
        "Бактыгүл",
        "Динара",
        "Айпери",
        "Бегимай",
        "Салтанат",
        "Назгүл",
        "Элмира",
        "Гүлзат",
        "Айзада",
        "Мадина",
        "Нилуфар",
        "Дилноза",
        "Феруза",
        "Сабина",
        "Ирина",
        "Жаңыл",
        "Айжан",
        "Толгонай",
        "Урмат",
    ],
    "male": [
        "Алмаз",
        "Бекжан",
        "Жаныбек",
        "Талант",
        "Кубанычбек",
        "Медер",
        "Нурсултан",
        "Адилет",
        "Айбек",
        "Тимур",
        "Абдуманнап",
        "Шерзод",
        "Бахтиёр",
        "Рустам",
        "Сергей",
        "Эламан",
        "Мирлан",
        "Данияр",
        "Бекболот",
        "Дастан",
    ],
}
SURNAMES = [
    "Абдуллаев",
    "Рахимов",
    "Эшматов",
    "Тургунбаев",
    "Султанов",
    "Насиров",
    "Мырзабеков",
    "Калыков",
    "Өмүрзаков",
    "Тойчубеков",
    "Сатаров",
    "Мамбетов",
    "Ибраимов",
    "Назаров",
    "Бообеков",
    "Момунов",
    "Кадырбеков",
    "Усенов",
    "Арзыматов",
    "Шарипов",
    "Жолдошев",
    "Токторов",
    "Ахмедов",
    "Исмаилов",
]
PEOPLE_PER_SITE = 32
_LATIN = dict(
    zip(
        "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя",
        "a b v g d e yo j z i y k l m n n o o p r s t u u f kh ts ch sh sh  y  e yu ya".split(" "),
        strict=True,
    )
)


def latin(name: str) -> str:
    """The Latin spelling as a passport gives it (ө, ү, ң written o, u, n)."""
    return "".join(_LATIN.get(c.lower(), c).capitalize() if c.isupper() else _LATIN.get(c, c) for c in name)


def _demo_user(username):
    """The demo users are created here already (seed_demo's own step, same password), so that what the demo
    shows as done was done by someone, through the workflows."""
    from mapping_portal.management.commands.seed_demo import Command

    Command().create_demo_users(os.environ.get("DEMO_PASSWORD") or "demo")
    return User.objects.get(username=username)


@transaction.atomic
def load_demo(scale: str = "pilot") -> dict:
    """Demo organizations and people in the three sites, their stakeholder analysis, relationships and capacity
    assessments; `national` adds benchmark volumes."""
    created = {"organizations": 0, "people": 0, "memberships": 0, "relationships": 0, "capacity assessments": 0}
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
                "description": DEMO_NOTE,
            },
        )
        if new:
            organization.thematic_areas.set([areas[code] for code in area_codes])
            organization.target_groups.set([groups[code] for code in group_codes])
            created["organizations"] += 1
        organizations.append(organization)
    created["organizations"] += _more_organizations(sites, types, areas, groups)
    for full_name, latin_name, sex, birth_year, slug, active_citizen, memberships in DEMO_PEOPLE:
        person, new = Person.objects.get_or_create(
            full_name=full_name,
            site=sites[slug],
            defaults={
                "full_name_latin": latin_name,
                "sex": sex,
                "birth_year": birth_year,
                "is_active_citizen": active_citizen,
                "consent_date": D(2026, 2, 20),
                "consent_purpose": PERSON_NOTE,
            },
        )
        if new:
            created["people"] += 1
            for index, role in memberships:
                Membership.objects.get_or_create(person=person, organization=organizations[index], role=role)
    more_people, more_memberships = _more_people(sites)
    created["people"] += more_people
    created["memberships"] += more_memberships
    _stakeholder_analysis()
    created["relationships"] += _relationships(sites)
    created["capacity assessments"] += _capacity_assessments(sites)
    if scale == "national":
        created.update(_load_national_volumes(list(sites.values()), list(types.values())))
    return created


def _demo_organizations(site):
    return Organization.objects.filter(site=site, description=DEMO_NOTE, merged_into=None).order_by("id")


def _more_organizations(sites, types, areas, groups) -> int:
    """The rest of each site's institutions (MORE_ORGANIZATIONS), made in bulk with their history rows — one
    save() each, with its thematic areas and target groups, would cost ~15 queries per organization."""
    rng = random.Random(16)
    existing = set(Organization.objects.filter(description=DEMO_NOTE).values_list("site__slug", "name_ky"))
    new, links = [], []
    for slug, type_code, ky, ru, village in MORE_ORGANIZATIONS:
        site = sites.get(slug)
        jitter = 0.004 if site is not None and site.kind == "town" else 0.03
        dlat, dlon = rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)
        founded = rng.choice([1998, 2004, 2008, 2011, 2014, 2017, 2019, 2021, 2023])
        staff_volunteers = [rng.randint(1, 6), rng.randint(0, 5), rng.randint(2, 15), rng.randint(1, 12)]
        needs_validation = rng.random() < 0.3
        if site is None or (slug, ky) in existing:
            continue
        settlement = next((s for s in site.settlements.all() if village and s.name_ru == village), None)
        area_codes, group_codes, _influence, _interest, _stance, listed = TYPE_PROFILE[type_code]
        organization = Organization(
            name_ky=ky,
            name_ru=ru,
            site=site,
            type=types[type_code],
            settlement=settlement,
            lat=round(site.centre_lat + dlat, 6) if site.has_centre else None,
            lon=round(site.centre_lon + dlon, 6) if site.has_centre else None,
            public_listing_consent=listed,
            consent_covers_sensitive=listed and "gbv-prevention" in area_codes,
            women_led=type_code == "womens-organization" or "аял" in ky.lower(),
            youth_led=type_code == "youth-organization",
            year_founded=founded,
            registration_status=(
                Organization.RegistrationStatus.INFORMAL
                if type_code in {"initiative-group", "womens-organization"} and "«" not in ky
                else Organization.RegistrationStatus.REGISTERED
            ),
            staff_women=staff_volunteers[0],
            staff_men=staff_volunteers[1],
            volunteers_women=staff_volunteers[2],
            volunteers_men=staff_volunteers[3],
            needs_validation=needs_validation,
            description=DEMO_NOTE,
            # What Organization.save() computes (bulk_create does not call it).
            search_key=" ".join(match_key(part) for part in (ky, ru) if part),
            name_key=organization_name_key(ky, ru),
        )
        new.append(organization)
        links.append(([areas[c] for c in area_codes if c in areas], [groups[c] for c in group_codes if c in groups]))
    bulk_create_with_history(new, Organization, default_change_reason="demo")
    areas_of, groups_of = Organization.thematic_areas.through, Organization.target_groups.through
    areas_of.objects.bulk_create(
        areas_of(organization_id=o.pk, thematicarea_id=a.pk)
        for o, (area_list, _g) in zip(new, links, strict=True)
        for a in area_list
    )
    groups_of.objects.bulk_create(
        groups_of(organization_id=o.pk, targetgroup_id=g.pk)
        for o, (_a, group_list) in zip(new, links, strict=True)
        for g in group_list
    )
    return len(new)


def _more_people(sites) -> tuple[int, int]:
    """Each site's people up to PEOPLE_PER_SITE, of every age, each a member of one or two of its organizations
    (the organizations still without a leader get one); made in bulk with their history rows."""
    rng = random.Random(1325)
    roles = ["member", "member", "member", "volunteer", "staff"]
    people, memberships = [], []
    for site_number, slug in enumerate(("akturpak", "kyshtut", "kerben")):
        site = sites.get(slug)
        if site is None:
            continue
        organizations = list(_demo_organizations(site))
        led = set(
            Membership.objects.filter(organization__in=organizations, role="leader").values_list(
                "organization", flat=True
            )
        )
        settlements = list(site.settlements.all())
        names = set(Person.objects.filter(site=site).values_list("full_name", flat=True))
        for n in range(Person.objects.filter(site=site, consent_purpose=PERSON_NOTE).count(), PEOPLE_PER_SITE):
            sex = "female" if n % 2 == 0 else "male"
            # One number over the three sites: the same first name and surname come back only after 120 people.
            k = site_number * PEOPLE_PER_SITE + n
            first = FIRST_NAMES[sex][(k * 7) % len(FIRST_NAMES[sex])]
            surname = SURNAMES[(k * 5) % len(SURNAMES)] + ("а" if sex == "female" else "")
            full_name = f"{first} {surname}"
            birth_year = [2006, 2003, 1999, 1994, 1988, 1981, 1975, 1968, 1959, 1952][n % 10] - rng.randint(0, 2)
            if full_name in names:
                continue
            names.add(full_name)
            person = Person(
                full_name=full_name,
                full_name_latin=latin(full_name),
                sex=sex,
                birth_year=birth_year,
                site=site,
                settlement=settlements[n % len(settlements)] if settlements else None,
                is_active_citizen=n % 3 == 0,
                consent_date=D(2026, 2, 20),
                consent_purpose=PERSON_NOTE,
                # What Person.save() computes (bulk_create does not call it).
                search_key=" ".join(match_key(part) for part in (full_name, latin(full_name))),
                name_key=match_key(full_name),
            )
            people.append(person)
            leaderless = [organization for organization in organizations if organization.pk not in led]
            chosen = rng.sample(organizations, min(len(organizations), 1 + (n % 3 == 0)))
            if leaderless and leaderless[0] not in chosen:
                chosen[0] = leaderless[0]
            for organization in chosen:
                role = rng.choice(roles)
                if organization.pk not in led:
                    role = "leader"
                    led.add(organization.pk)
                memberships.append(
                    Membership(person=person, organization=organization, role=role, since=rng.randint(2015, 2025))
                )
    bulk_create_with_history(people, Person, default_change_reason="demo")
    for membership in memberships:
        membership.person_id = membership.person.pk
    bulk_create_with_history(memberships, Membership, default_change_reason="demo")
    return len(people), len(memberships)


def _stakeholder_analysis():
    """Influence, interest and stance of every demo organization not yet analysed (an analyst's values are
    kept): its type's place on the grid, moved a step for some so the grid shows a spread."""
    rng = random.Random(2024)
    for organization in Organization.objects.filter(description=DEMO_NOTE, influence__isnull=True).select_related(
        "type"
    ):
        _areas, _groups, influence, interest, stance, _listed = TYPE_PROFILE.get(
            organization.type.code, ([], [], 3, 3, "neutral", False)
        )
        organization.influence = min(5, max(1, influence + rng.choice([-1, 0, 0, 1])))
        organization.interest = min(5, max(1, interest + rng.choice([-1, 0, 0, 1])))
        organization.stance = stance if rng.random() < 0.8 else "neutral"
        Organization.objects.filter(pk=organization.pk).update(
            influence=organization.influence, interest=organization.interest, stance=organization.stance
        )


def _relationships(sites) -> int:
    """Who works with whom in each site: the local authority coordinates with the community institutions and
    funds some, the organizations of women and youth are partners, the groups are members of networks."""
    rng = random.Random(1325)
    made = 0
    for site in sites.values():
        by_type = {}
        for organization in _demo_organizations(site).select_related("type"):
            by_type.setdefault(organization.type.code, []).append(organization)
        authority = (by_type.get("local-self-government") or by_type.get("local-kenesh") or [None])[0]
        if authority is None:
            continue
        ties = []
        for code in ("aksakal-court", "crime-prevention-centre", "womens-organization", "local-kenesh", "school"):
            for organization in by_type.get(code, [])[:3]:
                ties.append((authority, organization, "coordinates_with"))
        for organization in by_type.get("youth-organization", [])[:2] + by_type.get("womens-organization", [])[:1]:
            ties.append((authority, organization, "funds"))
        civil = by_type.get("cso", []) + by_type.get("womens-organization", []) + by_type.get("youth-organization", [])
        for organization in civil:
            partner = rng.choice(civil)
            if partner != organization:
                ties.append((organization, partner, "partner"))
        for organization in by_type.get("initiative-group", []) + by_type.get("business", []):
            if civil:
                ties.append((organization, rng.choice(civil), "member_of"))
        for organization in by_type.get("crime-prevention-centre", []):
            for court in by_type.get("aksakal-court", [])[:1]:
                ties.append((organization, court, "coordinates_with"))
        existing = set(
            OrganizationRelationship.objects.filter(source__site=site).values_list("source", "target", "kind")
        )
        rows = []
        for source, target, kind in ties:
            since = rng.randint(2018, 2026)
            if (source.pk, target.pk, kind) not in existing:
                existing.add((source.pk, target.pk, kind))
                rows.append(OrganizationRelationship(source=source, target=target, kind=kind, since=since))
        bulk_create_with_history(rows, OrganizationRelationship, default_change_reason="demo")
        made += len(rows)
    return made


# The organizations assessed at the start and the end of the project, by site: (type, how many)
ASSESSED = [("cso", 2), ("womens-organization", 1), ("youth-organization", 1), ("crime-prevention-centre", 1)]
DEVELOPMENT_ACTIONS = [
    ("Уюмдун стратегиялык планын иштеп чыгуу", "Башкаруу кеңеши", "Стратегиялык пландоо боюнча тренер"),
    ("Каржылык эсепти жүргүзүүнү үйрөнүү", "Башкы бухгалтер", "Бухгалтердик программа, окутуу"),
    ("Аялдардын жана жаштардын чечим кабыл алууга катышуусун көбөйтүү", "Жетекчи", "1325-резолюция боюнча семинар"),
]


def _capacity_assessments(sites) -> int:
    """A baseline (February) and an endline (November 2026) for five organizations of each site, facilitated and
    finalized through the assessments' workflow, with the development plan drawn from the baseline's gaps."""
    from stakeholders import workflow

    template = AssessmentTemplate.current()
    if template is None:
        return 0
    indicators = list(AssessmentIndicator.objects.filter(domain__template=template).order_by("domain__order", "order"))
    staff = None
    made = 0
    rng = random.Random(1325)
    for site in sites.values():
        organizations = []
        for code, count in ASSESSED:
            organizations += list(_demo_organizations(site).filter(type__code=code)[:count])
        for number, organization in enumerate(organizations):
            baseline_scores = [rng.choice([1, 1, 2, 2, 3]) for _ in indicators]
            endline_scores = [min(4, score + rng.choice([0, 1, 1, 2])) for score in baseline_scores]
            for kind, date, scores in (
                (CapacityAssessment.Kind.BASELINE, D(2026, 2, 10 + number), baseline_scores),
                (CapacityAssessment.Kind.ENDLINE, D(2026, 11, 10 + number), endline_scores),
            ):
                if CapacityAssessment.objects.filter(organization=organization, kind=kind).exists():
                    continue
                staff = staff or _demo_user("staff")
                assessment = CapacityAssessment.objects.create(
                    organization=organization,
                    template=template,
                    date=date,
                    kind=kind,
                    method=CapacityAssessment.Method.FACILITATED,
                    assessor="Долбоордун фасилитатору (демо)",
                    participants="Жетекчи, бухгалтер, эки ыктыярчы",
                    strengths="Жамаатта ишеним бар; ыктыярчылар активдүү.",
                    gaps="Каржылык эсеп жана стратегиялык пландоо алсыз; аялдардын катышуусу аз.",
                    created_by=staff,
                )
                IndicatorScore.objects.bulk_create(
                    IndicatorScore(
                        assessment=assessment,
                        indicator=indicator,
                        score=None if index == len(indicators) - 1 and number == 0 else score,
                        not_applicable=index == len(indicators) - 1 and number == 0,
                    )
                    for index, (indicator, score) in enumerate(zip(indicators, scores, strict=True))
                )
                workflow.finalize(assessment, staff)
                made += 1
                if kind == CapacityAssessment.Kind.BASELINE:
                    for position, (what, who, support) in enumerate(DEVELOPMENT_ACTIONS):
                        DevelopmentAction.objects.create(
                            assessment=assessment,
                            what=what,
                            who=who,
                            due=D(2026, 4 + 3 * position, 30),
                            support_needed=support,
                            status=[
                                DevelopmentAction.Status.DONE,
                                DevelopmentAction.Status.IN_PROGRESS,
                                DevelopmentAction.Status.PLANNED,
                            ][(position + number) % 3],
                        )
    return made


# Syllables for made-up but plausible names at benchmark scale (no real person or organization).
_SYLLABLES = ["ак", "бек", "жол", "нур", "ал", "тай", "кө", "мүр", "ың", "ман", "сай", "көл", "тоо", "ынтымак", "бирге"]


def _made_up(rng, words=2):
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(words)
    )


def _load_national_volumes(sites, types, organizations=20_000, people=200_000) -> dict:
    """Bulk volumes for benchmarks (DESIGN.md §8): idempotent by a marker in the description. Written with COPY
    (mapping_portal.bulk), each record as `save()` would leave it — its search and duplicate-matching keys, and
    its "created" history entry."""
    marker = "benchmark-volume"
    existing = Organization.objects.filter(description=marker).count()
    rng = random.Random(1325)
    ids = bulk.reserve_ids(Organization, organizations - existing)
    rows = []
    for pk in ids:
        site = rng.choice(sites)
        name = _made_up(rng) + " коомдук бирикмеси"
        rows.append(
            (
                pk,
                name,
                name,
                rng.choice(types).pk,
                site.pk,
                marker,
                round(site.centre_lat + rng.uniform(-0.2, 0.2), 6),
                round(site.centre_lon + rng.uniform(-0.2, 0.2), 6),
                rng.random() < 0.5,
                match_key(name),
                organization_name_key(name, name),
            )
        )
    columns = ["id", "name_ky", "name_ru", "type", "site", "description", "lat", "lon", "public_listing_consent"]
    made_organizations = bulk.copy_rows(Organization, [*columns, "search_key", "name_key"], rows)
    bulk.write_created_history(Organization, ids)
    existing_people = Person.objects.filter(consent_purpose=marker).count()
    ids = bulk.reserve_ids(Person, people - existing_people)
    rows = []
    for pk in ids:
        name = _made_up(rng, 2)
        key = match_key(name)
        rows.append(
            (pk, name, rng.choice(["female", "male"]), rng.randint(1950, 2010), rng.choice(sites).pk, marker, key, key)
        )
    columns = ["id", "full_name", "sex", "birth_year", "site", "consent_purpose", "search_key", "name_key"]
    made_people = bulk.copy_rows(Person, columns, rows, prepare=False)
    bulk.write_created_history(Person, ids)
    return {"benchmark organizations": made_organizations, "benchmark people": made_people}
