"""``{% staff_languages as choices %}``: (code, name in that language) for each staff language,
for the language switch of the staff header (``_staff_nav.html``)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def staff_languages() -> list[tuple[str, str]]:
    names = dict(settings.LANGUAGES)
    return [(code, str(names.get(code, code))) for code in settings.STAFF_LANGUAGES]
