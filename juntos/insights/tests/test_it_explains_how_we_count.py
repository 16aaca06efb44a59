"""The "How we count" page lists every metric's definition, numerator, denominator and period,
for every staff member, in English and in Spanish; the metrics with no source say so."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from conftest import World
from juntos.insights.metrics import METRICS


def test_it_explains_how_we_count(world: World) -> None:
    client = Client()
    client.force_login(world.personas["teacher"])
    html = client.get("/insights/how-we-count/").content.decode()
    assert len(METRICS) == 9
    for metric in METRICS:
        assert f'id="{metric.key}"' in html
        for text in (metric.name, metric.definition, metric.numerator, metric.denominator):
            assert str(text).replace("'", "&#x27;") in html
    voice = html.split('id="voice"')[1].split("</section>")[0]
    assert "No data yet." in voice
    assert "No data yet." not in html.split('id="reach_delivered"')[1].split("</section>")[0]


def test_it_explains_how_we_count_in_spanish(world: World) -> None:
    client = Client()
    client.force_login(world.personas["school_leader"])
    html = client.get("/insights/how-we-count/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Cómo contamos</h1>" in html
    assert "Familias que recibieron un mensaje" in html
    with translation.override("es"):
        assert str(METRICS[0].definition) in html
    page = client.get("/insights/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Alcance por idioma del hogar, comparado con la matrícula" in page
    assert "Todavía no hay datos." in page
