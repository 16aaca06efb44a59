"""The printable run sheet of a session in each of its languages (PDF): the protocol's
questions in that language, the session's facts and room for notes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import World
from juntos.listening.tests.helpers import staff_client
from juntos.listening.tests.session_helpers import make_session, shipped


def pdf_text(content: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_a_spanish_sheet_has_the_spanish_questions(world: World, tmp_path: Path) -> None:
    session = make_session(world, protocol=shipped("needs"), title="Noche de familias")
    response = staff_client(world, "teacher").get(
        f"/listening/sessions/{session.pk}/sheet/?lang=es"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Lo que las familias necesitan para participar" in text
    assert "¿Qué días y horarios le convienen más a su familia?" in text
    assert "¿Cómo prefiere que la escuela se comunique con usted?" in text
    assert "Noche de familias" in text and "North Elementary" in text
    assert "Which days and times work best" not in text


def test_a_language_outside_the_session_gets_the_first_one(world: World, tmp_path: Path) -> None:
    session = make_session(world, languages=["vi"])
    response = staff_client(world, "liaison").get(
        f"/listening/sessions/{session.pk}/sheet/?lang=ko"
    )
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Chào đón và tầm nhìn" in text
    assert "Thành viên gia đình" in text and "Trực tiếp" in text  # the sheet's words too
    other = staff_client(world, "other_teacher").get(f"/listening/sessions/{session.pk}/sheet/")
    assert other.status_code == 404
