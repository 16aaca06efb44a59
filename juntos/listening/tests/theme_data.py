"""A small hand-labelled set of family responses for the theme tests, written for the project.

Four topics: homework help, the bus, interpreters and language, food and lunch. English
responses; Spanish and Vietnamese ones with an English rendition (as the translation pipeline
would give); Somali ones without a rendition (grouped within Somali).
"""

from __future__ import annotations

from juntos.listening.themes import ThemeItem

HOMEWORK = "homework"
BUS = "bus"
LANGUAGE = "language"
FOOD = "food"
TOPICS = (HOMEWORK, BUS, LANGUAGE, FOOD)

ENGLISH: dict[str, list[str]] = {
    HOMEWORK: [
        "My son needs more help with his math homework at night.",
        "I cannot help with homework because I do not understand the math.",
        "Please start a homework club after school with a tutor.",
        "The homework is too hard and my daughter cries over it.",
        "Could teachers send homework instructions that parents can follow?",
        "We need a tutor to help with reading and math homework.",
    ],
    BUS: [
        "The school bus is late almost every morning.",
        "The bus stop is too far from our apartment and there is no sidewalk.",
        "My kids missed the bus twice and nobody called me.",
        "Please add a bus stop closer to our street.",
        "The bus driver leaves before the children reach the stop.",
        "We need bus transportation for the after school program.",
    ],
    LANGUAGE: [
        "I need an interpreter at parent teacher conferences.",
        "Please translate the letters from school into Arabic.",
        "There was no interpreter at the meeting so I did not understand.",
        "The front office should have someone who speaks our language.",
        "Send the newsletters translated into our language, not only English.",
        "An interpreter on the phone would help me talk to the teacher.",
    ],
    FOOD: [
        "The school lunch is not enough and my son comes home hungry.",
        "Please offer halal food in the cafeteria at lunch.",
        "The cafeteria lunch food is cold and the line is too long.",
        "My daughter does not eat the lunch because the food tastes bad.",
        "Can the cafeteria serve more fruit and vegetables at lunch?",
        "Breakfast and lunch should have vegetarian food options.",
    ],
}

# (original, English rendition)
SPANISH: dict[str, list[tuple[str, str]]] = {
    HOMEWORK: [
        (
            "Mi hijo necesita ayuda con la tarea de matemáticas.",
            "My son needs help with his math homework.",
        ),
        (
            "No puedo ayudar con la tarea porque no entiendo inglés.",
            "I cannot help with the homework because I do not understand English.",
        ),
        (
            "Queremos un tutor para la tarea después de la escuela.",
            "We want a tutor for homework after school.",
        ),
    ],
    BUS: [
        (
            "El autobús llega tarde todos los días.",
            "The bus arrives late every day.",
        ),
        (
            "La parada del autobús está muy lejos de la casa.",
            "The bus stop is very far from the house.",
        ),
        (
            "El chofer del autobús no espera a los niños.",
            "The bus driver does not wait for the children.",
        ),
    ],
    LANGUAGE: [
        (
            "Necesito un intérprete en las reuniones con la maestra.",
            "I need an interpreter at the meetings with the teacher.",
        ),
        (
            "Las cartas de la escuela llegan solo en inglés, por favor tradúzcanlas.",
            "The letters from school come only in English, please translate them.",
        ),
        (
            "Nadie en la oficina habla español.",
            "Nobody in the office speaks our language, Spanish.",
        ),
    ],
    FOOD: [
        (
            "La comida del almuerzo no es suficiente.",
            "The lunch food is not enough.",
        ),
        (
            "Mi hija no come el almuerzo de la cafetería.",
            "My daughter does not eat the cafeteria lunch.",
        ),
        (
            "Por favor más frutas y verduras en el almuerzo.",
            "Please more fruit and vegetables at lunch.",
        ),
    ],
}

