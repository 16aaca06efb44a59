from __future__ import annotations

from django.urls import path

from juntos.people import views

app_name = "people"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.staff_home, name="staff_home"),
    path("families/", views.family_list, name="family_list"),
    path("families/<int:caregiver_id>/", views.family_detail, name="family_detail"),
    path("students/<int:student_id>/", views.student_detail, name="student_detail"),
    path("classes/<int:section_id>/", views.section_detail, name="section_detail"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
]
