from __future__ import annotations

from django.urls import URLPattern, path

from juntos.listening import session_views, views

app_name = "listening"

urlpatterns: list[URLPattern] = [
    path("exchanges/", views.exchange_list, name="list"),
    path("exchanges/new/", views.exchange_new, name="new"),
    path("exchanges/<int:exchange_id>/", views.exchange_detail, name="detail"),
    path("exchanges/<int:exchange_id>/open/", views.exchange_open, name="open"),
    path("exchanges/<int:exchange_id>/close/", views.exchange_close, name="close"),
    path("ideas/<int:idea_id>/moderate/", views.idea_moderate, name="moderate"),
    # Opinion groups, themes and the strengths-and-needs report (analysis.py).
    path(
        "exchanges/<int:exchange_id>/opinion/recompute/",
        views.opinion_recompute,
        name="opinion_recompute",
    ),
    path("exchanges/<int:exchange_id>/themes/", views.exchange_themes, name="themes"),
    path(
        "exchanges/<int:exchange_id>/themes/recompute/",
        views.themes_recompute,
        name="themes_recompute",
    ),
    path("exchanges/<int:exchange_id>/themes/move/", views.theme_move, name="theme_move"),
    path("themes/<int:theme_id>/rename/", views.theme_rename, name="theme_rename"),
    path("themes/<int:theme_id>/merge/", views.theme_merge, name="theme_merge"),
    path("themes/<int:theme_id>/split/", views.theme_split, name="theme_split"),
    path("themes/<int:theme_id>/sort/", views.theme_sort, name="theme_sort"),
    path("schools/<int:school_id>/report/", views.school_report, name="school_report"),
    # The family's page (a family session, not a staff sign-in).
    path("x/<int:exchange_id>/", views.family_exchange, name="family_exchange"),
    path("x/<int:exchange_id>/react/", views.family_react, name="family_react"),
    # Listening sessions (session_views.py): set-up, capture, run sheets, results, protocols.
    path("sessions/", session_views.session_list, name="session_list"),
    path("sessions/new/", session_views.session_new, name="session_new"),
    path("sessions/<int:session_id>/", session_views.session_detail, name="session_detail"),
    path(
        "sessions/<int:session_id>/capture/",
        session_views.session_capture,
        name="session_capture",
    ),
    path("sessions/<int:session_id>/sheet/", session_views.session_sheet, name="session_sheet"),
    path("sessions/protocols/", session_views.session_protocols, name="session_protocols"),
    path(
        "sessions/protocols/<int:protocol_id>/",
        session_views.session_protocol,
        name="session_protocol",
    ),
    # The families' answer page: the token in the link is the key (no sign-in).
    path("s/<str:token>/", session_views.family_session, name="family_session"),
]
