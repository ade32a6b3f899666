"""The page cache (ipmarket/core/pagecache.py) on Redis: the public pages every anonymous visitor sees alike
(home, /statistics/, the market's list and a listing, a firm) are served from the cache with no query, per
language, never to or from a signed-in person, each visitor with their own CSRF token; and a change of
what a page shows (a listing published or withdrawn, an organisation renamed, the statistics refreshed, a
CMS page published) shows on the next request, after a real commit too."""

import os
import re
import threading
import uuid

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms import chrome
from cms.pages import ensure_home_page
from cms.statistics.services import statistics_refresh
from ipmarket.accounts.services import organisation_update
from ipmarket.core import pagecache
from ipmarket.market import services as market
from ipmarket.market.views import listing_list
from tests.accounts.factories import OrganisationFactory, member_of, platform_operator
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.integration

HEADER = pagecache.HEADER
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture
def redis_pages(settings):
    """The page cache on the Redis of REDIS_URL, its keys under a prefix of this test's own (removed after):
    nothing else in that database is touched (under `pt` it is the Celery broker's too)."""
    prefix = f"test-pagecache-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        pagecache.ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
            "KEY_PREFIX": prefix,
        },
    }
    settings.PAGE_CACHE_SECONDS = 300
    store = pagecache.store()
    yield store
    redis = store._cache.get_client(write=True)
    keys = list(redis.scan_iter(match=f"{prefix}:*"))
    if keys:
        redis.delete(*keys)


def stored_pages(store) -> list[dict]:
    """Every page entry in the test's Redis prefix."""
    redis = store._cache.get_client()
    prefix = f"{store.key_prefix}:{store.version}:"
    names = [key.decode()[len(prefix) :] for key in redis.scan_iter(match=f"{prefix}{pagecache.PREFIX}:page:*")]
    return [store.get(name) for name in names]


