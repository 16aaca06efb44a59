"""Every string of Juntos's own code and templates (the staff pages and the family pages) has a
Spanish translation with the same placeholders, in catalogs that were compiled after their last
change (docs/translations.md, "Staff pages")."""

from __future__ import annotations

from django.conf import settings

from juntos.language import catalogs


def test_every_string_of_the_sources_is_translated_into_spanish() -> None:
    strings = catalogs.project_strings()
    assert len(strings) > 300  # the extraction read the sources (see test_it_reads_page_strings)

    problems = catalogs.translation_problems(strings, "es")

    assert not problems, (
        f"{len(problems)} strings have no usable Spanish translation. Add them to the Spanish "
        "catalog of their app (cd juntos/<app> && ../../.venv/bin/django-admin makemessages "
        "-l es), translate, compilemessages:\n" + "\n".join(problems)
    )


def test_spanish_is_a_staff_language() -> None:
    assert "es" in settings.STAFF_LANGUAGES
    assert {"en", "es"} <= {code for code, _name in settings.LANGUAGES}


def test_every_spanish_catalog_is_compiled_and_has_no_fuzzy_entry() -> None:
    files = catalogs.catalog_files("es")
    for app in ("locale", "people/locale", "language/locale", "portal/locale"):
        assert catalogs.SOURCE_ROOT / app / "es/LC_MESSAGES/django.po" in files

    problems = catalogs.catalog_problems("es")

    assert not problems, "recompile (django-admin compilemessages -l es):\n" + "\n".join(problems)