VIETNAMESE: dict[str, list[tuple[str, str]]] = {
    HOMEWORK: [
        (
            "Con tôi cần giúp đỡ làm bài tập về nhà môn toán.",
            "My child needs help doing math homework.",
        ),
        (
            "Bài tập về nhà quá khó, tôi không giúp con được.",
            "The homework is too hard, I cannot help my child.",
        ),
        (
            "Trường nên có gia sư giúp làm bài tập sau giờ học.",
            "The school should have a tutor to help with homework after school.",
        ),
    ],
    BUS: [
        (
            "Xe buýt trường thường đến trễ.",
            "The school bus often arrives late.",
        ),
        (
            "Trạm xe buýt quá xa nhà chúng tôi.",
            "The bus stop is too far from our home.",
        ),
        (
            "Tài xế xe buýt đi trước khi các con đến trạm.",
            "The bus driver leaves before the children reach the stop.",
        ),
    ],
    LANGUAGE: [
        (
            "Tôi cần thông dịch viên tiếng Việt khi họp với giáo viên.",
            "I need a Vietnamese interpreter when meeting with the teacher.",
        ),
        (
            "Xin dịch thư của trường sang tiếng Việt.",
            "Please translate the school letters into Vietnamese.",
        ),
        (
            "Không có ai ở văn phòng nói tiếng Việt.",
            "Nobody at the office speaks Vietnamese, our language.",
        ),
    ],
    FOOD: [
        (
            "Bữa trưa ở trường không đủ, con tôi về nhà còn đói.",
            "The school lunch is not enough, my child comes home hungry.",
        ),
        (
            "Đồ ăn trưa ở căng tin bị nguội.",
            "The lunch food in the cafeteria is cold.",
        ),
        (
            "Xin cho thêm rau và trái cây vào bữa trưa.",
            "Please add vegetables and fruit to lunch.",
        ),
    ],
}

# No rendition: grouped within Somali.
SOMALI: dict[str, list[str]] = {
    HOMEWORK: [
        "Ilmahaygu wuxuu u baahan yahay caawimaad casharka guriga.",
        "Casharka guriga aad buu u adag yahay, ma caawin karo.",
        "Ma jiraa caawimaad casharka guriga ah kadib dugsiga?",
    ],
    BUS: [
        "Baska dugsiga had iyo jeer wuu soo daahaa.",
        "Baska subaxdii ma yimaado, carruurtu way sugaan.",
        "Goobta baska aad bay uga fog tahay gurigayaga.",
    ],
    LANGUAGE: [
        "Waxaan u baahanahay turjubaan shirka waalidka iyo macallinka.",
        "Fadlan warqadaha dugsiga ku turjuma af Soomaali.",
        "Xafiiska dugsiga ma joogo turjubaan Soomaali ah.",
    ],
    FOOD: [
        "Cuntada qadada dugsiga ma aha xalaal.",
        "Qadada waa yar tahay, ilmahaygu gaajo ayuu la yimaadaa.",
        "Fadlan cunto xalaal ah ku dara qadada.",
    ],
}


def labelled_items() -> tuple[list[ThemeItem], dict[str, str]]:
    """The items and the topic of each item id."""
    items: list[ThemeItem] = []
    topic_of: dict[str, str] = {}
    for topic in TOPICS:
        for n, text in enumerate(ENGLISH[topic]):
            items.append(ThemeItem(id=f"en-{topic}-{n}", text=text, language="en"))
        for n, (text, pivot) in enumerate(SPANISH[topic]):
            items.append(
                ThemeItem(id=f"es-{topic}-{n}", text=text, language="es", pivot_text=pivot)
            )
        for n, (text, pivot) in enumerate(VIETNAMESE[topic]):
            items.append(
                ThemeItem(id=f"vi-{topic}-{n}", text=text, language="vi", pivot_text=pivot)
            )
        for n, text in enumerate(SOMALI[topic]):
            items.append(ThemeItem(id=f"so-{topic}-{n}", text=text, language="so"))
    for item in items:
        topic_of[str(item.id)] = str(item.id).split("-")[1]
    return items, topic_of
