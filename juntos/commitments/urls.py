from __future__ import annotations

from django.urls import URLPattern, path

from juntos.commitments import views

app_name = "commitments"

urlpatterns: list[URLPattern] = [
    path("", views.commitment_list, name="list"),
    path("new/", views.commitment_new, name="new"),
    path("<int:commitment_id>/", views.commitment_detail, name="detail"),
    path("<int:commitment_id>/link/", views.commitment_link, name="link"),
    path("<int:commitment_id>/unlink/<int:link_id>/", views.commitment_unlink, name="unlink"),
    path("<int:commitment_id>/status/", views.commitment_status, name="status"),
    # The public accountability board (no sign-in).
    path("board/<int:school_id>/", views.board_page, name="board"),
]
