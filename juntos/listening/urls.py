from __future__ import annotations

from django.urls import URLPattern, path

from juntos.listening import views

app_name = "listening"

urlpatterns: list[URLPattern] = [
    path("exchanges/", views.exchange_list, name="list"),
    path("exchanges/new/", views.exchange_new, name="new"),
    path("exchanges/<int:exchange_id>/", views.exchange_detail, name="detail"),
    path("exchanges/<int:exchange_id>/open/", views.exchange_open, name="open"),
    path("exchanges/<int:exchange_id>/close/", views.exchange_close, name="close"),
    path("ideas/<int:idea_id>/moderate/", views.idea_moderate, name="moderate"),
    # The family's page (a family session, not a staff sign-in).
    path("x/<int:exchange_id>/", views.family_exchange, name="family_exchange"),
    path("x/<int:exchange_id>/react/", views.family_react, name="family_react"),
]
