"""An idea exchange for the demo district, built through the actions.

Maple Hill asks its families "What would help your family take part in school life?". Families
answer in eight languages; each idea's English (and Spanish) rendition is stored as a draft a
liaison made, so every reader sees it in their language. Ideas are approved, and families react
with two planted points of view (evening vs. weekend families), so the opinion groups have
something to find. One family asks to be told what becomes of its idea; the school makes a
commitment citing two ideas and moves it along, so that family is told and the public board
shows it.
"""

# Text in eight scripts: letters that look like Latin ones are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import random

from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.listening import actions
from juntos.listening.models import Idea, IdeaExchange
from juntos.people.models import Caregiver, District, School, Staff

QUESTION = "What would help your family take part in school life?"
QUESTION_ES = "¿Qué ayudaría a su familia a participar en la vida de la escuela?"

# (language, the family's words, English, Spanish)
IDEAS: list[tuple[str, str, str, str]] = [
    ("es", "Reuniones los sábados por la mañana, cuando no trabajamos.",
     "Meetings on Saturday mornings, when we are not working.",
     "Reuniones los sábados por la mañana, cuando no trabajamos."),
    ("vi", "Có người phiên dịch tiếng Việt ở mỗi buổi họp.",
     "A Vietnamese interpreter at every meeting.",
     "Un intérprete de vietnamita en cada reunión."),
    ("so", "Gaadiid loogu talagalay waalidiinta aan baabuur lahayn.",
     "Transport for parents who do not have a car.",
     "Transporte para los padres que no tienen carro."),
    ("ar", "رسائل قصيرة بالعربية بدلاً من الأوراق في حقيبة الطفل.",
     "Short text messages in Arabic instead of papers in the child's bag.",
     "Mensajes de texto cortos en árabe en lugar de papeles en la mochila."),
    ("zh", "晚上七点以后的家长会，我们下班比较晚。",
     "Parent meetings after 7 pm; we finish work late.",
     "Reuniones de padres después de las 7 de la noche; salimos tarde del trabajo."),
    ("en", "Childcare for younger siblings during family nights.",
     "Childcare for younger siblings during family nights.",
     "Cuidado de niños para los hermanos menores durante las noches familiares."),
    ("ht", "Yon moun ki pale kreyòl nan biwo lekòl la.",
     "Someone who speaks Creole in the school office.",
     "Alguien que hable criollo en la oficina de la escuela."),
    ("pt", "Aulas de inglês para os pais na própria escola.",
     "English classes for parents at the school itself.",
     "Clases de inglés para los padres en la misma escuela."),
]  # fmt: skip


def _remember(district: District, source: str, language: str, text: str, target: str) -> None:
    if language == target:
        return
    do_remember_translation(
        district_id=district.pk, source_language=language, target_language=target,
        source_text=source, target_text=text, method=Method.HUMAN, status=Status.DRAFT,
    )  # fmt: skip


def _families(school: School) -> list[Caregiver]:
    return list(
        Caregiver.objects.filter(is_active=True, links__student__school_links__school=school)
        .distinct()
        .order_by("pk")[:120]
    )


def build_demo_listening(*, district: District, seed: int) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - demo choices, not secrets
    leader = Staff.objects.filter(user__username="leader.maple-hill", district=district).first()
    if leader is None:
        return {}
    role = leader.roles.filter(school__isnull=False).select_related("school").first()
    if role is None or role.school is None:
        return {}
    school = role.school
    if IdeaExchange.objects.filter(school=school).exists():
        return {}
    _remember(district, QUESTION, "en", QUESTION_ES, "es")
    exchange = actions.do_create_exchange(
        by=leader, school=school, question=QUESTION, audience_kind="school",
        audience_ref={"ids": [school.pk]}, question_language="en",
    )  # fmt: skip
    actions.do_open_exchange(by=leader, exchange=exchange)
    exchange.refresh_from_db()
    families = _families(school)
    by_language: dict[str, list[Caregiver]] = {}
    for caregiver in families:
        by_language.setdefault(caregiver.preferred_language, []).append(caregiver)
    ideas: list[Idea] = []
    for language, text, english, spanish in IDEAS:
        authors = by_language.get(language) or families
        author = authors[0]
        _remember(district, text, language, english, "en")
        _remember(district, text, language, spanish, "es")
        idea = actions.do_add_idea(
            exchange=exchange, caregiver=author, text=text, channel="portal",
            follow_up=language == "vi",
        )  # fmt: skip
        actions.do_moderate_idea(by=leader, idea=idea, approve=True)
        ideas.append(idea)
    # What staff and most readers see at once (the liaison's drafts, from memory).
    for language in ("en", "es", "vi"):
        actions.do_render_ideas(ideas=ideas, language=language, district_id=district.pk)
    # Two points of view: weekend/daytime families and evening families agree with different
    # ideas; everyone agrees interpreters and childcare help (a consensus to find).
    weekend = {0, 2, 7}
    evening = {4, 3}
    shared = {1, 5, 6}
    reactions = 0
    for number, caregiver in enumerate(families[:80]):
        side = weekend if number % 2 == 0 else evening
        for index, idea in enumerate(ideas):
            if rng.random() < 0.25:
                continue
            if index in shared:
                value = "agree" if rng.random() < 0.85 else "pass"
            elif index in side:
                value = "agree" if rng.random() < 0.8 else "pass"
            else:
                value = "disagree" if rng.random() < 0.6 else "pass"
            actions.do_react(idea=idea, caregiver=caregiver, value=value, channel="portal")
            reactions += 1
    counts = {"idea exchanges": 1, "ideas": len(ideas), "reactions": reactions}
    counts.update(_commitment(district, school, leader, ideas))
    return counts


def _commitment(
    district: District, school: School, leader: Staff, ideas: list[Idea]
) -> dict[str, int]:
    from juntos.commitments.actions import do_change_status, do_create_commitment, do_link_input

    title = "Interpreters at every family meeting, starting in January"
    _remember(district, title, "en", "Intérpretes en cada reunión de familias, a partir de enero",
              "es")  # fmt: skip
    _remember(district, title, "en", "Có phiên dịch ở mọi buổi họp phụ huynh, bắt đầu từ tháng Một",
              "vi")  # fmt: skip
    commitment = do_create_commitment(
        by=leader, school=school, kind="action", title=title, source_language="en"
    )
    for idea in ideas[1:2] + ideas[6:7]:
        do_link_input(by=leader, commitment=commitment, kind="idea", object_id=idea.pk)
    do_change_status(by=leader, commitment=commitment, status="in_progress",
                     note="Two interpreters are hired for January.")  # fmt: skip
    return {"commitments": 1}
