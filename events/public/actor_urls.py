from django.urls import path

from events.public import actor_pages as views

app_name = "actors"

urlpatterns = [
    path("", views.actor_list, name="list"),
    path("<slug:slug>/", views.actor_detail, name="detail"),
]
