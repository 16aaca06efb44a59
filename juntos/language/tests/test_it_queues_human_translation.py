"""Texts no template, memory or machine can translate go to liaisons who speak the language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from juntos.language import actions, pipeline, queries
from juntos.language.models import (
    HumanTranslationRequest,
    Method,
    Status,
    TemplateTranslation,
    TranslationMemory,
)
from juntos.people import models as m
from juntos.testing import factories as f

SENTENCE = "Omar asked great questions in science today."
Request = HumanTranslationRequest


def ask(world: Any, language: str, *, school: Any = "north", **extra: Any) -> Request:
    return actions.do_request_human_translation(
        district=world.district,
        school=world.north if school == "north" else school,
        source_text=extra.pop("text", SENTENCE),
        source_language="en",
        target_language=language,
        **extra,
    )


def liaison(world: Any, username: str, languages: tuple[str, ...], school: Any = None) -> Any:
    return f.staff_with_role(
        m.Role.LIAISON,
        school=school or world.north,
        username=username,
        district=world.district,
        languages=languages,
    )


def test_it_goes_to_a_liaison_of_the_school_who_speaks_the_language(world: Any) -> None:
    with time_machine.travel(datetime(2025, 3, 4, 15, 0, tzinfo=UTC), tick=False):  # a Tuesday
        request = ask(world, "es", requested_by=world.personas["teacher"])
    assert request.status == Request.Status.ASSIGNED
    assert request.assigned_to is not None
    assert request.assigned_to.user == world.personas["liaison"]
    assert request.due_at == datetime(2025, 3, 5, 15, 0, tzinfo=UTC)


def test_the_least_loaded_speaker_gets_the_next_request(world: Any) -> None:
    first = m.Staff.objects.get(user=world.personas["liaison"])
    second = liaison(world, "second_liaison", ("es", "pt"))
    # Equal load: the longest-serving liaison first; then whoever has fewer open requests.
    assert ask(world, "es", text="One.").assigned_to == first
    assert ask(world, "es", text="Two.").assigned_to == second
    assert ask(world, "es", text="Three.").assigned_to == first
    # Done requests no longer count.
    actions.do_complete_human_translation(
        request=Request.objects.get(source_text="One."), text="Uno.", by=first.user
    )
    actions.do_complete_human_translation(
        request=Request.objects.get(source_text="Three."), text="Tres.", by=first.user
    )
    assert ask(world, "es", text="Four.").assigned_to == first


def test_nobody_speaks_it_so_it_stays_open_for_the_district(world: Any) -> None:
    # South has a Somali-speaking liaison; North, where the text is from, does not.
    liaison(world, "south_liaison", ("so",), school=world.south)
    request = ask(world, "so")
    assert request.status == Request.Status.OPEN
    assert request.assigned_to is None
    assert request.due_at is not None
    assert request in queries.list_human_requests(world.personas["district_admin"])
    assert request not in queries.list_human_requests(world.personas["liaison"])


def test_a_district_wide_text_goes_to_any_liaison_who_speaks_it(world: Any) -> None:
    somali = liaison(world, "south_liaison", ("so",), school=world.south)
    request = ask(world, "so", school=None)
    assert request.assigned_to == somali


def test_only_active_liaisons_are_asked(world: Any) -> None:
    f.staff_with_role(
        m.Role.TEACHER, school=world.north, username="spanish_teacher",
        district=world.district, languages=("vi",),
    )  # fmt: skip
    gone = liaison(world, "gone_liaison", ("vi",))
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert ask(world, "vi").status == Request.Status.OPEN


def test_a_request_due_on_a_weekend_is_due_on_monday(world: Any) -> None:
    # Friday 10:00 in Chicago.
    with time_machine.travel(datetime(2025, 3, 7, 16, 0, tzinfo=UTC), tick=False):
        request = ask(world, "es")
    assert request.due_at is not None
    assert request.due_at.astimezone(UTC) == datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


def test_asking_twice_for_the_same_waiting_message_returns_the_same_request(world: Any) -> None:
    first = ask(world, "es", waiting_kind="message", waiting_id="41")
    again = ask(world, "es", waiting_kind="message", waiting_id="41")
    other = ask(world, "es", waiting_kind="message", waiting_id="42")
    assert again.pk == first.pk
    assert other.pk != first.pk


class RecordingTask:
    name = "tests.release"

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def delay(self, *args: Any) -> None:
        self.calls.append(args)

    def run(self, *args: Any) -> None:
        self.calls.append(args)


def test_completing_it_remembers_it_and_releases_every_waiting_message(
    world: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    release = RecordingTask()
    monkeypatch.setattr(actions, "_RELEASE_TASKS", {})
    actions.register_release_task("message", release)
    first = ask(world, "es", waiting_kind="message", waiting_id="41")
    second = ask(world, "es", waiting_kind="message", waiting_id="42")
    translator = world.personas["liaison"]

    with django_capture_on_commit_callbacks(execute=True):
        done = actions.do_complete_human_translation(
            request=first, text="Omar hizo muy buenas preguntas en ciencias hoy.", by=translator
        )

    assert done.status == Request.Status.DONE
    assert sorted(release.calls) == sorted([(first.pk,), (second.pk,)])
    second.refresh_from_db()
    assert second.status == Request.Status.DONE
    assert second.result_text == done.result_text
    memory = TranslationMemory.objects.get(pk=done.memory_id or 0)
    assert memory.method == Method.HUMAN
    assert memory.status == Status.REVIEWED
    assert memory.reviewed_by == translator
    assert memory.district_id == world.district.pk

    # A second completion changes nothing and releases nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_complete_human_translation(request=first, text="Otra cosa.", by=translator)
    assert len(release.calls) == 2
    first.refresh_from_db()
    assert first.result_text == "Omar hizo muy buenas preguntas en ciencias hoy."


def test_a_translation_must_keep_the_placeholders_and_say_something(world: Any) -> None:
    request = ask(world, "es", text="{student} was absent on {date}.")
    translator = world.personas["liaison"]
    with pytest.raises(ValidationError):
        actions.do_complete_human_translation(request=request, text="   ", by=translator)
    with pytest.raises(ValidationError, match=r"missing \{date\}"):
        actions.do_complete_human_translation(
            request=request, text="{student} estuvo ausente.", by=translator
        )


def test_only_someone_who_may_translate_it_completes_it(world: Any) -> None:
    request = ask(world, "es")
    for persona in ("teacher", "other_teacher", "outsider", "counselor"):
        with pytest.raises(PermissionDenied):
            actions.do_complete_human_translation(
                request=request, text="Hola.", by=world.personas[persona]
            )
    vietnamese = ask(world, "vi")
    with pytest.raises(PermissionDenied):
        actions.do_complete_human_translation(
            request=vietnamese, text="Xin chào.", by=world.personas["liaison"]
        )
    # A district admin can do it, or give it to someone who speaks Vietnamese.
    speaker = liaison(world, "vi_liaison", ("vi",), school=world.south)
    actions.do_assign_human_translation(
        request=vietnamese, staff=speaker, by=world.personas["district_admin"]
    )
    done = actions.do_complete_human_translation(
        request=vietnamese, text="Omar đã đặt những câu hỏi hay.", by=speaker.user
    )
    assert done.completed_by == speaker


def test_an_open_request_can_be_claimed_by_a_new_speaker(world: Any) -> None:
    request = ask(world, "pt")
    assert request.status == Request.Status.OPEN
    newcomer = liaison(world, "pt_liaison", ("pt",))
    claimed = actions.do_claim_human_translation(request=request, by=newcomer.user)
    assert claimed.assigned_to == newcomer
    assert claimed.status == Request.Status.ASSIGNED


def test_the_queue_is_scoped_to_who_may_see_it(world: Any) -> None:
    spanish = ask(world, "es", requested_by=world.personas["teacher"])
    vietnamese = ask(world, "vi")
    at_south = ask(world, "es", school=world.south, text="Another sentence.")

    assert set(queries.list_human_requests(world.personas["liaison"])) == {spanish}
    assert set(queries.list_human_requests(world.personas["teacher"])) == {spanish}
    assert set(queries.list_human_requests(world.personas["district_admin"])) == {
        spanish, vietnamese, at_south,
    }  # fmt: skip
    assert not queries.list_human_requests(world.personas["other_teacher"]).exists()
    assert not queries.list_human_requests(world.personas["outsider"]).exists()
    assert queries.access_human_request(world.personas["liaison"], spanish.pk) == spanish
    with pytest.raises(Http404):
        queries.access_human_request(world.personas["liaison"], vietnamese.pk)


def test_a_cancelled_request_cannot_be_completed(world: Any) -> None:
    request = actions.do_cancel_human_translation(request=ask(world, "es"))
    assert request.status == Request.Status.CANCELLED
    with pytest.raises(ValidationError):
        actions.do_complete_human_translation(
            request=request, text="Hola.", by=world.personas["liaison"]
        )


def test_a_human_translation_of_a_template_becomes_the_templates_translation(world: Any) -> None:
    nepali = liaison(world, "ne_liaison", ("ne",))
    prepared = pipeline.prepare_template("general.reply_received", "ne")
    assert prepared.needs_human
    request = actions.do_request_human_translation(
        district=world.district,
        school=world.north,
        source_text=prepared.source_text,
        source_language=prepared.source_language,
        target_language="ne",
        template_key=prepared.template_key,
    )
    assert request.assigned_to == nepali
    actions.do_complete_human_translation(
        request=request,
        text="धन्यवाद, हामीले तपाईंको सन्देश पायौं। {teacher} छिट्टै जवाफ दिनुहुनेछ।",
        by=nepali.user,
    )
    translation = TemplateTranslation.objects.get(
        template__key="general.reply_received", language="ne"
    )
    assert translation.status == Status.REVIEWED
    rendered = pipeline.render_template("general.reply_received", "ne", {"teacher": "Ms. Ruiz"})
    assert rendered.method == Method.TEMPLATE
    assert rendered.text.endswith("Ms. Ruiz छिट्टै जवाफ दिनुहुनेछ।")


def test_review_lists_show_a_liaison_their_languages(world: Any) -> None:
    rows = queries.list_template_translations(world.personas["liaison"])
    assert set(rows.values_list("language", flat=True)) == {"es"}
    assert not queries.list_template_translations(world.personas["teacher"]).exists()
    assert queries.list_template_translations(world.personas["district_admin"]).count() == (
        TemplateTranslation.objects.count()
    )
    actions.do_remember_translation(
        district_id=world.district.pk, source_language="en", target_language="es",
        source_text="Hi", target_text="Hola", method=Method.MACHINE,
    )  # fmt: skip
    actions.do_remember_translation(
        district_id=world.district.pk, source_language="en", target_language="vi",
        source_text="Hi", target_text="Chào", method=Method.MACHINE,
    )  # fmt: skip
    assert [r.target_text for r in queries.list_memory_entries(world.personas["liaison"])] == [
        "Hola"
    ]
