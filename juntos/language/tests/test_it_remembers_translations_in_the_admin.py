"""The admin shows translations and their provenance; approving goes through the action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from juntos.language.models import Status, TemplateTranslation


def test_a_district_admin_sees_and_approves_template_translations(world: Any) -> None:
    admin = world.personas["district_admin"]
    # The lead grants the language app to the district-admin group; here, to this user.
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="language"))
    client = Client()
    client.force_login(admin)

    listing = client.get(
        reverse("admin:language_templatetranslation_changelist"), {"q": "general.welcome"}
    )
    assert listing.status_code == 200
    assert b"general.welcome" in listing.content
    assert b"Draft: not yet checked by a speaker" in listing.content

    spanish = TemplateTranslation.objects.get(template__key="general.welcome", language="es")
    answer = client.post(
        reverse("admin:language_templatetranslation_changelist"),
        {"action": "approve", "_selected_action": [spanish.pk]},
    )
    assert answer.status_code == 302
    spanish.refresh_from_db()
    assert spanish.status == Status.REVIEWED
    assert spanish.reviewed_by == admin

    detail = client.get(
        reverse("admin:language_messagetemplate_change", args=[spanish.template_id])
    )
    assert detail.status_code == 200
    assert b"Bienvenidos" in detail.content


def test_a_liaison_without_admin_access_is_kept_out(world: Any) -> None:
    client = Client()
    client.force_login(world.personas["liaison"])
    listing = client.get(reverse("admin:language_templatetranslation_changelist"))
    assert listing.status_code == 302  # to the admin sign-in: liaisons review in Juntos pages
