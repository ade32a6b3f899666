"""The page cache: whole public pages that every anonymous visitor sees alike (the home page, /statistics/,
the market's listings and a firm's page), kept per language in the default cache (`CACHE_URL`, Redis in
production; `CACHES["pages"]`) for `PAGE_CACHE_SECONDS` (0: off).

A page is wrapped by `@cached_public_page(section, shows=(topic, …), query=(name, …))`:

- **Who**: only anonymous GET/HEAD requests with no pending message and no session data (a visitor with
  a session, e.g. one that passed a page's password, is served fresh), and whose query string names only
  the parameters in `query` (a list's filters and page; any other parameter, e.g. `?utm_source=`, is served
  fresh rather than filling the cache). Only 200 answers the view itself set no cookie on, with no
  `Cache-Control: private/no-cache/no-store` (Wagtail's restricted pages) and no `Vary`, are stored.
- **Key**: section, language, the versions of the page's topics, and a digest of the scheme, host, path
  and the allowed query parameters sorted (blank ones dropped): `/market/?page=2&q=x` and
  `/market/?q=x&page=2` share one copy.
- **Invalidation**: each topic (a kind of data, e.g. "listings") has a version counter in the cache; a
  change bumps it (`invalidate`), so every key naming the old version is never read again and expires. The
  app that owns the data says what changes a topic: `watch(topic, *models)` bumps it on their saves and
  deletes (in the app's `AppConfig.ready`, so web and worker processes alike), services writing in bulk call
  `invalidate` themselves. Every page also shows `SITE` (the header and footer the CMS fills: the CMS bumps
  it) and `ALL` (`invalidate_all`).
- **CSRF**: every page has forms (the language switch), whose token is the visitor's own. The stored copy
  holds a placeholder instead of the token, and each answer from the cache gets a fresh token of its
  visitor (which also sets their CSRF cookie, as an uncached page would).

A cache that is down never fails a page nor a write: the page is rendered as if uncached and the failure
logged. docs/operations.md, "Page cache".
"""

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import translation

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 300
ALIAS = "pages"  # settings.CACHES["pages"]: the CACHE_URL store (in memory, a store of its own); else "default"
ALL = "all"  # every page: invalidate_all()
SITE = "site"  # every page: the header and footer (menu, contact details) the CMS fills
PREFIX = "pagecache"
HEADER = "X-Page-Cache"  # "hit": served from the cache; "miss": rendered and stored
CSRF_PLACEHOLDER = b"@@pagecache-csrf-token@@"
_CSRF_CANDIDATE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_UNCACHEABLE = ("private", "no-cache", "no-store")
# The topics something invalidates (filled by `watch`): a page showing another one is a mistake.
TOPICS: set[str] = {ALL, SITE}


def store():
    """The cache holding the pages and the versions."""
    return caches[ALIAS] if ALIAS in settings.CACHES else caches["default"]


def seconds() -> int:
    """How long a page is kept; 0 turns the page cache off (read at each request: tests override it)."""
    return max(0, int(getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_SECONDS)))


# --- versions and invalidation ---------------------------------------------------------------------------------


def _version_key(topic: str) -> str:
    return f"{PREFIX}:version:{topic}"


def _new_version() -> int:
    """A random start: a counter the cache evicted never comes back to a version already used."""
    return secrets.randbits(52)


def _bump(topics: Iterable[str]) -> None:
    for topic in topics:
        key = _version_key(topic)
        try:
            try:
                store().incr(key)
            except ValueError:  # no counter yet (or evicted): any new value invalidates
                store().set(key, _new_version(), timeout=None)
        except Exception:
            logger.exception("Page cache: could not invalidate %r; its pages may be stale until they expire", topic)


def invalidate(*topics: str, using: str | None = None) -> None:
    """The pages showing these topics are stale: bump their versions now and again when the transaction
    commits.

    Now: a later read in the same transaction (a test, which never commits) sees the change. On commit: a
    request that read the new version before the commit rendered the old rows and stored them under it;
    the second bump drops that copy. Never raises."""
    _bump(topics)
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(lambda: _bump(topics), using=using)


def invalidate_all() -> None:
    """Every cached page is stale (e.g. after loading data in bulk)."""
    invalidate(ALL)


