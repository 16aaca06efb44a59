"""A message is translated once per language and filled in per family."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from juntos.language import pipeline
from juntos.language.models import Method, Status
from juntos.language.pipeline import Rendition, TranslationPolicy
from juntos.language.providers import LibreTranslate
from juntos.testing.translation_servers import LibreTranslateServer


def test_the_same_language_is_not_translated(db: Any) -> None:
    rendition = pipeline.translate("See you soon!", source="en", target="en-US")
    assert rendition.method == Method.ORIGINAL
    assert rendition.status == Status.REVIEWED
    assert rendition.text == "See you soon!"
    assert not rendition.needs_human


def test_free_text_is_translated_once_per_distinct_language(db: Any) -> None:
    with LibreTranslateServer() as server:
        policy = TranslationPolicy(provider=LibreTranslate(url=server.url))
        families = ["es", "vi", "es", "es-MX", "so", "vi"]
        renditions = pipeline.translate_for_languages(
            "The book fair starts Monday.", source="en", targets=families, district_policy=policy
        )
    assert set(renditions) == {"es", "vi", "es-MX", "so"}
    # es and vi went to the engine once each; es-MX then came from the memory (same language);
    # Somali is not on this server.
    assert sorted(request["target"] for request in server.requests) == ["es", "vi"]
    assert renditions["es-MX"].method == Method.MEMORY
    assert renditions["so"].needs_human


def test_a_template_is_prepared_per_language_and_filled_per_family_without_queries(
    db: Any, django_assert_num_queries: Any
) -> None:
    prepared = pipeline.prepare_template_for_languages("attendance.absence", ["es", "vi", "es"])
    assert set(prepared) == {"es", "vi"}
    families = [("es", "Ana"), ("vi", "Minh"), ("es", "Rosa")]
    with django_assert_num_queries(0):
        texts = [
            pipeline.fill(
                prepared[language], {"student": name, "school": "North", "date": "3 de mayo"}
            ).text
            for language, name in families
        ]
    assert texts[0].startswith("Registramos una ausencia de Ana en North")
    assert texts[1].startswith("Em Minh được ghi nhận vắng mặt tại North")


def test_a_rendition_survives_a_json_round_trip(db: Any) -> None:
    rendition = pipeline.render_template("general.reply_received", "ko", {"teacher": "김 선생님"})
    stored = json.loads(json.dumps(rendition.to_json()))
    assert stored["method"] == "template"
    assert Rendition.from_json(stored) == rendition


def test_dates_and_times_are_written_the_familys_way() -> None:
    assert pipeline.format_date(date(2025, 5, 2), "es") == "2 de mayo de 2025"
    assert pipeline.format_date(date(2025, 5, 2), "hmn") == "5/2/25"
    assert pipeline.format_time(time(18, 30), "en") == "6:30\u202fPM"
    assert pipeline.format_date(date(2025, 5, 2), "tl")  # CLDR's "fil"


def test_a_misconfigured_provider_leaves_texts_to_people(db: Any, settings: Any) -> None:
    settings.TRANSLATION_PROVIDER = "libretranslate"
    settings.LIBRETRANSLATE_URL = ""
    rendition = pipeline.translate("Hello", source="en", target="es")
    assert rendition.needs_human


def test_what_is_sent_says_how_it_was_translated(db: Any) -> None:
    waiting = pipeline.translate("Picture day is Thursday.", source="en", target="so")
    assert pipeline.text_to_send(waiting, separator="\n") == (
        "Waxaan kuu heli karnaa turjubaan ku hadla luqaddaada. Ka jawaab fariintan, waanu kula "
        "soo xiriiri doonnaa.\nPicture day is Thursday."
    )
    with LibreTranslateServer() as server:
        policy = TranslationPolicy(provider=LibreTranslate(url=server.url))
        machine = pipeline.translate(
            "Picture day is Thursday.", source="en", target="ar", district_policy=policy
        )
    assert pipeline.text_to_send(machine, separator="\n") == (
        "[ar] PICTURE DAY IS THURSDAY.\nتُرجمت هذه الرسالة بواسطة الحاسوب. ردّوا لطلب مترجم."
    )
    template = pipeline.render_template("general.reply_received", "es", {"teacher": "Ana"})
    assert pipeline.text_to_send(template) == template.text
