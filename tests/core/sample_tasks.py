"""Tasks that exist only for the worker's tests."""

from django_tasks import task


@task()
def explode() -> None:
    raise RuntimeError("boom")