def watch(topic: str, *models) -> None:
    """Invalidate `topic` whenever a row of these models is saved or deleted, or (for a many-to-many
    table, `Model.field.through`) links are added, removed or cleared. Call from `AppConfig.ready`."""
    TOPICS.add(topic)
    for model in models:
        uid = f"{PREFIX}:{topic}:{model._meta.label}"
        if model._meta.auto_created:

            def links_changed(sender, action, using=None, _topic=topic, **kwargs):
                if action in ("post_add", "post_remove", "post_clear"):
                    invalidate(_topic, using=using)

            m2m_changed.connect(links_changed, sender=model, weak=False, dispatch_uid=uid)
        else:

            def row_changed(sender, using=None, _topic=topic, **kwargs):
                invalidate(_topic, using=using)

            post_save.connect(row_changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
            post_delete.connect(row_changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def _versions(topics: tuple[str, ...]) -> str | None:
    """The current versions of these topics ("." joined), creating missing counters; None when the cache
    keeps nothing (a dummy cache)."""
    cache = store()
    keys = [_version_key(topic) for topic in topics]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_version(), timeout=None)
        found.update(cache.get_many(missing))
        if any(key not in found for key in keys):
            return None
    return ".".join(str(found[key]) for key in keys)


# --- which requests and answers --------------------------------------------------------------------------------


def _normalised_query(request, allowed: frozenset[str]) -> str | None:
    """The allowed parameters, sorted, blank values dropped; None when another parameter is present."""
    if any(name not in allowed for name in request.GET):
        return None
    pairs = sorted((name, value) for name in request.GET for value in request.GET.getlist(name) if value != "")
    return urlencode(pairs)


def _anonymous_and_plain(request) -> bool:
    """Signed out, with nothing of their own to show: no pending message, no session data."""
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.session_key is not None and list(session.keys()):
        return False
    return len(get_messages(request)) == 0


def _page_key(section: str, topics: tuple[str, ...], request, query: str) -> str | None:
    versions = _versions(topics)
    if versions is None:
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    where = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:40]
    return f"{PREFIX}:page:{section}:{language}:{versions}:{digest}"


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies or response.has_header("Vary"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in _UNCACHEABLE)


def _without_csrf_tokens(content: bytes, request) -> tuple[bytes, bool]:
    """The content with each CSRF token of this visitor (masked forms of their secret) replaced by the
    placeholder; and whether there was any."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content, False
    found = False

    def replace(match):
        nonlocal found
        if _unmask_cipher_token(match.group().decode()) == secret:
            found = True
            return CSRF_PLACEHOLDER
        return match.group()

    return _CSRF_CANDIDATE.sub(replace, content), found


def _entry(response, request) -> dict | None:
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    content, has_token = _without_csrf_tokens(response.content, request)
    if CSRF_PLACEHOLDER in response.content:  # the placeholder itself on the page: would be replaced
        return None
    headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
    return {"status": response.status_code, "headers": headers, "content": content, "csrf": has_token}


def _response(entry: dict, request) -> HttpResponse:
    content = entry["content"]
    if entry["csrf"]:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = "hit"
    return response


# --- the decorator ---------------------------------------------------------------------------------------------


def cached_public_page(section: str, *, shows: Iterable[str] = (), query: Iterable[str] = ()):
    """Serve the view's page to anonymous visitors from the cache (see the module's docstring).

    `section`: the page's name in the keys; `shows`: the topics whose changes change the page (besides
    SITE and ALL); `query`: the query parameters that select what it shows (a list's filters, its page)."""
    topics = tuple(dict.fromkeys((ALL, SITE, *shows)))
    allowed = frozenset(query)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            unknown = set(topics) - TOPICS
            if unknown:  # checked here, once every app's `ready` has declared its topics
                raise ImproperlyConfigured(f"The page cache of {section!r} shows topics nothing invalidates: {unknown}")
            timeout = seconds()
            if not timeout or request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            normalised = _normalised_query(request, allowed)
            if normalised is None or not _anonymous_and_plain(request):
                return view(request, *args, **kwargs)
            try:
                key = _page_key(section, topics, request, normalised)
                entry = store().get(key) if key is not None else None
            except Exception:
                logger.exception("Page cache unavailable: %s served uncached", request.path)
                return view(request, *args, **kwargs)
            if entry is not None:
                return _response(entry, request)
            response = view(request, *args, **kwargs)
            if key is not None and _storable(response):
                entry = _entry(response, request)
                if entry is not None:
                    try:
                        store().set(key, entry, timeout)
                    except Exception:
                        logger.exception("Page cache unavailable: %s not stored", request.path)
                    else:
                        response[HEADER] = "miss"
            return response

        return wrapped

    return decorator
