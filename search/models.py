from django.db import models
from django.utils import timezone

from ipmarket.core import limits


class PendingChange(models.Model):
    """The outbox of the search index: a document to (re)index or remove, written in the same
    transaction as the change itself. A row stays until Elasticsearch has the change, so nothing is
    lost when Elasticsearch or the broker is down; the beat job replays what is left."""

    index = models.CharField(max_length=20)  # "organisations" | "ip" | "demands"
    doc_id = models.CharField(max_length=40)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, **limits.text_limit(limits.SYSTEM_ERROR))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["index", "doc_id"], name="one_pending_change_per_document")]

    def __str__(self):
        return f"{self.index}/{self.doc_id}"
