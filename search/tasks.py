"""Celery tasks of the search index (ids only, idempotent)."""

from celery import shared_task


@shared_task(
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def index_document(index: str, doc_id: str) -> None:
    """Bring one document up to date (retried while Elasticsearch is down; the outbox row waits)."""
    from .sync import process

    process(index, [doc_id])


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, ignore_result=True)
def replay_pending(older_than_seconds: int = 30) -> None:
    """Beat: changes left pending while Elasticsearch or the broker was down (those older than
    `older_than_seconds`: a younger one has its own task in flight)."""
    from .sync import replay_pending as replay

    replay(older_than_seconds=older_than_seconds)


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900, ignore_result=True)
def reconcile() -> None:
    """Beat: compare the database and the index, repair drift (queryset.update(), bulk inserts)."""
    from .reconcile import reconcile_all

    reconcile_all()
