"""Load the message template library, so that every database has it after ``migrate``.

``manage.py load_message_templates`` runs the same loader later, when the library grows; it
never overwrites a translation a liaison approved or corrected.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from juntos.language.templates_library import sync_templates

    sync_templates(
        template_model=apps.get_model("language", "MessageTemplate"),
        translation_model=apps.get_model("language", "TemplateTranslation"),
    )


class Migration(migrations.Migration):
    dependencies = [("language", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
