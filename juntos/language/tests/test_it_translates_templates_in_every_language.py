"""The template library: every message a school needs, in all 16 demo languages, as drafts."""

from __future__ import annotations

import dataclasses
from io import StringIO
from typing import Any

from django.core.management import call_command

from juntos.language import actions, pipeline, registry
from juntos.language.models import MessageTemplate, Method, Status, TemplateTranslation
from juntos.language.templates_library import (
    PLACEHOLDER,
    load_library,
    placeholders,
    sync_templates,
)

NEEDED = {
    "progress_note.positive",
    "progress_note.concern",
    "attendance.absence",
    "event.invitation",
    "conference.reminder",
    "loop_closing.update",
    "subscription.opt_out",
    "subscription.opt_in",
    "subscription.help",
    "access.magic_link",
    "translation.machine_notice",
    "translation.interpreter_offer",
    "emergency.early_dismissal",
    "emergency.closure",
    "general.welcome",
    "general.reply_received",
}


def test_the_library_has_the_messages_a_school_needs() -> None:
    keys = {template.key for template in load_library()}
    assert keys >= NEEDED


def test_every_translation_keeps_the_source_placeholders_in_every_demo_language() -> None:
    for template in load_library():
        assert set(template.translations) == set(registry.DEMO_LANGUAGES), template.key
        for language, text in template.translations.items():
            assert text.strip(), (template.key, language)
            assert placeholders(text) == placeholders(template.source_text), (
                template.key,
                language,
            )
            # No stray braces a substitution would leave behind.
            assert "{" not in PLACEHOLDER.sub("", text), (template.key, language)
            assert "}" not in PLACEHOLDER.sub("", text), (template.key, language)
            if language != "en":
                assert text != template.source_text, (template.key, language)


def test_sms_templates_stay_short_and_the_machine_notice_shortest() -> None:
    for template in load_library():
        if template.for_sms:
            # One GSM-7 segment in English before the values go in.
            assert len(template.source_text) <= 160, template.key
    notice = next(t for t in load_library() if t.key == "translation.machine_notice")
    for language, text in notice.translations.items():
        assert len(text) <= 90, language


def test_every_template_renders_in_every_language_as_an_unreviewed_draft(db: Any) -> None:
    # The data migration loaded the library.
    assert MessageTemplate.objects.count() == len(load_library())
    for template in MessageTemplate.objects.all():
        context = {name: f"<{name}>" for name in placeholders(template.source_text)}
        for language in registry.DEMO_LANGUAGES:
            rendition = pipeline.render_template(template.key, language, context)
            assert rendition.method == Method.TEMPLATE
            assert rendition.status == Status.DRAFT
            assert rendition.reviewer_id is None
            assert rendition.language == language
            assert not rendition.machine_notice
            assert not rendition.needs_human
            assert PLACEHOLDER.search(rendition.text) is None, (template.key, language)
            for value in context.values():
                assert value in rendition.text


def test_a_regional_tag_reads_its_language_but_dari_is_not_persian(db: Any) -> None:
    mexican = pipeline.render_template("general.reply_received", "es-MX", {"teacher": "Ms. Ruiz"})
    assert mexican.method == Method.TEMPLATE
    assert mexican.text == "Gracias, recibimos su mensaje. Ms. Ruiz le responderá pronto."
    # Iranian Persian is not in the library, and Dari's translation is not offered in its place:
    # with no machine provider configured, it needs a person.
    persian = pipeline.render_template("general.reply_received", "fa", {"teacher": "Ms. Ruiz"})
    assert persian.needs_human
    assert persian.language == "en"
    assert persian.requested_language == "fa"


def test_the_interpreter_offer_and_machine_notice_come_in_the_familys_language(db: Any) -> None:
    offer = pipeline.interpreter_offer("so")
    assert offer.language == "so"
    assert "turjubaan" in offer.text
    notice = pipeline.machine_notice("vi")
    assert notice.text.startswith("Tin nhắn này được dịch bằng máy tính")


def test_loading_again_changes_nothing_and_never_overwrites_a_review(db: Any, world: Any) -> None:
    out = StringIO()
    call_command("load_message_templates", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()

    liaison = world.personas["liaison"]
    spanish = TemplateTranslation.objects.get(template__key="general.welcome", language="es")
    actions.do_correct_translation(
        item=spanish,
        text="¡Bienvenidos a {school}! Le escribiremos en su idioma. Responda cuando quiera.",
        by=liaison,
    )
    french = TemplateTranslation.objects.get(template__key="general.welcome", language="fr")

    # A new edition of the library rewrites both texts.
    edited = tuple(
        dataclasses.replace(
            t,
            translations={
                **t.translations,
                "es": "Nuevo texto de {school}.",
                "fr": "Nouveau texte de {school}.",
            },
        )
        if t.key == "general.welcome"
        else t
        for t in load_library()
    )
    report = sync_templates(
        template_model=MessageTemplate, translation_model=TemplateTranslation, library=edited
    )
    assert report.translations_updated == 1
    assert report.translations_kept == 1
    spanish.refresh_from_db()
    french.refresh_from_db()
    assert spanish.status == Status.REVIEWED
    assert spanish.text.startswith("¡Bienvenidos a {school}! Le escribiremos")
    assert french.status == Status.DRAFT
    assert french.text == "Nouveau texte de {school}."
