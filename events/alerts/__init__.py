"""Daily email alerts: a reader saves a timeline filter (an actor, a place, an event type ...) and gets one email a
day listing the events newly published that match it.

This package holds the alerts' services (services.py), mail (mail.py) and pages (views.py, urls.py); the model is
events/models/alerts.py, the tasks are in events/tasks.py, the desk in events/admin/alerts.py. The timeline's
filter parsing (events.public.filters) and event selection (events.public.selectors.filter_events) are reused, not
copied, so an alert means exactly what the same timeline URL means. The opt-in and the one-click unsubscribe work
as for weekly summaries.
"""
