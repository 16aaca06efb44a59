"""Messages for the demo district: notes, an announcement, family replies and a stranger's text.

Built after the people of ``juntos.people.demo``, through the real actions: positive notes from
the Maple Hill demo teacher, a school announcement from its leader, replies from families by
the inbound SMS path (stored payload, keyword check, language detection, threading), and a text
from a number no caregiver has (triage). Everything goes out through the local outbox, sent in
this process so that the demo shows it at once.

The sentences and their translations were written for this demo and are stored as draft
translations made by a person (the memory a liaison would build), in eight languages; families
who speak another language get the interpreter offer, as they would in a real district.
"""

# Text in eight scripts: letters that look like Latin ones are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.messaging import actions
from juntos.messaging.models import Conversation, Delivery, InboundPayload, Message
from juntos.people.models import Caregiver, CaregiverLink, ContactPoint, District, Staff, Student

DEMO_TEACHER = "teacher.maple-hill"
DEMO_LEADER = "leader.maple-hill"
SCHOOL_NUMBER = "+15125550100"
STRANGER = "+15125550199"

NOTE_SENTENCES: dict[str, dict[str, str]] = {
    "Great effort in reading this week!": {
        "es": "¡Gran esfuerzo en lectura esta semana!",
        "vi": "Em đã rất cố gắng trong môn đọc tuần này!",
        "ar": "مجهود رائع في القراءة هذا الأسبوع!",
        "zh": "本周阅读非常努力！",
        "so": "Dadaal weyn oo akhriska ah todobaadkan!",
        "ht": "Bèl efò nan lekti semèn sa a!",
        "pt": "Grande esforço na leitura esta semana!",
        "ru": "Отличные успехи в чтении на этой неделе!",
    },
    "Thank you for helping with homework every night.": {
        "es": "Gracias por ayudar con la tarea todas las noches.",
        "vi": "Cảm ơn gia đình đã giúp con làm bài tập mỗi tối.",
        "ar": "شكرًا لمساعدتكم في الواجبات المنزلية كل ليلة.",
        "zh": "感谢您每晚帮助孩子完成家庭作业。",
        "so": "Waad ku mahadsan tahay caawinta casharrada guriga habeen kasta.",
        "ht": "Mèsi paske w ede ak devwa chak swa.",
        "pt": "Obrigado por ajudar com a lição de casa todas as noites.",
        "ru": "Спасибо, что помогаете с домашним заданием каждый вечер.",
    },
}
ANNOUNCEMENT = "Picture day is Friday. Students may wear their favorite colors."
SUBJECT = "Picture day"
SUBJECT_TRANSLATIONS = {
    "es": "Día de fotos",
    "vi": "Ngày chụp ảnh",
    "ar": "يوم التصوير",
    "zh": "拍照日",
    "so": "Maalinta sawirka",
    "ht": "Jou foto",
    "pt": "Dia da foto",
    "ru": "День фотографии",
}
ANNOUNCEMENT_TRANSLATIONS = {
    "es": "El día de fotos es el viernes. Los estudiantes pueden vestirse con sus colores "
    "favoritos.",
    "vi": "Ngày chụp ảnh là thứ Sáu. Học sinh có thể mặc màu mình yêu thích.",
    "ar": "يوم التصوير هو يوم الجمعة. يمكن للطلاب ارتداء ألوانهم المفضلة.",
    "zh": "拍照日是星期五。学生可以穿自己喜欢的颜色。",
    "so": "Maalinta sawirka waa Jimcaha. Ardaydu waxay xiran karaan midabada ay jecel yihiin.",
    "ht": "Jou foto a se vandredi. Elèv yo ka mete koulè yo pi renmen.",
    "pt": "O dia da foto é sexta-feira. Os alunos podem usar suas cores favoritas.",
    "ru": "День фотографии — в пятницу. Ученики могут надеть одежду любимых цветов.",
}


@dataclass(frozen=True)
class Reply:
    language: str
    text: str
    english: str
    days_ago: int


REPLIES = (
    Reply(
        "es",
        "¡Muchas gracias, maestra! ¿Cómo puedo ayudarle a leer más en casa?",
        "Thank you so much, teacher! How can I help her read more at home?",
        days_ago=4,
    ),
    Reply(
        "vi",
        "Cảm ơn cô. Cháu có cần mang gì vào thứ Sáu không ạ?",
        "Thank you. Does my child need to bring anything on Friday?",
        days_ago=0,
    ),
    Reply(
        "ru",
        "Спасибо большое! Мы очень рады.",
        "Thank you very much! We are very happy.",
        days_ago=2,
    ),
    Reply(
        "ar",
        "شكرا جزيلا. هل يمكننا أن نلتقي الأسبوع القادم؟",
        "Thank you very much. Can we meet next week?",
        days_ago=1,
    ),
)
STRANGER_TEXT = "Hola, soy la abuela de Sofía. ¿A qué hora sale el autobús?"


