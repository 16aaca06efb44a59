"""Paper letters wait for a person to print them: "print batch" makes one PDF with one letter
per family in its language, marks those letters sent, and a second click prints nothing."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import World
from juntos.language.models import Method, Status
from juntos.messaging import actions
from juntos.messaging.models import Delivery, PaperBatch
from juntos.messaging.tests.announcement_world import (
    client_as,
    paper_family,
    remember,
    staff_of,
)

BODY = "The library is open on Saturday."
SPANISH = "La biblioteca abre el sábado."
ARABIC = "المكتبة مفتوحة يوم السبت."


def test_it_prints_each_waiting_letter_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    remember(world, BODY, "es", SPANISH, method=Method.HUMAN, status=Status.REVIEWED)
    remember(world, BODY, "ar", ARABIC, method=Method.HUMAN, status=Status.REVIEWED)
    paper_family(world, language="es", given_name="Papel")
    paper_family(world, language="ar", given_name="Waraq")
    paper_family(world, language="vi", given_name="Giay")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_announcement(
            by=staff_of(world, "school_leader"),
            audience_kind="section",
            audience_ref={"ids": [world.north_class.pk]},
            body=BODY,
            source_language="en",
            school=world.north,
        )
    letters = Delivery.objects.filter(channel="paper")
    assert letters.filter(status="pending").count() == 3  # the sender never claims paper

    liaison = client_as(world, "liaison")
    page = liaison.get(reverse("messaging:paper")).content.decode()
    assert "3 letters waiting" in page
    assert "Arabic" in page and "Spanish" in page and "Vietnamese" in page

    response = liaison.post(reverse("messaging:paper"))
    batch = PaperBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:paper_pdf", args=[batch.pk])
    assert batch.letter_count == 3
    assert batch.school == world.north
    assert batch.created_by == staff_of(world, "liaison")
    assert set(letters.values_list("status", "provider_id")) == {("sent", f"paper-{batch.pk}")}

    # A second click (or a colleague at the same time) prints nothing new.
    again = liaison.post(reverse("messaging:paper"), follow=True)
    assert PaperBatch.objects.count() == 1
    assert "Nothing new to print" in again.content.decode()

    pdf = client_as(world, "school_leader").get(reverse("messaging:paper_pdf", args=[batch.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 3  # one page per family
    assert (
        "Batch"
        in client_as(world, "school_leader").get(reverse("messaging:paper")).content.decode()
    )
    # The teachers and the counselor do not print letters.
    assert (
        client_as(world, "teacher").get(reverse("messaging:paper_pdf", args=[batch.pk])).status_code
        == 403
    )
    assert client_as(world, "counselor").post(reverse("messaging:paper")).status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_it_prints_each_letter_in_its_family_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    remember(world, BODY, "es", SPANISH, method=Method.HUMAN, status=Status.REVIEWED)
    paper_family(world, language="es", given_name="Papel")
    paper_family(world, language="vi", given_name="Giay")
    actions.do_send_announcement(
        by=staff_of(world, "school_leader"),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body=BODY,
        source_language="en",
        school=world.north,
    )
    batch = actions.do_print_paper_batch(by=staff_of(world, "district_admin"))
    assert batch is not None
    pdf = client_as(world, "district_admin").get(reverse("messaging:paper_pdf", args=[batch.pk]))
    pages = []
    for number in ("1", "2"):
        out = subprocess.run(
            ["pdftotext", "-f", number, "-l", number, "-", "-"],
            input=pdf.content, capture_output=True, check=True,
        )  # fmt: skip
        pages.append(out.stdout.decode())
    spanish = next(p for p in pages if "Papel" in p)
    vietnamese = next(p for p in pages if "Giay" in p)
    assert "La biblioteca abre el" in spanish
    # Untranslated Vietnamese: the interpreter offer in Vietnamese, then the English text.
    assert "library is open" in vietnamese and "Tiếng Việt" in vietnamese
    assert actions.do_print_paper_batch(by=staff_of(world, "school_leader")) is None
