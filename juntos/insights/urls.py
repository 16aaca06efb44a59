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
]
