from django.urls import path

from actors import views

app_name = "actors"

urlpatterns = [
    path("", views.actor_list, name="list"),
    path("<slug:slug>/", views.actor_detail, name="detail"),
]
