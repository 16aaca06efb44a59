from __future__ import annotations

from django.urls import path

from juntos.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:survey_id>/", views.survey_detail, name="detail"),
    path("<int:survey_id>/open/", views.wave_open, name="open"),
    path("<int:survey_id>/close/", views.wave_close, name="close"),
    path("<int:survey_id>/codes/", views.paper_codes, name="codes"),
    path("<int:survey_id>/paper/", views.paper_entry, name="paper"),
    path("<int:survey_id>/results.csv", views.results_export, name="export"),
    path("t/<str:token>/", views.family_survey, name="family"),
]
