from django.urls import path, register_converter

from events.views import pages, summaries

register_converter(summaries.IsoWeekConverter, "isoweek")

app_name = "events"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("events/<int:pk>/", pages.event_detail, name="detail"),
    path("places/<slug:slug>/", pages.place_detail, name="place"),
    path("summaries/", summaries.summary_list, name="summary_list"),
    path("summaries/feed/", summaries.SummaryFeed(), name="summary_feed"),
    path("summaries/subscribe/", summaries.subscribe, name="summary_subscribe"),
    path("summaries/confirm/<str:token>/", summaries.confirm, name="summary_confirm"),
    path("summaries/unsubscribe/<str:token>/", summaries.unsubscribe, name="summary_unsubscribe"),
    path("summaries/<isoweek:week_start>/", summaries.summary_detail, name="summary_detail"),
]
