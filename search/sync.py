"""Keeping the index in step with the database.

A save or delete of an organisation, patent, trademark or listing writes a PendingChange row in the
same transaction (signals.py) and, on commit, enqueues `index_document` with the document's key.
The task reloads the row, indexes it (or removes the document), then deletes the PendingChange if no
newer change arrived meanwhile. If Elasticsearch or the broker is down the row stays, and
`replay_pending` (beat) processes it later; `search_reconcile` repairs what signals never saw
(`queryset.update()`, bulk inserts).
"""

import logging

from django.db import transaction
from django.utils import timezone

from . import builders, indexes, sources
from .models import PendingChange

logger = logging.getLogger(__name__)


def mark(index: str, doc_ids) -> None:
    """Record the documents as changed (in the caller's transaction) and enqueue them after commit."""
    now = timezone.now()
    doc_ids = [str(d) for d in doc_ids]
    if not doc_ids:
        return
    PendingChange.objects.bulk_create(
        [PendingChange(index=index, doc_id=d, changed_at=now) for d in doc_ids],
        update_conflicts=True,
        unique_fields=["index", "doc_id"],
        update_fields=["changed_at"],
    )
    transaction.on_commit(lambda: _enqueue(index, doc_ids), robust=True)


def _enqueue(index: str, doc_ids: list[str]) -> None:
    from .tasks import index_document

    for doc_id in doc_ids:
        try:
            index_document.apply_async((index, doc_id), retry=False)
        except Exception:  # the broker is down: the PendingChange row waits for replay_pending
            logger.warning("search: could not enqueue %s/%s; it stays pending", index, doc_id, exc_info=True)
            return


def build(index: str, doc_id: str) -> dict | None:
    """The document as the database has it now, or None when it should not be in the index."""
    if index == "organisations":
        org = sources.organisations().filter(pk=doc_id).first()
        return builders.organisation_document(org) if org else None
    if index == "demands":
        from . import demands  # search.demands imports indexes, which this module imports

        return demands.build(doc_id)
    if index == "decisions":
        from . import decisions  # search.decisions imports indexes, which this module imports

        return decisions.build(doc_id)
    asset_type, pk = doc_id.split("-", 1)
    queryset = sources.patents() if asset_type == "patent" else sources.trademarks()
    asset = queryset.filter(pk=pk).first()
    return builders.ip_document(asset, list(asset.listings.all())) if asset else None


def process(index: str, doc_ids: list[str]) -> int:
    """Bring these documents up to date in Elasticsearch and clear their pending rows. Raises if
    Elasticsearch is unreachable (the rows stay)."""
    started = timezone.now()
    docs, gone = [], []
    for doc_id in doc_ids:
        doc = build(index, doc_id)
        (docs.append(doc) if doc else gone.append(doc_id))
    indexes.ensure_index(index)
    indexes.bulk_put_and_remove(index, docs, gone)
    PendingChange.objects.filter(index=index, doc_id__in=doc_ids, changed_at__lte=started).delete()
    return len(doc_ids)


def replay_pending(*, older_than_seconds: int = 30, batch: int = 500) -> int:
    """Process pending changes left behind (broker or Elasticsearch was down). Returns how many."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    done = 0
    for index in indexes.KINDS:
        while True:
            pending = list(
                PendingChange.objects.filter(index=index, changed_at__lte=cutoff)
                .order_by("changed_at")
                .values_list("doc_id", flat=True)[:batch]
            )
            if not pending:
                break
            try:
                done += process(index, pending)
            except Exception as exc:
                PendingChange.objects.filter(index=index, doc_id__in=pending).update(last_error=str(exc)[:500])
                raise
            if len(pending) < batch:
                break
    return done
