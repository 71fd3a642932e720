"""The results app's background tasks: refreshing a programme's computed indicators, queued by the writes
that make them stale (computations.computed_schedule_refresh). Nobody started it: no Job record; a failed
refresh leaves the programme pending, and the worker's recovery (computations.computed_recover) retries."""

from django_tasks import task

from jalon.results.computations import programme_computed_refresh


@task
def computed_refresh(programme_id: int) -> int:
    return programme_computed_refresh(programme_id=programme_id)
