from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from idlib_tracker import views

admin.site.site_header = "Idlib Tracker: editors' desk"
admin.site.site_title = "Idlib Tracker admin"
admin.site.index_title = "Curation"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("actors/", include("events.public.actor_urls")),
    path("", include("events.urls")),
]
