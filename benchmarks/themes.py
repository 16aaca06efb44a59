"""Benchmark: themes (juntos/listening/themes.py) on 20,000 responses in five languages.

Generates, with a fixed seed, synthetic family responses in English, Spanish, Vietnamese,
Somali and Chinese (4,000 each) about six planted topics (homework, the bus, interpreters,
lunch, safety, meeting times). Each response joins one to three phrases of its topic with
phrases every topic shares ("my child", "this year", "please"); one in ten also carries a
phrase of another topic, as real responses wander; one in fifty carries a phone number or a
link. 70% of the non-English responses have an English rendition (the same phrases in
English, as the translation pipeline would give), so 15,200 responses share the pivot space
and each other language keeps 1,200 of its own.

Times ``find_themes`` on all of them (the call the background task makes) with
``time.perf_counter``, then prints the themes found, the adjusted Rand index (ARI) of each
space against the planted topics, and as its last line one JSON object:
``{"responses", "languages", "seconds", "themes", "peak_rss_mb"}``.

    nice .venv/bin/python benchmarks/themes.py
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from juntos.listening.themes import PIVOT, ThemeItem, find_themes  # noqa: E402

LANGUAGES = ("en", "es", "vi", "so", "zh")
PIVOT_SHARE = 0.7
STRAY_SHARE = 0.1
CONTACT_SHARE = 0.02

# Per topic, phrases in en, es, vi, so, zh (written for this benchmark).
TOPICS: dict[str, list[tuple[str, str, str, str, str]]] = {
    "homework": [
        (
            "help with homework",
            "ayuda con la tarea",
            "giúp làm bài tập về nhà",
            "caawimaad casharka guriga",
            "帮助做家庭作业",
        ),
        (
            "the math homework is hard",
            "la tarea de matemáticas es difícil",
            "bài tập toán khó",
            "casharka xisaabta waa adag yahay",
            "数学作业很难",
        ),
        (
            "a tutor after class",
            "un tutor después de clases",
            "gia sư sau giờ học",
            "macallin gaar ah kadib fasalka",
            "课后辅导老师",
        ),
        (
            "homework instructions for parents",
            "instrucciones de la tarea para los padres",
            "hướng dẫn bài tập cho phụ huynh",
            "tilmaamaha casharka guriga ee waalidiinta",
            "给家长的作业说明",
        ),
    ],
    "bus": [
        (
            "the bus is late",
            "el autobús llega tarde",
            "xe buýt đến trễ",
            "baska wuu daahaa",
            "校车迟到",
        ),
        (
            "the bus stop is far",
            "la parada del autobús está lejos",
            "trạm xe buýt xa",
            "goobta baska way fog tahay",
            "校车站太远",
        ),
        (
            "the driver does not wait",
            "el chofer no espera",
            "tài xế không chờ",
            "darawalku ma sugo",
            "司机不等",
        ),
        (
            "a bus for the evening program",
            "un autobús para el programa de la tarde",
            "xe buýt cho chương trình buổi chiều",
            "bas loogu talagalay barnaamijka galabta",
            "晚间项目的校车",
        ),
    ],
    "interpreters": [
        (
            "an interpreter at meetings",
            "un intérprete en las reuniones",
            "thông dịch viên trong các buổi họp",
            "turjubaan shirarka",
            "会议上的翻译",
        ),
        (
            "translate the letters",
            "traducir las cartas",
            "dịch các lá thư",
            "turjun warqadaha",
            "翻译信件",
        ),
        (
            "nobody at the office speaks our language",
            "nadie en la oficina habla nuestro idioma",
            "không ai ở văn phòng nói tiếng của chúng tôi",
            "cidna xafiiska kuma hadasho luqadeena",
            "办公室没人会说我们的语言",
        ),
        (
            "a phone interpreter for calls with the teacher",
            "un intérprete por teléfono para hablar con la maestra",
            "thông dịch qua điện thoại khi gọi giáo viên",
            "turjubaan taleefan marka la wacayo macallinka",
            "和老师通话时的电话翻译",
        ),
    ],
    "lunch": [
        (
            "the lunch is not enough",
            "el almuerzo no es suficiente",
            "bữa trưa không đủ",
            "qadadu kuma filna",
            "午餐不够",
        ),
        (
            "halal food in the cafeteria",
            "comida halal en la cafetería",
            "đồ ăn halal ở căng tin",
            "cunto xalaal ah makhaayadda",
            "食堂的清真食品",
        ),
        (
            "more fruit and vegetables",
            "más frutas y verduras",
            "thêm trái cây và rau",
            "miro iyo khudaar badan",
            "更多水果和蔬菜",
        ),
        (
            "the food is cold",
            "la comida está fría",
            "đồ ăn bị nguội",
            "cuntadu way qabow tahay",
            "饭菜是冷的",
        ),
    ],
    "safety": [
        (
            "bullying on the playground",
            "acoso en el patio de recreo",
            "bắt nạt ở sân chơi",
            "cagajugleyn garoonka ciyaaraha",
            "操场上的欺凌",
        ),
        (
            "a safe crossing near the entrance",
            "un cruce seguro cerca de la entrada",
            "lối qua đường an toàn gần cổng",
            "marin badbaado leh oo u dhow albaabka",
            "入口附近的安全过街通道",
        ),
        (
            "fights in the hallway",
            "peleas en el pasillo",
            "đánh nhau ở hành lang",
            "dagaallo ka dhaca hoolka",
            "走廊里打架",
        ),
        (
            "more adults watching at recess",
            "más adultos vigilando en el recreo",
            "thêm người lớn trông coi giờ ra chơi",
            "dad waaweyn oo badan oo ilaaliya nasashada",
            "课间有更多大人看护",
        ),
    ],
    "meeting times": [
        (
            "meetings in the evening after work",
            "reuniones por la noche después del trabajo",
            "họp vào buổi tối sau giờ làm",
            "shirar fiidkii shaqada kadib",
            "下班后晚上开会",
        ),
        (
            "childcare during meetings",
            "cuidado de niños durante las reuniones",
            "trông trẻ trong lúc họp",
            "daryeel carruur inta shirku socdo",
            "开会时有人照看孩子",
        ),
        (
            "online meetings on the phone",
            "reuniones en línea por teléfono",
            "họp trực tuyến bằng điện thoại",
            "shirar online ah oo taleefanka ah",
            "用手机参加线上会议",
        ),
        (
            "more notice before events",
            "más aviso antes de los eventos",
            "báo trước sớm hơn trước sự kiện",
            "ogeysiis hore oo dhacdooyinka ka hor",
            "活动前提前通知",
        ),
    ],
}
SHARED: list[tuple[str, str, str, str, str]] = [
    ("my child", "mi hijo", "con tôi", "ilmahayga", "我的孩子"),
    ("at this school", "en esta escuela", "ở trường này", "dugsigan", "在这个学校"),
    ("every week", "cada semana", "mỗi tuần", "toddobaad kasta", "每个星期"),
    ("thank you", "gracias", "cảm ơn", "mahadsanid", "谢谢"),
    ("this year", "este año", "năm nay", "sannadkan", "今年"),
    ("please", "por favor", "xin vui lòng", "fadlan", "请"),
]
# Chinese joins clauses with a full-width comma.
JOINERS = (" and ", " y ", " và ", " iyo ", "\uff0c")
CONTACTS = ("call me at 206-555-0147", "https://forms.example.org/x", "text 425 555 0199")


def generate(count: int, *, seed: int) -> tuple[list[ThemeItem], dict[int, str]]:
    """``count`` responses spread evenly over the languages, and each one's planted topic."""
    rng = np.random.default_rng(seed)
    topics = list(TOPICS)
    items: list[ThemeItem] = []
    truth: dict[int, str] = {}
    for n in range(count):
        lang = n % len(LANGUAGES)
        topic = topics[int(rng.integers(len(topics)))]
        phrases = TOPICS[topic]
        chosen = [
            phrases[int(i)]
            for i in rng.choice(len(phrases), size=int(rng.integers(1, 4)), replace=False)
        ]
        if rng.random() < STRAY_SHARE:
            other = topics[int(rng.integers(len(topics)))]
            chosen.append(TOPICS[other][int(rng.integers(4))])
        for _ in range(int(rng.integers(0, 3))):
            chosen.insert(
                int(rng.integers(len(chosen) + 1)), SHARED[int(rng.integers(len(SHARED)))]
            )
        contact = CONTACTS[int(rng.integers(len(CONTACTS)))] if rng.random() < CONTACT_SHARE else ""

        code = LANGUAGES[lang]
        pivot = None
        if code != "en" and rng.random() < PIVOT_SHARE:
            pivot = render(chosen, 0, contact)
        items.append(
            ThemeItem(id=n, text=render(chosen, lang, contact), language=code, pivot_text=pivot)
        )
        truth[n] = topic
    return items, truth


