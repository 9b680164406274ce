"""Running service calls at the same instant from several threads, each on its own database connection."""

from __future__ import annotations

import threading

from django.db import connection


def run_together(*jobs) -> list:
    """Run the jobs in threads released at the same instant (each thread on its own database connection)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results
