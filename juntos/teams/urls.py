from __future__ import annotations

from django.urls import URLPattern, path

from juntos.teams import views

app_name = "teams"

urlpatterns: list[URLPattern] = [
    path("", views.team_list, name="list"),
    path("<int:team_id>/", views.team_detail, name="detail"),
    path("<int:team_id>/members/", views.add_member, name="add_member"),
    path("<int:team_id>/members/<int:member_id>/rank/", views.set_rank, name="set_rank"),
    path("<int:team_id>/meetings/", views.new_meeting, name="new_meeting"),
    path("<int:team_id>/charter/", views.charter, name="charter"),
    path("<int:team_id>/plan/", views.plan, name="plan"),
    path("<int:team_id>/decisions/", views.decisions, name="decisions"),
    path("decisions/<int:decision_id>/", views.decision, name="decision"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/step/", views.meeting_step, name="meeting_step"),
    path("meetings/<int:meeting_id>/pulse/", views.staff_pulse, name="staff_pulse"),
    path("meetings/<int:meeting_id>/minutes/", views.send_minutes, name="send_minutes"),
    path("pulse/<str:token>/", views.pulse_link, name="pulse_link"),
    path("family/", views.family_teams, name="family_teams"),
    path("family/<int:team_id>/", views.family_team, name="family_team"),
    path("family/decisions/<int:decision_id>/", views.family_decision, name="family_decision"),
    path("family/meetings/<int:meeting_id>/", views.family_meeting, name="family_meeting"),
]
