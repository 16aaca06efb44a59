"""Paper letters: one PDF per batch, one page per family, each in the family's language.

The PDF is read back the way a reviewer would check it: page count, extracted text, where the
text sits on the page (right-aligned for Arabic script), which fonts are embedded, and what
WeasyPrint complained about. PNGs of the pages go to ``test-artifacts/paper/`` for a person to
look at.
"""

# The letters are in 16 languages on purpose: their look-alike characters are not typos.
# ruff: noqa: RUF001

from __future__ import annotations

import html
import io
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject

from juntos.language import registry
from juntos.messaging.channels.base import ChannelAdapter, OutboundMessage, Outcome
from juntos.messaging.channels.paper import (
    META_ADDRESS,
    META_DATE_TEXT,
    META_REPLY_INSTRUCTIONS,
    META_SCHOOL_NAME,
    Letter,
    PaperChannel,
    letters_html,
    render_letters,
)

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "paper"

# US Letter, 22 mm side margins (letter.css): the text column in PDF points.
PAGE_WIDTH = 612.0
LEFT_EDGE = 22 / 25.4 * 72
RIGHT_EDGE = PAGE_WIDTH - LEFT_EDGE

# (language, school, recipient, date, subject, body, reply). The last body paragraph is a short
# sign-off: where it starts on the page tells right-aligned from left-aligned text.
SAMPLES: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "ar",
        "مدرسة لينكولن الابتدائية",
        "فاطمة أحمد",
        "١٥ مارس ٢٠٢٥",
        "لقاء مع العائلة الأسبوع القادم",
        "عزيزتي العائلة،\n\n"
        "نود أن نلتقي بكم للحديث عن تقدم طفلكم في المدرسة وعن الطرق التي نستطيع أن نساعده بها "
        "معاً في البيت وفي الصف. تقرأ ليلى كل يوم ونحن فخورون بها.\n\n"
        "سيكون اللقاء يوم الخميس الساعة الرابعة في الغرفة ٤. سيحضر مترجم.\n\n"
        "شكراً لكم.",
        "للرد، اكتبوا على هذه الصفحة وأعيدوها مع طفلكم.",
    ),
    (
        "zh",
        "林肯小学",
        "王芳",
        "2025年3月15日",
        "下周家长会",
        "亲爱的家长：\n\n"
        "我们希望与您见面，谈谈孩子在学校的进步。小明每天都在阅读，我们为他感到骄傲。\n\n"
        "会议将于星期四下午四点在四号教室举行。届时会有翻译人员。\n\n"
        "谢谢！",
        "如需回复，请在本页写下您的意见，并让孩子带回学校。",
    ),
    (
        "vi",
        "Trường Tiểu học Lincoln",
        "Trần Thị Lan",
        "Ngày 15 tháng 3 năm 2025",
        "Họp phụ huynh tuần tới",
        "Kính gửi quý phụ huynh,\n\n"
        "Chúng tôi muốn gặp quý vị để nói về sự tiến bộ của con em ở trường. Minh đọc sách mỗi "
        "ngày và chúng tôi rất tự hào về em.\n\n"
        "Buổi họp sẽ diễn ra vào thứ Năm lúc 4 giờ chiều tại phòng số 4. Sẽ có thông dịch viên.\n\n"
        "Xin cảm ơn.",
        "Để trả lời, xin viết vào trang này và gửi lại cho trường qua con em.",
    ),
    (
        "so",
        "Dugsiga Hoose ee Lincoln",
        "Amina Hassan",
        "15 Maarso 2025",
        "Kulanka waalidiinta toddobaadka soo socda",
        "Waalidiinta qaaliga ah,\n\n"
        "Waxaan jeclaan lahayn inaan la kulanno si aan uga wada hadalno horumarka ilmahaaga ee "
        "dugsiga. Amina maalin kasta way akhridaa, waanan ku faraxsannahay.\n\n"
        "Kulanku wuxuu dhici doonaa Khamiista saacadda 4-ta galabnimo, qolka 4. Turjubaan ayaa "
        "joogi doona.\n\n"
        "Mahadsanid.",
        "Si aad uga jawaabto, wax ku qor boggan oo ku soo celi ilmahaaga.",
    ),
    (
        "ru",
        "Начальная школа Линкольна",
        "Ольга Иванова",
        "15 марта 2025 г.",
        "Встреча с семьёй на следующей неделе",
        "Уважаемая семья!\n\n"
        "Мы хотели бы встретиться с вами и поговорить об успехах вашего ребёнка в школе. Иван "
        "читает каждый день, и мы им гордимся.\n\n"
        "Встреча состоится в четверг в 16:00 в кабинете № 4. Будет переводчик.\n\n"
        "Спасибо.",
        "Чтобы ответить, напишите на этой странице и передайте её через ребёнка.",
    ),
    (
        "ko",
        "링컨 초등학교",
        "김지은",
        "2025년 3월 15일",
        "다음 주 학부모 상담",
        "학부모님께,\n\n"
        "자녀의 학교생활과 발전에 대해 이야기를 나누고 싶습니다. 민준이는 매일 책을 읽고 있으며 "
        "저희는 민준이가 자랑스럽습니다.\n\n"
        "상담은 목요일 오후 4시에 4번 교실에서 있습니다. 통역사가 함께합니다.\n\n"
        "감사합니다.",
        "답장하시려면 이 종이에 적어서 자녀 편으로 보내 주십시오.",
    ),
    (
        "fa-AF",
        "مکتب ابتدائیه لینکلن",
        "مریم رحیمی",
        "۱۵ مارچ ۲۰۲۵",
        "ملاقات با خانواده در هفتهٔ آینده",
        "خانوادهٔ محترم،\n\n"
        "ما می‌خواهیم با شما دربارهٔ پیشرفت فرزندتان در مکتب و راه‌هایی که می‌توانیم با هم در "
        "خانه و در صنف به او کمک کنیم صحبت کنیم. مریم هر روز کتاب "
        "می‌خواند و ما به او افتخار می‌کنیم.\n\n"
        "ملاقات روز پنجشنبه ساعت چهار بعد از ظهر در اتاق ۴ برگزار می‌شود. یک ترجمان حاضر "
        "خواهد بود.\n\n"
        "تشکر.",
        "برای جواب دادن، روی همین صفحه بنویسید و آن را توسط فرزندتان به مکتب بفرستید.",
    ),
    (
        "ps",
        "د لینکن لومړنی ښوونځی",
        "احمد ځدراڼ",
        "۱۵ مارچ ۲۰۲۵",
        "راتلونکې اونۍ کې د کورنۍ سره ناسته",
        "ګرانې کورنۍ،\n\n"
        "موږ غواړو چې تاسو سره د ښوونځي کې ستاسو د ماشوم د پرمختګ او هغو لارو په اړه خبرې وکړو "
        "چې موږ یې په ګډه په کور او ټولګي کې ورسره مرسته کولی شو. احمد هره "
        "ورځ لوست کوي او موږ پرې ویاړو.\n\n"
        "ناسته به د پنجشنبې په ورځ د ماسپښین په څلورو بجو په ۴ کوټه کې وي. ژباړونکی به هلته "
        "وي.\n\n"
        "مننه.",
        "د ځواب لپاره، په همدې پاڼه ولیکئ او د خپل ماشوم په لاس یې ښوونځي ته راولیږئ.",
    ),
    (
        "en",
        "Lincoln Elementary School",
        "Rosa Martinez",
        "March 15, 2025",
        "Family meeting next week",
        "Dear family,\n\n"
        "We would like to meet with you about your child's progress at school. Ana reads every "
        "day and we are proud of her.\n\n"
        "The meeting is on Thursday at 4 PM in Room 4. An interpreter will be there.\n\n"
        "Thank you.",
        "To answer, write on this page and send it back to school with your child.",
    ),
]
LANGUAGES = [sample[0] for sample in SAMPLES]
ARABIC_SCRIPT = {"ar", "fa-AF", "ps"}


