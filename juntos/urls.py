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
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
