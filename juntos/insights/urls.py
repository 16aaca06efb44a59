from __future__ import annotations

from django.urls import URLPattern, path

from juntos.insights import views

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("how-we-count/", views.how_we_count, name="how_we_count"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("unreached/", views.unreached, name="unreached"),
    path("unreached/<int:student_id>/", views.unreached_student, name="unreached_student"),
    path("unreached/<int:student_id>/assign/", views.assign, name="assign"),
    path("unreached/<int:student_id>/attempt/", views.attempt, name="attempt"),
    path("unreached/<int:student_id>/contact/", views.contact, name="contact"),
    path("walk/", views.walk, name="walk"),
    path("report.pdf", views.annual_report, name="annual_report"),
    path("walk/observe/", views.walk_observe, name="walk_observe"),
    path("walk/story/", views.walk_story, name="walk_story"),
    path(
        "walk/observations/<int:observation_id>/priority/",
        views.walk_priority,
        name="walk_priority",
    ),
    path("walk/observations/<int:observation_id>/study/", views.walk_study, name="walk_study"),
    path("readiness/", views.readiness_list, name="readiness"),
    path("readiness/open/", views.readiness_open, name="readiness_open"),
    path("readiness/<int:wave_id>/", views.readiness_results, name="readiness_results"),
    path("readiness/<int:wave_id>/take/", views.readiness_take, name="readiness_take"),
    path("readiness/<int:wave_id>/goal/", views.readiness_goal, name="readiness_goal"),
    path("readiness/<int:wave_id>/close/", views.readiness_close, name="readiness_close"),
    path("readiness/<int:wave_id>/send/", views.readiness_send, name="readiness_send"),
    path("readiness/t/<str:token>/", views.readiness_link, name="readiness_link"),
]