def make_letter(
    language: str,
    school: str,
    name: str,
    date: str,
    subject: str,
    body: str,
    reply: str,
) -> Letter:
    return Letter(
        recipient_name=name,
        address_lines=["1200 Main Street, Apt 3", "Springfield, IL 62701"],
        language=language,
        school_name=school,
        date_text=date,
        subject=subject,
        body=body,
        reply_instructions=reply,
        idempotency_key=f"delivery-{language}-1",
    )


LETTERS = [make_letter(*sample) for sample in SAMPLES]


@contextmanager
def weasyprint_warnings() -> Iterator[list[logging.LogRecord]]:
    """Every warning WeasyPrint logs meanwhile: unsupported CSS, and ".notdef glyph rendered"."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    reader: PdfReader
    warnings: list[str]


def render(letters: list[Letter], **options: Any) -> Rendered:
    with weasyprint_warnings() as records:
        pdf = render_letters(letters, **options)
    return Rendered(pdf, PdfReader(io.BytesIO(pdf)), [r.getMessage() for r in records])


@pytest.fixture(scope="module")
def batch() -> Rendered:
    rendered = render(LETTERS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "batch.pdf").write_bytes(rendered.pdf)
    return rendered


def page_of(batch: Rendered, language: str) -> PageObject:
    return batch.reader.pages[LANGUAGES.index(language)]


def sample_of(language: str) -> tuple[str, str, str, str, str, str, str]:
    return SAMPLES[LANGUAGES.index(language)]


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def words(text: str) -> set[str]:
    # NFKC folds Arabic presentation forms back to letters; ZWNJ (Dari "می‌خواهیم") and
    # punctuation are not what we check; digits are left out because extractors reorder them
    # in right-to-left text.
    text = unicodedata.normalize("NFKC", text).replace("\u200c", "")
    # Vowel marks (tanwin in "شكراً") may come out as words of their own: drop them.
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    found = {w.strip("،.؛؟!:,()«»") for w in text.split()}
    return {w for w in found if w and not any(c.isdigit() for c in w)}


def either_order(found: set[str]) -> set[str]:
    # Extractors may give right-to-left text in visual order: accept a word reversed.
    return found | {word[::-1] for word in found}


def lines(page: PageObject) -> list[tuple[float, str]]:
    """(x where the line starts, its text) for every line of the page, in PDF points."""
    by_baseline: dict[float, list[tuple[float, str]]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            by_baseline.setdefault(round(y, 1), []).append((x, text))

    page.extract_text(visitor_text=visit)
    return [
        (min(x for x, _ in parts), " ".join(text for _, text in parts))
        for parts in by_baseline.values()
    ]


def start_x(page: PageObject, line: str) -> float:
    """Where the line that holds exactly the words of ``line`` starts."""
    wanted = words(line)
    for x, text in lines(page):
        if either_order(words(text)) >= wanted and len(words(text)) == len(wanted):
            return x
    raise AssertionError(f"no line {line!r} in {lines(page)}")


def font_names(page: PageObject) -> set[str]:
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, DictionaryObject)
    # "/ABCDEF+Noto-Naskh-Arabic" -> "NotoNaskhArabic": subset prefix and hyphens dropped.
    return {
        str(font.get_object()["/BaseFont"]).split("+")[-1].replace("-", "")
        for font in fonts.values()
    }


def test_a_batch_is_one_pdf_with_one_page_per_letter(batch: Rendered) -> None:
    assert batch.pdf.startswith(b"%PDF-")
    assert len(batch.reader.pages) == len(LETTERS)
    for page, language in zip(batch.reader.pages, LANGUAGES, strict=True):
        # The footer names the page's language in its own script.
        assert registry.get(language).native_name in page.extract_text(), language


def test_it_prints_the_exact_text_of_each_language(batch: Rendered) -> None:
    for language in ("zh", "vi", "so", "ru", "ko", "en"):
        _, school, name, date, subject, body, reply = sample_of(language)
        text = page_of(batch, language).extract_text()
        expected = [school, name, date, subject, reply, *body.split("\n\n")]
        if language in ("zh", "ko"):
            # A CJK line may break between any two characters; compare without spaces.
            flat = "".join(squash(text).split())
            for part in expected:
                assert "".join(part.split()) in flat, (language, part)
        else:
            for part in expected:
                assert squash(part) in squash(text), (language, part)


def test_vietnamese_diacritics_survive_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Họp phụ huynh tuần tới: Xin cảm ơn quý vị")
    letter = replace(LETTERS[LANGUAGES.index("vi")], subject=decomposed)
    text = render([letter]).reader.pages[0].extract_text()
    assert "Họp phụ huynh tuần tới: Xin cảm ơn quý vị" in unicodedata.normalize("NFC", text)


def test_arabic_script_letters_keep_every_word(batch: Rendered) -> None:
    for language in ARABIC_SCRIPT:
        _, school, name, _date, subject, body, reply = sample_of(language)
        printed = either_order(words(page_of(batch, language).extract_text()))
        for word in words(" ".join([school, name, subject, body, reply])):
            assert word in printed, (language, word)


def test_arabic_script_letters_are_laid_out_right_to_left(batch: Rendered) -> None:
    middle = PAGE_WIDTH / 2
    for language in LANGUAGES:
        _, _school, name, _date, subject, body, _reply = sample_of(language)
        page = page_of(batch, language)
        paragraphs = body.split("\n\n")
        greeting, sign_off = paragraphs[0], paragraphs[-1]
        if language in ARABIC_SCRIPT:
            # Short lines start far to the right: they end at the right edge of the column.
            for line in (greeting, sign_off, subject):
                assert start_x(page, line) > middle, (language, line)
        else:
            for line in (greeting, sign_off, subject):
                assert start_x(page, line) == pytest.approx(LEFT_EDGE, abs=1), (language, line)
        # The postal address stays on the left in every direction (window envelopes).
        assert start_x(page, name) == pytest.approx(LEFT_EDGE, abs=1), language


WORD_BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def poppler_lines(pdf: bytes, page_number: int) -> list[tuple[float, float, str]]:
    """(x min, x max, text) of each printed line, from poppler's word boxes.

    Words are grouped into lines by their vertical centre ourselves: poppler's own lines break
    apart around Arabic vowel marks.
    """
    number = str(page_number)
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-f", number, "-l", number, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    boxes = sorted(
        ((float(y0) + float(y1)) / 2, float(x0), float(x1), html.unescape(text))
        for x0, y0, x1, y1, text in WORD_BOX.findall(xhtml)
    )
    grouped: list[list[tuple[float, float, float, str]]] = []
    for box in boxes:
        if grouped and box[0] - grouped[-1][-1][0] < 6:  # lines are 20+ points apart
            grouped[-1].append(box)
        else:
            grouped.append([box])
    return [
        (min(b[1] for b in line), max(b[2] for b in line), " ".join(b[3] for b in line))
        for line in grouped
    ]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_arabic_body_lines_end_at_the_right_edge(batch: Rendered) -> None:
    """With poppler's word boxes: every line of an Arabic-script body ends at the right edge."""
    for language in (*ARABIC_SCRIPT, "en", "ru"):
        body_words = either_order(words(sample_of(language)[5]))
        edges = [
            (x_min, x_max)
            for x_min, x_max, text in poppler_lines(batch.pdf, LANGUAGES.index(language) + 1)
            if words(text) and words(text) <= body_words
        ]
        assert len(edges) >= 5, (language, edges)  # greeting, 3+ lines of text, sign-off
        if language in ARABIC_SCRIPT:
            assert all(x_max == pytest.approx(RIGHT_EDGE, abs=1.5) for _, x_max in edges), edges
            assert max(x_min for x_min, _ in edges) > PAGE_WIDTH / 2, edges
        else:
            assert all(x_min == pytest.approx(LEFT_EDGE, abs=1.5) for x_min, _ in edges), edges