def get(client, path, **extra):
    """The response and the number of queries it took."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    return response, len(ctx.captured_queries)


def without_tokens(response) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def pages(db):
    """Something on each cached page: the home page, a statistics snapshot, a published listing (of a firm
    with an English name), and the CMS chrome in the cache (as once any CMS page has been served)."""
    ensure_home_page()
    listing = ListingFactory()
    statistics_refresh()
    chrome.refresh()
    firm = listing.seller
    return {
        "listing": listing,
        "firm": firm,
        "paths": ["/", "/statistics/", "/market/", f"/market/{listing.pk}/", f"/firms/{firm.pk}/"],
    }


# --- served from the cache -------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(5), ids=["home", "statistics", "market", "listing", "firm"])
def test_a_second_anonymous_request_is_served_from_the_cache_with_no_query(client, redis_pages, pages, index):
    path = pages["paths"][index]
    first, first_queries = get(client, path)
    assert first.status_code == 200 and first[HEADER] == "miss" and first_queries > 0
    second, second_queries = get(client, path)
    assert second.status_code == 200 and second[HEADER] == "hit"
    assert second_queries == 0
    assert without_tokens(second) == without_tokens(first)
    assert second["Content-Type"] == first["Content-Type"]
    head = client.head(path)
    assert head.status_code == 200 and head[HEADER] == "hit" and head.content == b""


def test_chinese_and_english_get_their_own_copies(client, redis_pages, pages):
    path = f"/firms/{pages['firm'].pk}/"
    chinese, _ = get(client, path)
    assert chinese[HEADER] == "miss" and '<html lang="zh-hans">' in chinese.content.decode()
    assert pages["firm"].name in chinese.content.decode()
    visitor = english(Client())
    first, _ = get(visitor, path)
    assert first[HEADER] == "miss"  # not the Chinese copy
    html = first.content.decode()
    assert '<html lang="en">' in html and f"<h1>{pages['firm'].name_en}</h1>" in html
    again, queries = get(visitor, path)
    assert again[HEADER] == "hit" and queries == 0 and '<html lang="en">' in again.content.decode()
    chinese_again, queries = get(client, path)
    assert chinese_again[HEADER] == "hit" and queries == 0 and '<html lang="zh-hans">' in chinese_again.content.decode()


def test_a_signed_in_person_neither_gets_nor_fills_the_anonymous_copy(client, redis_pages, pages):
    person = member_of(pages["firm"], username="cached_member")
    signed_in = Client()
    signed_in.force_login(person)
    for path in pages["paths"]:
        response, queries = get(signed_in, path)
        assert response.status_code == 200 and HEADER not in response and queries > 0, path
        assert "cached_member" in response.content.decode()
    for path in pages["paths"]:
        first, _ = get(client, path)
        assert first[HEADER] == "miss", path  # the signed-in requests stored nothing
        assert get(client, path)[0][HEADER] == "hit", path
        response, queries = get(signed_in, path)
        assert HEADER not in response and queries > 0, path
        assert "cached_member" in response.content.decode()
        assert "cached_member" not in get(client, path)[0].content.decode()


def test_each_visitor_gets_a_csrf_token_of_their_own_and_the_cache_keeps_none(redis_pages, pages):
    first = Client(enforce_csrf_checks=True)
    assert first.get("/market/")[HEADER] == "miss"
    second = Client(enforce_csrf_checks=True)
    response = second.get("/market/")
    assert response[HEADER] == "hit"
    tokens = TOKEN.findall(response.content.decode())
    assert tokens  # the language switch
    secret = second.cookies[settings.CSRF_COOKIE_NAME].value
    assert secret != first.cookies[settings.CSRF_COOKIE_NAME].value
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    # the token works: the language switch of the cached page
    switched = second.post("/i18n/setlang/", {"csrfmiddlewaretoken": tokens[0], "language": "en", "next": "/market/"})
    assert switched.status_code == 302 and switched["Location"] == "/market/"
    entries = stored_pages(redis_pages)
    assert entries and all(entry["csrf"] for entry in entries)
    for entry in entries:
        assert not TOKEN.search(entry["content"].decode())
        assert pagecache.CSRF_PLACEHOLDER in entry["content"]


# --- which requests ----------------------------------------------------------------------------------------------


def test_query_strings_of_a_list_are_normalised_and_other_parameters_bypass_the_cache(client, redis_pages, pages):
    assert get(client, "/market/?q=专利&page=1")[0][HEADER] == "miss"
    same, queries = get(client, "/market/?page=1&q=专利")  # same filters, another order
    assert same[HEADER] == "hit" and queries == 0
    assert get(client, "/market/?page=1&q=专利&deal_type=")[0][HEADER] == "hit"  # a blank filter is no filter
    other = get(client, "/market/?q=商标")[0]
    assert other[HEADER] == "miss"  # other filters: another copy
    firm = pages["firm"].pk
    for path in ("/market/?utm_source=mail", "/market/?q=专利&page=1&x=1", f"/firms/{firm}/?page=2", "/?a=1"):
        for _ in range(2):
            response, queries = get(client, path)
            assert response.status_code == 200 and HEADER not in response and queries > 0, path


def test_page_cache_seconds_0_turns_it_off(client, redis_pages, pages, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for path in pages["paths"]:
        for _ in range(2):
            response, queries = get(client, path)
            assert response.status_code == 200 and HEADER not in response and queries > 0, path
    assert stored_pages(redis_pages) == []


def test_a_visitor_with_session_data_is_served_fresh(client, redis_pages, pages):
    assert get(client, "/market/")[0][HEADER] == "miss"
    session = client.session
    session["seen_the_tour"] = True
    session.save()
    response, queries = get(client, "/market/")
    assert HEADER not in response and queries > 0


def anonymous_request(rf, path="/market/"):
    request = rf.get(path)
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    return request


def test_a_visitor_with_a_message_pending_is_served_fresh_and_sees_it(rf, redis_pages, pages):
    assert listing_list(anonymous_request(rf))[HEADER] == "miss"
    assert listing_list(anonymous_request(rf))[HEADER] == "hit"
    request = anonymous_request(rf)
    messages.info(request, "欢迎再次光临")
    response = listing_list(request)
    assert HEADER not in response and "欢迎再次光临" in response.content.decode()


@pytest.mark.parametrize(
    "answer",
    [
        lambda r: r.set_cookie("seen", "1"),
        lambda r: setattr(r, "status_code", 404),
        lambda r: r.__setitem__("Cache-Control", "private"),
        lambda r: r.__setitem__("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),
        lambda r: r.__setitem__("Vary", "Cookie"),
    ],
    ids=["sets-a-cookie", "not-200", "private", "never-cache", "vary"],
)
def test_answers_that_are_not_everyone_s_are_not_stored(rf, redis_pages, answer):
    calls = []

    @pagecache.cached_public_page("probe", shows=("listings",))
    def view(request):
        calls.append(request)
        response = HttpResponse("<p>probe</p>")
        answer(response)
        return response

    for _ in range(2):
        assert HEADER not in view(anonymous_request(rf, "/probe/"))
    assert len(calls) == 2


def test_a_page_showing_a_topic_nothing_invalidates_is_refused(rf, redis_pages):
    @pagecache.cached_public_page("probe", shows=("no-such-topic",))
    def view(request):
        return HttpResponse("probe")

    with pytest.raises(ImproperlyConfigured, match="no-such-topic"):
        view(anonymous_request(rf, "/probe/"))


def test_a_cache_that_is_down_fails_no_page_and_no_write(client, pages, settings):
    settings.CACHES = {
        **settings.CACHES,
        pagecache.ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    for _ in range(2):
        response = client.get("/market/")
        assert response.status_code == 200 and HEADER not in response
    listing = ListingFactory(status="draft")
    market.listing_publish(listing=listing, by=listing.created_by)  # invalidates: logged, not raised


# --- invalidation ------------------------------------------------------------------------------------------------


def hit_then(client, path):
    """The page cached (a miss, then a hit): what follows must be what drops it."""
    assert get(client, path)[0][HEADER] == "miss"
    assert get(client, path)[0][HEADER] == "hit"


def test_a_change_in_the_same_transaction_shows_on_the_next_request(client, redis_pages, pages):
    """Tests never commit: the change is seen at once (and again once committed: see below)."""
    firm = pages["firm"]
    hit_then(client, f"/firms/{firm.pk}/")
    organisation_update(organisation=firm, by=platform_operator(), name="改名后的测试机构有限公司")
    response = get(client, f"/firms/{firm.pk}/")[0]
    assert response[HEADER] == "miss" and "改名后的测试机构有限公司" in response.content.decode()


@pytest.fixture
def committed_pages(transactional_db, redis_pages):
    ensure_home_page()
    chrome.refresh()
    return redis_pages


@pytest.mark.django_db(transaction=True)
def test_publishing_and_withdrawing_a_listing_show_after_commit(client, committed_pages):
    listing = ListingFactory(status="draft", patent=PatentFactory(title="缓存测试用的一种装置"))
    hit_then(client, "/market/")
    hit_then(client, "/")
    market.listing_publish(listing=listing, by=listing.created_by)
    for path in ("/market/", "/"):  # the list and the home page's featured listings
        response = get(client, path)[0]
        assert response[HEADER] == "miss" and "缓存测试用的一种装置" in response.content.decode(), path
    hit_then(client, f"/market/{listing.pk}/")
    market.listing_withdraw(listing=listing, by=listing.created_by)
    assert client.get(f"/market/{listing.pk}/").status_code == 404
    assert "缓存测试用的一种装置" not in client.get("/market/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_renaming_an_organisation_shows_after_commit(client, committed_pages):
    firm = OrganisationFactory(name="旧名称科技有限公司")
    listing = ListingFactory(patent=PatentFactory(owner=firm))
    hit_then(client, f"/firms/{firm.pk}/")
    hit_then(client, f"/market/{listing.pk}/")  # the seller's name
    organisation_update(organisation=firm, by=platform_operator(), name="新名称科技有限公司")
    for path in (f"/firms/{firm.pk}/", f"/market/{listing.pk}/"):
        html = client.get(path).content.decode()
        assert "新名称科技有限公司" in html and "旧名称科技有限公司" not in html, path


@pytest.mark.django_db(transaction=True)
def test_a_copy_stored_before_the_commit_is_dropped_by_it(client, committed_pages):
    """A visitor's request that runs while the change is not yet committed renders the old rows under the
    new version; the commit invalidates again, so the next visitor gets the new name."""
    firm = OrganisationFactory(name="提交前的名称有限公司")
    path = f"/firms/{firm.pk}/"
    meanwhile = []

    def visit():
        try:
            meanwhile.append(Client().get(path))
        finally:
            connection.close()

    with transaction.atomic():
        organisation_update(organisation=firm, by=platform_operator(), name="提交后的名称有限公司")
        visitor = threading.Thread(target=visit)
        visitor.start()
        visitor.join()
    (stale,) = meanwhile
    assert stale[HEADER] == "miss" and "提交前的名称有限公司" in stale.content.decode()  # stored, old rows
    response = client.get(path)
    assert response[HEADER] == "miss" and "提交后的名称有限公司" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_refreshing_the_statistics_shows_after_commit(client, committed_pages):
    hit_then(client, "/statistics/")
    assert "stat-empty" in client.get("/statistics/").content.decode()  # not computed yet
    visitor = english(Client())
    hit_then(visitor, "/")
    assert "Counted just now." in visitor.get("/").content.decode()  # the home page's live counts
    statistics_refresh()
    response = client.get("/statistics/")
    html = response.content.decode()
    assert response[HEADER] == "miss" and "stat-empty" not in html and "stat-figures" in html
    response = visitor.get("/")
    assert response[HEADER] == "miss" and "As of" in response.content.decode()  # now the snapshot's figures


@pytest.mark.django_db(transaction=True)
def test_publishing_a_cms_page_shows_after_commit(client, committed_pages):
    home = ensure_home_page()
    hit_then(client, "/")
    hit_then(client, "/market/")
    home.intro = "<p>缓存之后发布的新介绍。</p>"
    home.save_revision().publish()
    response = client.get("/")
    assert response[HEADER] == "miss" and "缓存之后发布的新介绍。" in response.content.decode()
    assert client.get("/market/")[HEADER] == "miss"  # every page shows the CMS menu and footer
