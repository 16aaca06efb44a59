"""The catalog tests read the messages of templates and Python files as makemessages does
(singular, plural, context, blocktranslate placeholders), skip tests and migrations, and know
which templates a family can be shown."""

from __future__ import annotations

from pathlib import Path

from juntos.language import catalogs
from juntos.language.catalogs import Key

TEMPLATE = """{% load i18n %}<h1>{% translate "Hello" %}</h1>
<p title="{% translate 'Open' context 'door' %}">
  {% blocktranslate with name=user.name %}Hi {{ name }}{% endblocktranslate %}
{% blocktranslate count n=xs|length %}{{ n }} item{% plural %}{{ n }} items{% endblocktranslate %}
</p>
"""

CODE = """from django.utils.translation import gettext_lazy as _, ngettext, pgettext_lazy
LABEL = _("Label")
def f(n):
    return ngettext("%(n)s day", "%(n)s days", n), pgettext_lazy("verb", "Record")
"""


def make_tree(root: Path) -> None:
    (root / "app/templates/app").mkdir(parents=True)
    (root / "app/templates/app/page.html").write_text(TEMPLATE)
    (root / "app/templates/app/family_page.html").write_text(
        '{% include "app/_part.html" %}{% include "_staff_nav.html" %}'
    )
    (root / "app/templates/app/_part.html").write_text("{% translate 'Part' %}")
    (root / "app/templates/app/_unused.html").write_text("{% translate 'Unused' %}")
    (root / "app/tests").mkdir()
    (root / "app/tests/test_x.py").write_text(
        'from django.utils.translation import gettext\ngettext("Test only")\n'
    )
    (root / "app/migrations").mkdir()
    (root / "app/migrations/0001.py").write_text("_('Migration')\n")
    (root / "app/models.py").write_text(CODE)
    (root / "templates").mkdir()
    (root / "templates/_staff_nav.html").write_text("{% translate 'Staff' %}")
    (root / "portal/templates/portal").mkdir(parents=True)
    (root / "portal/templates/portal/home.html").write_text("{% translate 'Portal' %}")


def test_it_reads_templates_and_python_like_makemessages(tmp_path: Path) -> None:
    make_tree(tmp_path)
    found = catalogs.extract_strings(
        [*catalogs.template_files(tmp_path), *catalogs.python_files(tmp_path)]
    )
    assert found[Key(None, "Hello")].ids == ("Hello",)
    assert Key("door", "Open") in found
    assert Key(None, "Hi %(name)s") in found
    assert found[Key(None, "%(n)s item")].ids == ("%(n)s item", "%(n)s items")
    assert found[Key(None, "Label")].where == [f"{tmp_path}/app/models.py:2"]
    assert found[Key(None, "%(n)s day")].ids == ("%(n)s day", "%(n)s days")
    assert Key("verb", "Record") in found
    assert Key(None, "Test only") not in found
    assert Key(None, "Migration") not in found


def test_it_knows_the_family_templates_and_what_they_include(tmp_path: Path) -> None:
    make_tree(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in catalogs.family_templates(tmp_path)}
    assert names == {
        "app/templates/app/family_page.html",
        "app/templates/app/_part.html",
        "portal/templates/portal/home.html",
    }


def test_the_real_family_templates_exclude_the_staff_header_and_staff_pages() -> None:
    names = {p.relative_to(catalogs.SOURCE_ROOT).as_posix() for p in catalogs.family_templates()}
    assert {
        "templates/base.html",
        "templates/home.html",
        "templates/404.html",
        "portal/templates/portal/_link_form.html",
        "events/templates/events/family_event.html",
        "conferences/templates/conferences/family_book.html",
    } <= names
    assert "templates/_staff_nav.html" not in names
    assert "templates/403.html" not in names
    assert "people/templates/people/family_list.html" not in names


def test_it_finds_placeholders_and_catalog_problems(tmp_path: Path) -> None:
    assert catalogs.placeholders("%(n)s of {total} at 100%% %s") == {"%(n)s", "{total}", "%s"}
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "A"\nmsgstr "Una"\n\nmsgid "B"\nmsgstr "Be"\n'
    )
    assert catalogs.fuzzy_entries(po) == [Key(None, "A")]
    assert not catalogs.read_catalog(po)[Key(None, "A")].complete  # shown in English
    # No .mo at all: nothing of the catalog is compiled (a fuzzy entry never is).
    assert catalogs.compiled_differences(po) == [Key(None, "B")]