def test_every_glyph_comes_from_a_noto_font_of_the_right_script(batch: Rendered) -> None:
    assert batch.warnings == []  # no ".notdef glyph rendered", no ignored CSS
    everything: set[str] = set()
    for language in LANGUAGES:
        names = font_names(page_of(batch, language))
        everything |= names
        # Nothing fell back to a non-Noto font that fontconfig happened to find.
        assert all(name.startswith("Noto") for name in names), (language, names)
        if language in ARABIC_SCRIPT:
            assert any(name.startswith("NotoNaskhArabic") for name in names), names
    assert any(name.startswith("NotoSansCJKSC") for name in font_names(page_of(batch, "zh")))
    # Korean gets the Korean CJK font, so shared Han characters take their Korean shapes.
    assert any(name.startswith("NotoSansCJKKR") for name in font_names(page_of(batch, "ko")))
    assert any(name.startswith("NotoSansCJK") for name in everything)
    assert any(name.startswith("NotoNaskhArabic") for name in everything)


def test_every_demo_language_renders_without_missing_glyphs() -> None:
    # Characters each language needs that the sample batch above does not show.
    extra = {
        "es": "¿Podrá venir? Año, niño, acción.",
        "pt": "Não há reunião; ações às três, pôr.",
        "fr": "Où êtes-vous ? Œuvre, garçon, « élève ».",
        "uk": "Шановна родино! Ґанок, їжак, єдність, ім’я.",
        "ht": "Chè fanmi, nou vle wè w semèn pwochèn. Mèsi anpil!",
        "tl": "Mahal na pamilya, nais naming makipagkita sa inyo. Salamat po!",
        "hmn": "Nyob zoo tsev neeg, peb xav ntsib nej lub lim tiam tom ntej. Ua tsaug!",
        "ur": "محترم والدین، ہم اگلے ہفتے آپ سے ملنا چاہتے ہیں۔ شکریہ۔",
    }
    letters = []
    for code in (*registry.DEMO_LANGUAGES, "ur"):
        if code in LANGUAGES:
            letter = LETTERS[LANGUAGES.index(code)]
        else:
            letter = make_letter(code, "Lincoln", "Family", "2025-03-15", "—", extra[code], "")
        letters.append(replace(letter, idempotency_key=f"all-{code}"))
    rendered = render(letters)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "all-languages.pdf").write_bytes(rendered.pdf)
    assert rendered.warnings == []
    assert len(rendered.reader.pages) == len(letters)
    for page in rendered.reader.pages:
        assert all(name.startswith("Noto") for name in font_names(page))
    urdu = font_names(rendered.reader.pages[-1])
    assert any(name.startswith("NotoNastaliqUrdu") for name in urdu), urdu


