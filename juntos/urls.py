from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from juntos import views
from juntos.api.urls import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("staff/translations/", include("juntos.language.urls")),
    path("staff/", include("juntos.people.urls")),
    path("messaging/", include("juntos.messaging.urls")),
    path("family/", include("juntos.portal.urls")),
    path("events/", include("juntos.events.urls")),
    path("conferences/", include("juntos.conferences.urls")),
    path("listening/", include("juntos.listening.urls")),
    path("insights/", include("juntos.insights.urls")),
    path("teams/", include("juntos.teams.urls")),
    path("commitments/", include("juntos.commitments.urls")),
    path("surveys/", include("juntos.surveys.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# "Page not found" in the family's language (404.html is a family page: docs/translations.md).
handler404 = "juntos.language.errors.page_not_found"

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
