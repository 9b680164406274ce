from django.apps import AppConfig


class IdlibTrackerConfig(AppConfig):
    """The project package as an app: system checks for the deployment, and the bench_load command."""

    name = "idlib_tracker"
    verbose_name = "Idlib Tracker (site)"

    def ready(self) -> None:
        from idlib_tracker import checks  # noqa: F401  (registers the checks)
