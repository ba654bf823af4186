import datetime as dt

import django_tasks_db
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from yakusho.core.task_backend import DatabaseBackend

from .sample_tasks import explode

pytestmark = pytest.mark.django_db

# What the row says about the task; its id and enqueue time differ from row to row.
COLUMNS = [
    "status",
    "args_kwargs",
    "priority",
    "task_path",
    "queue_name",
    "backend_name",
    "run_after",
]


def _stored(row: DBTaskResult) -> dict:
    return {name: getattr(row, name) for name in COLUMNS}


def test_the_configured_backend_is_this_one():
    assert isinstance(task_backends["default"], DatabaseBackend)


def test_a_task_is_stored_in_one_insert_as_the_library_stores_it():
    backend = task_backends["default"]
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result)

    task_enqueued.connect(receiver)
    try:
        with CaptureQueriesContext(connection) as queries:
            result = explode.enqueue()
    finally:
        task_enqueued.disconnect(receiver)
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]
    assert seen == [result]
    ours = DBTaskResult.objects.get(pk=result.id)
    theirs = django_tasks_db.DatabaseBackend._task_to_db_task(backend, explode, (), {})
    theirs.refresh_from_db()
    assert _stored(ours) == _stored(theirs)
    assert ours.run_after == get_date_max()  # "any time", as the library's receiver sets it
    assert ours.enqueued_at is not None
    assert result.status.name == "READY"


def test_a_deferred_task_keeps_its_time():
    later = timezone.now() + dt.timedelta(hours=2)
    result = explode.using(run_after=later).enqueue()
    assert DBTaskResult.objects.get(pk=result.id).run_after == later
    assert DBTaskResult.objects.ready().filter(pk=result.id).count() == 0