def _remember(district: District, source: str, language: str, text: str, target: str) -> None:
    do_remember_translation(
        district_id=district.pk,
        source_language=language,
        target_language=target,
        source_text=source,
        target_text=text,
        method=Method.HUMAN,
        status=Status.DRAFT,
    )


def _texting_families(teacher: Staff, languages: list[str]) -> list[tuple[Caregiver, Student]]:
    """For each language, one caregiver of the teacher's classes who texts, with their child."""
    texts = ContactPoint.objects.filter(
        caregiver=OuterRef("caregiver_id"),
        kind="phone",
        sms_capable=True,
        opted_out_at__isnull=True,
    )
    found: list[tuple[Caregiver, Student]] = []
    for language in languages:
        link = (
            CaregiverLink.objects.filter(
                may_contact=True,
                student__enrollments__section__assignments__staff=teacher,
                caregiver__preferred_language=language,
                caregiver__channel_preferences__0="sms",
            )
            .filter(Exists(texts))
            .select_related("caregiver", "student")
            .order_by("caregiver_id")
            .first()
        )
        if link is not None:
            found.append((link.caregiver, link.student))
    return found


def _send_now(message_ids: list[int]) -> None:
    ids = list(
        Delivery.objects.filter(message_id__in=message_ids, status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), actions.CHUNK):
        actions.do_send_deliveries(ids=ids[start : start + actions.CHUNK])


def _receive(phone: str, body: str, at: datetime) -> None:
    payload = actions.do_store_inbound_payload(
        kind=InboundPayload.Kind.SMS,
        payload={"From": phone, "To": SCHOOL_NUMBER, "Body": body, "MessageSid": "SMdemo"},
        raw_body="",
        headers={},
        signature_valid=True,
    )
    InboundPayload.objects.filter(pk=payload.pk).update(received_at=at)
    payload.refresh_from_db()
    actions.do_receive_sms(payload=payload)


def build_demo_messaging(*, district: District, seed: int) -> dict[str, int]:
    """Write the demo's messages; returns counts for the summary."""
    rng = random.Random(seed)  # noqa: S311 - demo choices, not secrets
    teacher = Staff.objects.filter(user__username=DEMO_TEACHER, district=district).first()
    leader = Staff.objects.filter(user__username=DEMO_LEADER, district=district).first()
    if teacher is None or leader is None:
        return {}
    for source, translations in NOTE_SENTENCES.items():
        for language, text in translations.items():
            _remember(district, source, "en", text, language)
    for language, text in ANNOUNCEMENT_TRANSLATIONS.items():
        _remember(district, ANNOUNCEMENT, "en", text, language)
    for language, text in SUBJECT_TRANSLATIONS.items():
        _remember(district, SUBJECT, "en", text, language)
    for reply in REPLIES:
        _remember(district, reply.text, reply.language, reply.english, "en")

    families = _texting_families(teacher, ["es", "vi", "ru", "ar", "zh", "so", "ht", "pt"])
    sent: list[int] = []
    for caregiver, student in families:
        conversation = actions.do_open_conversation(
            caregiver=caregiver,
            owner=teacher,
            student_id=student.pk,
            school=student.schools.order_by("pk").first(),
        )
        message = actions.do_send_conversation_message(
            by=teacher,
            conversation=conversation,
            body=rng.choice(sorted(NOTE_SENTENCES)),
            kind=Message.Kind.PROGRESS_POSITIVE,
            template_key="progress_note.positive",
            context={"student": student.given_name, "teacher": teacher.display_name},
        )
        sent.append(message.pk)
    school = leader.roles.filter(school__isnull=False).first()
    if school is not None and school.school is not None:
        announcement = actions.do_send_announcement(
            by=leader,
            audience_kind="school",
            audience_ref={"ids": [school.school.pk]},
            school=school.school,
            subject=SUBJECT,
            body=ANNOUNCEMENT,
            source_language="en",
        )
        sent.extend(announcement.messages.values_list("pk", flat=True))
    # The notes went out last week (inside each family's window then), so that the replies
    # below answer them; the announcement goes out now, window by window.
    now = timezone.now()
    week_ago = now - timedelta(days=7)
    notes = Message.objects.filter(pk__in=sent, announcement__isnull=True)
    Delivery.objects.filter(message__in=notes).update(not_before=week_ago, created_at=week_ago)
    notes.update(created_at=week_ago)
    Conversation.objects.filter(messages__pk__in=sent).update(last_staff_message_at=week_ago)
    _send_now(sent)
    by_language = {caregiver.preferred_language: caregiver for caregiver, _ in families}
    replies = 0
    for reply in REPLIES:
        family = by_language.get(reply.language)
        if family is None:
            continue
        phone = family.contacts.filter(kind="phone", sms_capable=True).values_list(
            "value", flat=True
        )
        _receive(phone[0], reply.text, now - timedelta(days=reply.days_ago, hours=2))
        replies += 1
    _receive(STRANGER, STRANGER_TEXT, now - timedelta(hours=5))
    return {"progress notes": len(families), "family replies": replies, "triage": 1}
