"""Fault drill: Redis stopped.

A private Redis is the Celery broker and the shared cache (deploy/environment.example: the cache on the same
Redis) of gunicorn with the production settings and a Celery worker, on this test's database. First the normal
path: an inquiry, a Stripe webhook and a patent edit each reach the worker (a notification, a processed event,
an index update). Then Redis is stopped and the same three writes are made again: each answers 2xx quickly
(its task could not be published), and pages still render with the cache gone. Redis comes back empty, as a
lost Redis does: the messages published while it was down were never accepted. The outboxes deliver them: the
beat jobs (search `replay_pending`, payments `replay_unprocessed_events`, notifications `catch_up`), sent to
the worker, create the notification, pay the deal and index the patent. Sent a second time, they change
nothing: every notification and email exists once, the deal was paid once.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.db.models import Count
from djmoney.money import Money

from ipmarket.accounts.models import Membership
from ipmarket.market.models import Deal
from ipmarket.market.services import deal_accept, inquiry_create
from ipmarket.notifications.models import Notification
from ipmarket.payments.models import ReceivedPayment, StripeEvent
from loadtest import stack
from search import indexes
from search.builders import ip_document_id
from search.client import get_client
from search.models import PendingChange
from tests.accounts.factories import OrganisationFactory, member_of
from tests.market.factories import ListingFactory
from tests.payments.conftest import WEBHOOK_URL, payment_intent, stripe_event, stripe_signature

from .conftest import WEBHOOK_SECRET, api_session, broker_client, drill_env, log_size, running, start_web, worker_ready

pytestmark = [pytest.mark.integration, pytest.mark.drill]

QUICK = 5.0  # seconds: a write that waits longer for a dead broker is not "quick"
BEAT_JOBS = [
    ("search.tasks.replay_pending", {"older_than_seconds": 0}),
    ("ipmarket.payments.tasks.replay_unprocessed_events", {"older_than_seconds": 0}),
    ("ipmarket.notifications.tasks.catch_up", {}),
]


def post_webhook(base_url: str, event: dict) -> requests.Response:
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body, WEBHOOK_SECRET)}
    return requests.post(base_url + WEBHOOK_URL, data=body, headers=headers, timeout=30)


def processed(stripe_id: str) -> bool:
    return StripeEvent.objects.filter(stripe_id=stripe_id, processed_at__isnull=False).exists()


def emails_written(mail_dir: Path) -> int:
    """Messages the file email backend wrote (one file per connection, messages one after another)."""
    if not mail_dir.exists():
        return 0
    return sum(f.read_text(errors="replace").count("\nSubject: ") for f in mail_dir.iterdir())


def test_writes_succeed_while_redis_is_down_and_their_tasks_run_once_when_it_returns(
    database_url, static_var_dir, private_redis, settings, tmp_path
):
    prefix = f"{settings.ELASTICSEARCH_INDEX_PREFIX}_drill_redis"  # on the suite's Elasticsearch, dropped after
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    mail_dir = tmp_path / "mail"
    timings: dict[str, float] = {}
    try:
        listing = ListingFactory(price=Money("5000000.00", "CNY"))
        seller_person = member_of(listing.seller, role="admin")
        buyers = [member_of(OrganisationFactory()) for _ in range(3)]
        first = inquiry_create(listing=listing, by=buyers[2], message="我们希望获得许可。")
        deal = deal_accept(deal=first.deal, by=seller_person, price=first.deal.price)
        sellers = set(
            Membership.objects.filter(organisation=listing.seller, is_active=True).values_list("user_id", flat=True)
        )
        for kind in indexes.KINDS:
            indexes.rebuild(kind)
        PendingChange.objects.all().delete()
        patent_doc = ip_document_id("patent", listing.patent_id)

        def indexed_title() -> str:
            return get_client().get(index=indexes.alias("ip"), id=patent_doc)["_source"]["title"]

        env = drill_env(
            database_url,
            static_var_dir,
            CELERY_BROKER_URL=private_redis.url(0),
            CACHE_URL=f"rediscache://127.0.0.1:{private_redis.port}/1",
            ELASTICSEARCH_INDEX_PREFIX=prefix,
            EMAIL_URL=f"filemail:///{mail_dir}",
        )
        web, base_url = start_web(env, name="drill-redis-web")
        worker = stack.worker(env, concurrency=1, name="drill-redis-worker")
        since = log_size(worker)
        with running(web, worker):
            stack.wait_healthy(base_url, process=web)
            stack.wait_until(lambda: worker_ready(worker, since), timeout=60, what="worker ready")
            buyer_api, seller_api = api_session(buyers[0]), api_session(seller_person)
            inquiries = f"{base_url}/api/v1/listings/{listing.pk}/inquiries/"
            patent_url = f"{base_url}/api/v1/patents/{listing.patent_id}/"

            # The normal path, Redis up: each write's task runs on the worker.
            normal = buyer_api.post(inquiries, json={"message": "演练前的询价。"}, timeout=30)
            assert normal.status_code == 201, normal.text[:500]
            noop = stripe_event("customer.updated", {"id": "cus_drill", "object": "customer"})
            assert post_webhook(base_url, noop).status_code == 200
            edited = seller_api.patch(patent_url, json={"title": "一种演练前改名的装置"}, timeout=30)
            assert edited.status_code == 200, edited.text[:500]
            stack.wait_until(
                lambda: (
                    set(
                        Notification.objects.filter(key=f"inquiry:{normal.json()['id']}").values_list(
                            "recipient_id", flat=True
                        )
                    )
                    == sellers
                ),
                timeout=30,
                what="the inquiry's notification (normal path)",
            )
            stack.wait_until(lambda: processed(noop["id"]), timeout=30, what="the webhook processed (normal path)")
            stack.wait_until(
                lambda: indexed_title() == "一种演练前改名的装置", timeout=30, what="the edit indexed (normal path)"
            )

            # Redis stops: the writes still succeed, quickly; pages render without the cache.
            private_redis.stop()
            page_answers = []
            for path in ("/firms/", "/ip/", "/firms/", "/ip/"):
                started = time.monotonic()
                page = requests.get(base_url + path, timeout=30)
                page_answers.append((path, page.status_code, time.monotonic() - started))
            assert all(status == 200 for _path, status, _s in page_answers), page_answers

            started = time.monotonic()
            inquiry = api_session(buyers[1]).post(inquiries, json={"message": "断线时的询价。"}, timeout=30)
            timings["inquiry while down"] = time.monotonic() - started
            assert inquiry.status_code == 201, inquiry.text[:500]
            paid = stripe_event("payment_intent.succeeded", payment_intent(deal, intent_id="pi_drill_redis"))
            started = time.monotonic()
            webhook = post_webhook(base_url, paid)
            timings["webhook while down"] = time.monotonic() - started
            assert webhook.status_code == 200, webhook.text[:500]
            started = time.monotonic()
            edited = seller_api.patch(patent_url, json={"title": "一种断线时改名的装置"}, timeout=30)
            timings["patent edit while down"] = time.monotonic() - started
            assert edited.status_code == 200, edited.text[:500]
            assert all(seconds < QUICK for seconds in timings.values()), timings
            assert all(seconds < QUICK for _path, _status, seconds in page_answers), page_answers

            inquiry_key = f"inquiry:{inquiry.json()['id']}"
            assert not Notification.objects.filter(key=inquiry_key).exists()
            assert not processed(paid["id"]) and Deal.objects.get(pk=deal.pk).state == Deal.State.ACCEPTED
            assert PendingChange.objects.filter(index="ip", doc_id=patent_doc).exists()

            # Redis back, empty. The outboxes deliver through beat's jobs.
            back_at = time.monotonic()
            private_redis.start()
            with broker_client(private_redis.url(0)) as beat:
                for name, kwargs in BEAT_JOBS:
                    beat.send_task(name, kwargs=kwargs)
            stack.wait_until(
                lambda: (
                    set(Notification.objects.filter(key=inquiry_key).values_list("recipient_id", flat=True)) == sellers
                ),
                timeout=90,
                what="the inquiry's notification after Redis returned",
            )
            stack.wait_until(
                lambda: Deal.objects.get(pk=deal.pk).state == Deal.State.PAID, timeout=60, what="the deal paid"
            )
            stack.wait_until(
                lambda: not PendingChange.objects.exists() and indexed_title() == "一种断线时改名的装置",
                timeout=60,
                what="the edit indexed after Redis returned",
            )
            paid_event = Deal.objects.get(pk=deal.pk).events.get(action="paid")
            paid_key = f"deal:{deal.pk}:event:{paid_event.pk}"
            stack.wait_until(
                lambda: Notification.objects.filter(key=paid_key).exists(), timeout=60, what="the payment notified"
            )
            timings["delivered after Redis returned"] = time.monotonic() - back_at

            # Beat's jobs once more, then a barrier: the worker (one process, one task at a time, in order)
            # has run them all when the barrier event is processed.
            def barrier() -> None:
                with broker_client(private_redis.url(0)) as beat:
                    for name, kwargs in BEAT_JOBS:
                        beat.send_task(name, kwargs=kwargs)
                event = stripe_event("customer.updated", {"id": "cus_barrier", "object": "customer"})
                assert post_webhook(base_url, event).status_code == 200
                stack.wait_until(lambda: processed(event["id"]), timeout=60, what="the barrier event processed")

            barrier()
            counts = Counter(Notification.objects.values_list("key", flat=True))
            emails = emails_written(mail_dir)
            barrier()
            assert Counter(Notification.objects.values_list("key", flat=True)) == counts
            assert emails_written(mail_dir) == emails

        assert counts[inquiry_key] == len(sellers)
        assert set(Notification.objects.filter(key=paid_key).values_list("recipient_id", flat=True)) == set(
            Membership.objects.filter(organisation__in=[deal.buyer_id, deal.seller_id], is_active=True).values_list(
                "user_id", flat=True
            )
        )
        assert not Notification.objects.values("recipient", "key").annotate(n=Count("id")).filter(n__gt=1).exists()
        sent = Notification.objects.filter(email=Notification.Email.SENT).count()
        assert emails == sent and not Notification.objects.filter(email=Notification.Email.PENDING).exists()
        stored = StripeEvent.objects.get(stripe_id=paid["id"])
        assert stored.processed_at is not None and stored.attempts == 1
        assert Deal.objects.get(pk=deal.pk).events.filter(action="paid").count() == 1
        assert ReceivedPayment.objects.filter(deal=deal).count() == 1
        assert indexed_title() == "一种断线时改名的装置"
        print(
            f"\nredis drill: pages {[(p, s, round(t, 2)) for p, s, t in page_answers]} while down; "
            + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
            + f"; {len(counts)} notification keys, {sum(counts.values())} notifications, {emails} emails, "
            f"each once; deal paid once (event attempts {stored.attempts})"
        )
    finally:
        get_client().indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
