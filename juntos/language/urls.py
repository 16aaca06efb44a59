from __future__ import annotations

from django.urls import path

from juntos.language import views

app_name = "language"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:request_id>/", views.request_detail, name="request"),
    path("<int:request_id>/claim/", views.claim, name="claim"),
    path("<int:request_id>/translate/", views.translate, name="translate"),
    path("<int:request_id>/decline/", views.decline, name="decline"),
    path("<int:request_id>/assign/", views.assign, name="assign"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:rendition_id>/", views.review_rendition, name="review_rendition"),
]