def render(phrases: list[tuple[str, str, str, str, str]], column: int, contact: str) -> str:
    text = JOINERS[column].join(phrase[column] for phrase in phrases)
    return f"{text} {contact}".strip()


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    items, truth = generate(args.responses, seed=args.seed)
    generated = time.perf_counter() - started
    spaces = Counter("pivot" if i.language == "en" or i.pivot_text else i.language for i in items)
    print(f"generated {len(items):,} responses in {generated:.2f} s; spaces: {dict(spaces)}")

    started = time.perf_counter()
    run = find_themes(items, seed=0)
    seconds = time.perf_counter() - started

    assigned = run.assignment()
    print(
        f"themes: {len(run.themes)} (per space: {dict(run.k_by_space)}), "
        f"unthemed: {len(run.unthemed)}"
    )
    for theme in run.themes:
        planted = Counter(truth[int(i)] for i in theme.item_ids).most_common(2)
        print(
            f"  {theme.key:>4} {theme.language:<5} {theme.size:>6}  "
            f"{', '.join(theme.top_terms[:4])}  — planted: {planted}"
        )
    aris: dict[str, float] = {}
    for space in run.k_by_space:
        ids = [i for theme in run.themes if theme.language == space for i in theme.item_ids]
        aris[space] = round(
            float(adjusted_rand_score([truth[int(i)] for i in ids], [assigned[i] for i in ids])),
            4,
        )
    print(f"ARI against the planted topics, per space: {aris}")
    print(f"find_themes: {seconds:.2f} s; pivot space ARI {aris.get(PIVOT)}")
    print(
        json.dumps(
            {
                "responses": len(items),
                "languages": len(LANGUAGES),
                "seconds": round(seconds, 2),
                "themes": len(run.themes),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
