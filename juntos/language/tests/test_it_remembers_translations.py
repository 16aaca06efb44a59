"""The translation memory: found again by normal form, scoped to a district, fed by people."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from juntos.language import actions, pipeline
from juntos.language.models import Method, Status, TemplateTranslation, TranslationMemory
from juntos.language.pipeline import Rendition, TranslationPolicy
from juntos.language.providers import LibreTranslate
from juntos.testing import factories as f
from juntos.testing.translation_servers import LibreTranslateServer

SENTENCE = "Ana worked hard on her science project."


def test_a_human_translation_is_found_again_and_the_machine_is_not_asked(world: Any) -> None:
    liaison = world.personas["liaison"]
    request = actions.do_request_human_translation(
        district=world.district,
        school=world.north,
        source_text=SENTENCE,
        source_language="en",
        target_language="es",
    )
    actions.do_complete_human_translation(
        request=request, text="Ana trabajó mucho en su proyecto de ciencias.", by=liaison
    )

    with LibreTranslateServer() as server:
        policy = TranslationPolicy(
            district_id=world.district.pk, provider=LibreTranslate(url=server.url)
        )
        # Spacing and Unicode form do not matter; the text is the same.
        rendition = pipeline.translate(
            "  Ana worked hard on her\u00a0science   project. ",
            source="en",
            target="es",
            district_policy=policy,
        )
    assert server.requests == []
    assert rendition.method == Method.MEMORY
    assert rendition.origin_method == Method.HUMAN
    assert rendition.status == Status.REVIEWED
    assert rendition.reviewer_id == liaison.pk
    assert not rendition.machine_notice
    assert rendition.text == "Ana trabajó mucho en su proyecto de ciencias."


def test_case_is_part_of_the_text(world: Any) -> None:
    actions.do_remember_translation(
        district_id=world.district.pk,
        source_language="en",
        target_language="es",
        source_text="US history test Friday",
        target_text="Examen de historia de EE. UU. el viernes",
        method=Method.HUMAN,
        status=Status.REVIEWED,
        reviewed_by=world.personas["liaison"],
    )
    policy = TranslationPolicy(district_id=world.district.pk)
    assert (
        pipeline.translate(
            "US history test Friday", source="en", target="es", district_policy=policy
        ).method
        == Method.MEMORY
    )
    assert pipeline.translate(
        "us history test friday", source="en", target="es", district_policy=policy
    ).needs_human


def test_a_teachers_sentence_stays_in_its_district(world: Any) -> None:
    actions.do_remember_translation(
        district_id=world.district.pk,
        source_language="en",
        target_language="es",
        source_text=SENTENCE,
        target_text="Ana trabajó mucho.",
        method=Method.HUMAN,
        status=Status.REVIEWED,
        reviewed_by=world.personas["liaison"],
    )
    other = f.district(slug="elsewhere", name="Elsewhere")
    mine = pipeline.translate(
        SENTENCE,
        source="en",
        target="es",
        district_policy=TranslationPolicy.for_district(world.district),
    )
    theirs = pipeline.translate(
        SENTENCE, source="en", target="es", district_policy=TranslationPolicy.for_district(other)
    )
    assert mine.method == Method.MEMORY
    assert theirs.needs_human


def test_a_machine_draft_never_replaces_what_a_speaker_checked(world: Any) -> None:
    checked = actions.do_remember_translation(
        district_id=None,
        source_language="en",
        target_language="es",
        source_text="Field trip tomorrow.",
        target_text="Excursión mañana.",
        method=Method.HUMAN,
        status=Status.REVIEWED,
        reviewed_by=world.personas["liaison"],
    )
    again = actions.do_remember_translation(
        district_id=None,
        source_language="en",
        target_language="es",
        source_text="Field trip  tomorrow.",
        target_text="Viaje de campo mañana.",
        method=Method.MACHINE,
        provider="libretranslate",
    )
    assert again.pk == checked.pk
    assert again.target_text == "Excursión mañana."
    assert TranslationMemory.objects.count() == 1


def test_a_liaisons_correction_of_a_machine_translation_feeds_the_memory(world: Any) -> None:
    liaison = world.personas["liaison"]
    with LibreTranslateServer() as server:
        policy = TranslationPolicy(
            district_id=world.district.pk, provider=LibreTranslate(url=server.url)
        )
        machine = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
        assert machine.machine_notice

        # The rendition was stored with a message; a liaison reviews it from there.
        stored = Rendition.from_json(machine.to_json())
        actions.do_review_rendition(
            rendition=stored, by=liaison, text="Ana se esforzó mucho en su proyecto de ciencias."
        )

        after = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
    assert len(server.requests) == 1
    assert after.method == Method.MEMORY
    assert after.origin_method == Method.HUMAN
    assert after.status == Status.REVIEWED
    assert after.reviewer_id == liaison.pk
    assert not after.machine_notice
    assert after.text == "Ana se esforzó mucho en su proyecto de ciencias."


def test_approving_a_machine_translation_removes_its_label(world: Any) -> None:
    with LibreTranslateServer() as server:
        policy = TranslationPolicy(
            district_id=world.district.pk, provider=LibreTranslate(url=server.url)
        )
        machine = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
        actions.do_review_rendition(rendition=machine, by=world.personas["liaison"])
        after = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
    assert after.origin_method == Method.MACHINE
    assert after.status == Status.REVIEWED
    assert not after.machine_notice


def test_approving_and_correcting_template_translations(world: Any) -> None:
    liaison = world.personas["liaison"]
    rendition = pipeline.prepare_template("general.reply_received", "es")
    approved = actions.do_review_rendition(rendition=rendition, by=liaison)
    assert isinstance(approved, TemplateTranslation)
    again = pipeline.prepare_template("general.reply_received", "es")
    assert again.status == Status.REVIEWED
    assert again.reviewer_id == liaison.pk

    absence = TemplateTranslation.objects.get(template__key="attendance.absence", language="es")
    corrected_text = (
        "{student} faltó a {school} el {date}. Si es un error o quiere contarnos el motivo, "
        "responda a este mensaje."
    )
    actions.do_correct_translation(item=absence, text=corrected_text, by=liaison)
    absence.refresh_from_db()
    assert absence.text == corrected_text
    assert absence.status == Status.REVIEWED
    assert absence.reviewed_by_id == liaison.pk
    assert not absence.is_stale
    remembered = TranslationMemory.objects.get(target_language="es", method=Method.HUMAN)
    assert remembered.district_id is None
    assert remembered.target_text == corrected_text


def test_a_correction_must_keep_the_placeholders(world: Any) -> None:
    absence = TemplateTranslation.objects.get(template__key="attendance.absence", language="es")
    with pytest.raises(ValidationError, match=r"missing \{date\}"):
        actions.do_correct_translation(
            item=absence,
            text="{student} faltó a {school}. Responda a este mensaje.",
            by=world.personas["liaison"],
        )


def test_only_speakers_of_the_language_review_it(world: Any) -> None:
    vietnamese = TemplateTranslation.objects.get(template__key="general.welcome", language="vi")
    spanish = TemplateTranslation.objects.get(template__key="general.welcome", language="es")
    with pytest.raises(PermissionDenied):
        actions.do_review_translation(item=vietnamese, by=world.personas["liaison"])
    with pytest.raises(PermissionDenied):
        actions.do_review_translation(item=spanish, by=world.personas["teacher"])
    with pytest.raises(PermissionDenied):
        actions.do_review_translation(item=spanish, by=world.personas["outsider"])
    actions.do_review_translation(item=vietnamese, by=world.personas["district_admin"])
    vietnamese.refresh_from_db()
    assert vietnamese.status == Status.REVIEWED


def test_an_original_text_has_nothing_to_review(world: Any) -> None:
    original = pipeline.translate("Hello", source="en", target="en")
    with pytest.raises(ValidationError):
        actions.do_review_rendition(rendition=original, by=world.personas["liaison"])
