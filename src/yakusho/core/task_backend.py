"""django_tasks_db's database backend, enqueuing with one prepared INSERT.

Every send enqueues its confirmation e-mail's task in the submission's transaction
(ADR 0008). The library creates the task's row through the ORM and builds the returned
TaskResult twice (once for the `task_enqueued` signal, once to return); this backend inserts
the same row with `core.inserts` and builds the result once. What the library's `pre_save`
receiver does — an unset `run_after` stored as its far-future "run any time" date — is done
here, since `insert()` sends no signals.
"""

from __future__ import annotations

from typing import Any

import django_tasks_db
from django_tasks_db.compat import normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from .inserts import insert


class DatabaseBackend(django_tasks_db.DatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult:
        return insert(
            DBTaskResult(
                id=self._get_id(),
                args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                run_after=task.run_after or get_date_max(),
                backend_name=self.alias,
            )
        )

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        self.validate_task(task)
        result = self._task_to_db_task(task, args, kwargs).task_result
        task_enqueued.send(type(self), task_result=result)
        return result