def test_a_glyph_no_font_has_is_reported() -> None:
    # The no-missing-glyph checks above mean something only if WeasyPrint does report one.
    private_use = "\U000f0001"
    letter = replace(LETTERS[-1], body=f"Dear family {private_use}")
    assert any(".notdef" in warning for warning in render([letter]).warnings)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")
def test_it_writes_pngs_to_look_at(batch: Rendered) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(ARTIFACTS / "batch.pdf"), str(ARTIFACTS / "page")],
        check=True,
    )
    pngs = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pngs) == len(LETTERS)
    assert all(png.read_bytes().startswith(b"\x89PNG") for png in pngs)


def test_caller_text_is_printed_literally_never_as_markup() -> None:
    body = "Bring <script>alert(1)</script> & <b>snacks</b> & drinks"
    letter = replace(LETTERS[-1], body=body, recipient_name="Tom & Jerry <Smith>")
    html = letters_html([letter])
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;snacks&lt;/b&gt;" in html
    text = render([letter]).reader.pages[0].extract_text()
    assert body in text
    assert "Tom & Jerry <Smith>" in text


def test_each_letter_carries_its_own_language_and_direction() -> None:
    html = letters_html(LETTERS)
    assert re.search(r'<html lang="mul" dir="ltr">', html)
    sections = re.findall(r'<section class="letter" lang="([^"]+)" dir="(rtl|ltr)">', html)
    expected = [(code, "rtl" if code in ARABIC_SCRIPT else "ltr") for code in LANGUAGES]
    assert sections == expected
    # A single-language batch says so on the whole document (the PDF's /Lang).
    assert '<html lang="ar" dir="rtl">' in letters_html([LETTERS[0]])


