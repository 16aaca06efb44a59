"""A broken instrument or an unscorable response is refused with a message that says what to fix."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from juntos.insights.readiness import (
    LIBRARY_DIR,
    InstrumentError,
    Response,
    ResponseError,
    load_instrument,
    parse_instrument,
    score,
)


def library() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Fresh copies of the real English source and translations, to break one thing at a time."""
    source = json.loads((LIBRARY_DIR / "readiness.json").read_text(encoding="utf-8"))
    translations = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in (LIBRARY_DIR / "readiness").glob("*.json")
    }
    return source, translations


def refused(source: dict[str, Any], translations: dict[str, dict[str, Any]]) -> str:
    with pytest.raises(InstrumentError) as error:
        parse_instrument(source, translations)
    return str(error.value)


def test_the_real_instrument_is_valid() -> None:
    source, translations = library()
    instrument = parse_instrument(source, translations)
    assert instrument.version == "2026.1"
    assert [domain.id for domain in instrument.domains] == [
        "environment",
        "partnership",
        "learning",
        "communication",
        "differences",
        "advocacy",
    ]
    assert all(4 <= len(domain.items) <= 5 for domain in instrument.domains)


def test_a_missing_domain_is_named() -> None:
    source, translations = library()
    source["domains"] = [d for d in source["domains"] if d["id"] != "advocacy"]
    message = refused(source, translations)
    assert "six domains" in message and "missing: ['advocacy']" in message


def test_a_repeated_domain_is_named() -> None:
    source, translations = library()
    source["domains"][5] = copy.deepcopy(source["domains"][0])
    assert refused(source, translations).endswith(
        "missing: ['advocacy']; unexpected or repeated: ['environment']"
    )


def test_a_domain_needs_four_or_five_items() -> None:
    source, translations = library()
    del source["domains"][2]["items"][0]
    assert refused(source, translations) == "domain learning has 3 items; each domain needs 4 to 5"


def test_item_ids_are_unique() -> None:
    source, translations = library()
    source["domains"][0]["items"][1]["id"] = "environment.welcome"
    assert refused(source, translations) == "item id environment.welcome is used twice"


def test_every_item_has_both_wordings() -> None:
    source, translations = library()
    source["domains"][3]["items"][0]["family"] = "  "
    assert refused(source, translations) == "item communication.language has no family wording"
    source, translations = library()
    del source["domains"][3]["items"][1]["staff"]
    assert refused(source, translations) == "item communication.answer has no staff wording"


def test_the_scale_is_five_points_and_i_dont_know() -> None:
    source, translations = library()
    source["scale"][5]["value"] = 0
    assert "scale must be" in refused(source, translations)


def test_every_language_has_a_file() -> None:
    source, translations = library()
    del translations["hmn"]
    assert refused(source, translations) == "readiness/hmn.json is missing"


def test_a_missing_empty_or_english_translation_is_named() -> None:
    source, translations = library()
    del translations["so"]["item.advocacy.rights"]
    assert refused(source, translations) == "readiness/so.json is missing item.advocacy.rights"
    source, translations = library()
    translations["ps"]["scale.agree"] = ""
    assert refused(source, translations) == "readiness/ps.json has an empty scale.agree"
    source, translations = library()
    translations["vi"]["domain.learning"] = "Linking engagement to  learning"
    assert refused(source, translations) == (
        "readiness/vi.json: domain.learning is still the English text"
    )


def test_spanish_needs_the_staff_wordings_too() -> None:
    source, translations = library()
    del translations["es"]["staff.item.learning.events"]
    assert (
        refused(source, translations) == "readiness/es.json is missing staff.item.learning.events"
    )


def test_keys_the_instrument_does_not_have_are_refused() -> None:
    source, translations = library()
    translations["fr"]["staff.item.learning.events"] = "Nos événements pour les familles."
    assert refused(source, translations) == (
        "readiness/fr.json has keys the instrument does not: staff.item.learning.events"
    )


def test_it_loads_from_a_directory(tmp_path: Path) -> None:
    source, translations = library()
    (tmp_path / "readiness").mkdir()
    source["version"] = "2027.1"
    (tmp_path / "readiness.json").write_text(json.dumps(source), encoding="utf-8")
    for language, texts in translations.items():
        path = tmp_path / "readiness" / f"{language}.json"
        path.write_text(json.dumps(texts), encoding="utf-8")
    assert load_instrument(tmp_path).version == "2027.1"


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (Response("family", "es", {"communication.nope": 3}), "not an item of version 2026.1"),
        (Response("family", "es", {"communication.language": 6}), "answers are 1 to 5 or None"),
        (Response("family", "es", {"communication.language": 0}), "answers are 1 to 5 or None"),
        (Response("family", "es", {"communication.language": True}), "answers are 1 to 5"),
        (Response("parent", "es", {}), "role must be staff or family"),  # type: ignore[arg-type]
        (Response("family", "not a language", {}), "is not a BCP 47 language tag"),
    ],
)
def test_a_response_off_the_instrument_is_refused(response: Response, message: str) -> None:
    ok = Response("staff", "en", {"communication.language": 4})
    with pytest.raises(ResponseError, match=r"^response 2: "):
        score([ok, response])
    with pytest.raises(ResponseError, match=re.escape(message)):
        score([response])
