from __future__ import annotations

from django.urls import URLPattern, path

from juntos.conferences import views

app_name = "conferences"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("publish/", views.publish, name="publish"),
    path("offer/", views.offer, name="offer"),
    path("bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path("interpreting/", views.interpreting, name="interpreting"),
    path("book/", views.family_book, name="family_book"),
]