def test_body_paragraphs_split_on_blank_lines_and_keep_line_breaks() -> None:
    letter = replace(LETTERS[-1], body="Dear family,\r\n \r\nLine one\nLine two\n\n\n\nBye")
    html = letters_html([letter])
    paragraphs = re.findall(r"<p>(.*?)</p>", html, flags=re.S)
    assert paragraphs[:3] == ["Dear family,", "Line one\nLine two", "Bye"]


def test_paper_size_is_letter_or_a4() -> None:
    letter_page = render([LETTERS[-1]]).reader.pages[0].mediabox
    a4_page = render([LETTERS[-1]], paper_size="A4").reader.pages[0].mediabox
    assert (float(letter_page.width), float(letter_page.height)) == (612, 792)
    assert (round(float(a4_page.width)), round(float(a4_page.height))) == (595, 842)
    with pytest.raises(ValueError, match="paper size"):
        letters_html([LETTERS[-1]], paper_size="legal")  # type: ignore[arg-type]


def test_a_long_letter_continues_on_more_pages_with_its_footer() -> None:
    long_body = "\n\n".join(
        f"Paragraph {n}: the school garden needs helpers on Saturday mornings. " * 3
        for n in range(1, 31)
    )
    long_letter = replace(LETTERS[-1], body=long_body)
    korean = LETTERS[LANGUAGES.index("ko")]
    reader = render([long_letter, korean]).reader
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for text in pages[:-1]:
        assert "English" in text
        assert long_letter.idempotency_key in text
    # The next family's letter starts on a page of its own, with its own footer.
    assert "다음 주 학부모 상담" in pages[-1]
    assert "한국어" in pages[-1]
    assert "English" not in pages[-1]
    assert "Paragraph 30" not in pages[-1]


