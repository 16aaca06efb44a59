from __future__ import annotations

from django.urls import URLPattern, path

from juntos.events import views

app_name = "events"

urlpatterns: list[URLPattern] = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>.ics", views.event_ics, name="ics"),
    path("<int:event_id>/invite/", views.event_invite, name="invite"),
    path("<int:event_id>/cancel/", views.event_cancel, name="cancel"),
    path("<int:event_id>/door/", views.event_door, name="door"),
    path("<int:event_id>/door/mark/", views.door_mark, name="door_mark"),
    path("<int:event_id>/door/undo/", views.door_undo, name="door_undo"),
    path("<int:event_id>/door/walk-in/", views.door_walk_in, name="door_walk_in"),
    # The family's page (a family session, not a staff sign-in).
    path("e/<int:event_id>/", views.family_event, name="family_event"),
    path("e/<int:event_id>.ics", views.family_ics, name="family_ics"),
]
