"""Every one of the sixteen demo languages is recognised in a short reply, with and without the
caregiver's record — including the five no single detector covers well."""

# ruff: noqa: RUF001 - this file is about text in sixteen languages: its Cyrillic,
# Arabic and full-width letters are meant, not look-alikes of Latin ones.

from __future__ import annotations

import pytest

from juntos.language import registry
from juntos.language.detect import Detection, detect, single_detector_guesses

# Written for these tests: what a parent might answer a school message.
REPLIES: dict[str, tuple[str, ...]] = {
    "en": (
        "Thank you, I will be at the meeting tomorrow.",
        "My son is sick today and will stay home.",
        "Can we talk after school on Friday?",
    ),
    "es": (
        "Gracias, mañana voy a la reunión.",
        "Mi hijo está enfermo y no va a ir hoy.",
        "¿A qué hora termina la escuela?",
    ),
    "ar": (
        "شكرا، سأحضر الاجتماع غدا.",
        "ابني مريض اليوم ولن يذهب إلى المدرسة.",
        "متى تنتهي المدرسة؟",
    ),
    "vi": (
        "Cảm ơn cô, ngày mai tôi sẽ đến họp.",
        "Con tôi bị ốm hôm nay.",
        "Mấy giờ thì trường tan học?",
    ),
    "zh": (
        "谢谢老师，我明天会去开会。",
        "我的孩子今天生病了，不能去学校。",
        "学校几点放学？",
    ),
    "so": (
        "Mahadsanid, berri waan imaan doonaa shirka.",
        "Wiilkaygu maanta wuu jiran yahay.",
        "Goorma ayuu dugsigu dhammaanayaa?",
    ),
    "ht": (
        "Mèsi, m ap vini nan reyinyon an demen.",
        "Pitit mwen an malad jodi a.",
        "Ki lè lekòl la fini?",
    ),
    "pt": (
        "Obrigada, amanhã vou à reunião.",
        "Meu filho está doente e não vai à escola hoje.",
        "A que horas termina a aula?",
    ),
    "ru": (
        "Спасибо, завтра я приду на собрание.",
        "Мой сын сегодня заболел.",
        "Во сколько заканчиваются уроки?",
    ),
    "uk": (
        "Дякую, завтра я прийду на збори.",
        "Мій син сьогодні захворів.",
        "О котрій закінчуються уроки?",
    ),
    "fa-AF": (
        "تشکر، فردا به جلسه می‌آیم.",
        "پسرم امروز مریض است و به مکتب نمی‌رود.",
        "مکتب چه وقت رخصت می‌شود؟",
    ),
    "ps": (
        "مننه، سبا به غونډې ته راشم.",
        "زما زوی نن ناروغ دی او ښوونځي ته نه ځي.",
        "ښوونځی څه وخت رخصتیږي؟",
    ),
    "tl": (
        "Salamat po, pupunta ako sa pulong bukas.",
        "May sakit ang anak ko ngayon.",
        "Anong oras matatapos ang klase?",
    ),
    "ko": (
        "감사합니다, 내일 회의에 가겠습니다.",
        "아이가 오늘 아파서 학교에 못 가요.",
        "학교는 몇 시에 끝나요?",
    ),
    "hmn": (
        "Ua tsaug, tag kis kuv yuav tuaj koom rooj sib tham.",
        "Kuv tus tub mob hnub no.",
        "Tsev kawm ntawv kaw thaum twg?",
    ),
    "fr": (
        "Merci, je viendrai à la réunion demain.",
        "Mon fils est malade aujourd'hui.",
        "À quelle heure finit l'école ?",
    ),
}

CASES = [(tag, text) for tag, texts in REPLIES.items() for text in texts]


def test_the_replies_cover_the_demo_languages() -> None:
    assert set(REPLIES) == set(registry.DEMO_LANGUAGES)


@pytest.mark.parametrize(("tag", "text"), CASES)
def test_it_recognises_each_language_without_a_record(tag: str, text: str) -> None:
    detection = detect(text)
    assert detection.language == tag, detection
    assert detection.keyword is None


@pytest.mark.parametrize(("tag", "text"), CASES)
def test_it_recognises_each_language_with_its_record(tag: str, text: str) -> None:
    detection = detect(text, known=[tag])
    assert detection.language == tag, detection
    assert detection.confidence > 0.8


def test_haitian_creole_is_not_french() -> None:
    # lingua knows French but not Kreyòl: it must not drag Kreyòl to French.
    assert detect("Mwen pa ka vini demen, pitit la malad.").language == "ht"
    assert detect("Mwen pa ka vini demen, pitit la malad.", known=["fr"]).language == "ht"
    assert detect("Je ne peux pas venir demain, ma fille est malade.").language == "fr"


def test_hmong_is_recognised_though_only_one_detector_knows_it() -> None:
    text = "Kuv tsis paub tias nws mus qhov twg."
    assert single_detector_guesses(text)["lingua"] != "hmn"  # lingua has no Hmong
    assert detect(text).language == "hmn"
    # A wrong record (Lao families are often recorded with Hmong ones) does not change it.
    assert detect(text, known=["en", "es"]).language == "hmn"


def test_pashto_is_not_read_as_dari() -> None:
    # Pashto letters (ښ ځ ټ) that Dari does not use.
    assert detect("زه نن ښوونځي ته نه شم راتلای.").language == "ps"
    assert detect("زه نن ښوونځي ته نه شم راتلای.", known=["fa-AF"]).language == "ps"


def test_tagalog_is_tl_whatever_the_detectors_call_it() -> None:
    # CLD3 answers "fil"; we always say tl.
    detection = detect("Salamat po sa paalala, darating kami sa Biyernes.")
    assert detection.language == "tl"


def test_persian_is_reported_as_the_caregivers_own_tag() -> None:
    text = "سلام، فردا دخترم به مکتب نمی‌آید چون مریض است."
    # The demo district's Persian speakers are Dari speakers.
    assert detect(text).language == "fa-AF"
    assert detect(text, known=["fa-AF"]).language == "fa-AF"
    assert detect(text, known=["prs"]).language == "fa-AF"
    # A family recorded as speaking Iranian Persian keeps its tag.
    assert detect(text, known=["fa"]).language == "fa"


def test_a_recorded_regional_tag_is_kept() -> None:
    assert detect("Obrigada, amanhã vou à reunião.", known=["pt-BR"]).language == "pt-BR"


@pytest.mark.parametrize("text", ["", "   ", "12345", "👍👍", "?!...", "3:30 😀", "http://x.co/a1"])
def test_a_text_without_words_has_no_language(text: str) -> None:
    assert detect(text, known=["es"]) == Detection(language=None, confidence=0.0, keyword=None)


def test_confidence_is_a_probability() -> None:
    for tag, text in CASES[:10]:
        assert 0.0 < detect(text, known=[tag]).confidence <= 1.0
