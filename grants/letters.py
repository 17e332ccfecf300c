"""The decision letter of an application (approved or rejected), as a PDF in Kyrgyz or Russian for signing.

ReportLab draws it with the DejaVu Sans font, which has the Kyrgyz letters ң ө ү (ReportLab's built-in fonts do
not): the font comes from the system package fonts-dejavu-core. The letter's wording is fixed here in both
languages, as the project signs it, independent of the interface's catalogues.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mapping_portal.pdf import FontMissing, register_fonts  # noqa: F401 (FontMissing: the views catch it here)
from mapping_portal.text import format_som

LANGUAGES = ("ky", "ru")


TEXT = {
    "ky": {
        "project": "БУУӨП Кыргызстан · «Социалдык биримдик маселелери боюнча жергиликтүү бийлик органдарынын, "
        "жарандык коом уюмдарынын жана жамааттардын ортосундагы диалогду жана өз ара аракеттенүүнү чыңдоо» долбоору",
        "title": "Чакан грант боюнча чечим",
        "to": "Кимге",
        "call": "Гранттык сынак",
        "application": "Өтүнмө",
        "approved": "Сиздин «{title}» өтүнмөңүз каралып чыгып, бекитилди. Чакан гранттын суммасы: <b>{amount}</b>.",
        "rejected": "Сиздин «{title}» өтүнмөңүз каралып чыгып, тилекке каршы, колдоо алган жок.",
        "reason": "Себеби",
        "tranches": "Транштардын графиги",
        "number": "№",
        "date": "Күнү",
        "amount": "Суммасы",
        "closing": "Катышканыңыз үчүн ыраазычылык билдиребиз.",
        "signature": "Кол тамга: ____________________",
        "dated": "Күнү",
        "som": "сом",
    },
    "ru": {
        "project": "ПРООН Кыргызстан · Проект «Укрепление диалога и взаимодействия между органами местной власти, "
        "организациями гражданского общества и сообществами по вопросам социальной сплочённости»",
        "title": "Решение по малому гранту",
        "to": "Кому",
        "call": "Грантовый конкурс",
        "application": "Заявка",
        "approved": "Ваша заявка «{title}» рассмотрена и одобрена. Сумма малого гранта: <b>{amount}</b>.",
        "rejected": "Ваша заявка «{title}» рассмотрена и, к сожалению, не получила поддержки.",
        "reason": "Причина",
        "tranches": "График траншей",
        "number": "№",
        "date": "Дата",
        "amount": "Сумма",
        "closing": "Благодарим вас за участие.",
        "signature": "Подпись: ____________________",
        "dated": "Дата",
        "som": "сом",
    },
}


def som(amount, language) -> str:
    return format_som(amount, TEXT[language]["som"])


def decision_letter(application, language: str) -> bytes:
    """The PDF of the decision on an approved or rejected application, in `language` (ky or ru)."""
    register_fonts()
    words = TEXT[language]
    call = application.call
    call_title = (call.title_ky if language == "ky" else call.title_ru) or call.title_ky or call.title_ru
    normal = ParagraphStyle("normal", fontName="DejaVuSans", fontSize=11, leading=15)
    small = ParagraphStyle("small", parent=normal, fontSize=8, leading=10)
    heading = ParagraphStyle("heading", parent=normal, fontName="DejaVuSans-Bold", fontSize=15, leading=20)
    story = [Paragraph(escape(words["project"]), small), Spacer(1, 8 * mm), Paragraph(escape(words["title"]), heading)]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(f"{words['to']}: {escape(application.lead_applicant.full_name)}", normal),
        Paragraph(f"{words['call']}: {escape(call_title)}", normal),
        Paragraph(f"{words['application']}: № {application.pk}, {escape(application.title)}", normal),
        Spacer(1, 6 * mm),
    ]
    title = escape(application.title)
    award = getattr(application, "award", None) if application.status == "approved" else None
    if award is not None:
        story.append(Paragraph(words["approved"].format(title=title, amount=som(award.amount, language)), normal))
        tranches = list(award.tranches.all())
        if tranches:
            rows = [[words["number"], words["date"], words["amount"]]] + [
                [str(t.number), t.planned_date.strftime("%d.%m.%Y"), som(t.planned_amount, language)] for t in tranches
            ]
            table = Table(rows, colWidths=[15 * mm, 40 * mm, 50 * mm])
            table.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                        ("FONTNAME", (0, 0), (-1, 0), "DejaVuSans-Bold"),
                        ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                        ("ALIGN", (2, 1), (2, -1), "RIGHT"),
                    ]
                )
            )
            story += [Spacer(1, 5 * mm), Paragraph(escape(words["tranches"]), normal), Spacer(1, 2 * mm), table]
    else:
        story.append(Paragraph(words["rejected"].format(title=title), normal))
        last = application.status_changes.filter(to_status="rejected").order_by("-at").first()
        if last is not None and last.comment:
            # The reason as typed, its line breaks kept; a reason of several pages flows on to the next ones.
            reason = escape(last.comment).replace("\n", "<br/>")
            story.append(Paragraph(f"{words['reason']}: {reason}", normal))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(escape(words["closing"]), normal),
        Spacer(1, 14 * mm),
        Paragraph(f"{words['dated']}: {timezone.localdate():%d.%m.%Y}", normal),
        Spacer(1, 6 * mm),
        Paragraph(escape(words["signature"]), normal),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=words["title"],
        author="UNDP Kyrgyzstan",
    )
    document.build(story)
    return buffer.getvalue()