def test_unusable_letters_are_refused() -> None:
    good = LETTERS[-1]
    with pytest.raises(ValueError, match="at least one"):
        render_letters([])
    with pytest.raises(ValueError, match="not a"):
        render_letters([replace(good, language="klingon")])
    with pytest.raises(ValueError, match="body is empty"):
        render_letters([replace(good, body=" \n\n ")])
    with pytest.raises(ValueError, match="twice"):
        render_letters([good, good])


def paper_message(key: str, **changes: str) -> OutboundMessage:
    metadata = {
        META_ADDRESS: "1200 Main Street\nSpringfield, IL 62701",
        META_SCHOOL_NAME: "Trường Tiểu học Lincoln",
        META_DATE_TEXT: "Ngày 15 tháng 3 năm 2025",
        META_REPLY_INSTRUCTIONS: "Để trả lời, xin viết vào trang này.",
    }
    fields: dict[str, Any] = {
        "idempotency_key": key,
        "to": "",
        "language": "vi",
        "body": "Kính gửi quý phụ huynh,\n\nXin cảm ơn.",
        "subject": "Họp phụ huynh",
        "recipient_name": "Trần Thị Lan",
        "metadata": metadata,
    }
    fields.update(changes)
    return OutboundMessage(**fields)


def test_the_paper_channel_collects_a_batch() -> None:
    channel = PaperChannel(batch_reference="paper-2025-03-15-lincoln")
    adapter: ChannelAdapter = channel
    first = adapter.send(paper_message("delivery-1"))
    again = adapter.send(paper_message("delivery-1"))  # a retried send adds nothing
    second = adapter.send(paper_message("delivery-2", recipient_name="Nguyễn Văn Minh"))
    assert first.outcome is Outcome.DELIVERED
    assert first.provider_id == "paper-2025-03-15-lincoln"
    assert again == first
    assert second.outcome is Outcome.DELIVERED
    assert [letter.idempotency_key for letter in channel.letters] == ["delivery-1", "delivery-2"]
    assert channel.letters[0].address_lines == ["1200 Main Street", "Springfield, IL 62701"]

    reader = PdfReader(io.BytesIO(channel.render()))
    assert len(reader.pages) == 2
    assert "Nguyễn Văn Minh" in unicodedata.normalize("NFC", reader.pages[1].extract_text())


def test_the_paper_channel_fails_a_message_that_cannot_be_a_letter() -> None:
    channel = PaperChannel(batch_reference="paper-2025-03-15-lincoln")
    unknown = channel.send(paper_message("delivery-3", language="xx-unknown"))
    empty = channel.send(paper_message("delivery-4", body=""))
    assert unknown.outcome is Outcome.FAILED
    assert "delivery-3" in unknown.error
    assert empty.outcome is Outcome.FAILED
    assert channel.letters == []
    with pytest.raises(ValueError, match="at least one"):
        channel.render()
