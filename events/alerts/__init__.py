"""Daily email alerts: a reader saves a timeline filter (an actor, a place, an event type ...) and gets one email a
day listing the events newly published that match it.

Everything about alerts lives in this package (models, services, tasks, views, urls): the timeline's filter parsing
(events.filters) and event selection (events.selectors.filter_events) are reused, not copied, so an alert means
exactly what the same timeline URL means. The opt-in and the one-click unsubscribe work as for weekly summaries.
"""
