"""The shared cache on Redis (CACHE_URL=rediscache://…), forgiving when Redis is away.

Django's RedisCache raises when Redis cannot be reached, so every page reading the cache (the CMS menu of
cms/chrome.py on every page, cached pages) would answer 500 for as long as Redis is down. The cache only ever
holds what can be computed again: here an unreachable Redis is a miss for reads and a no-op for writes, logged
as a warning, and the request goes on as if the cache were empty. Connections give up after
`socket_connect_timeout` (1 s unless OPTIONS say otherwise) so that a Redis that does not answer at all does
not hold a request either. The fault drill tests/drills/test_redis_outage.py stops Redis under the site.

settings/base.py puts this class in place of Django's whenever CACHE_URL names Redis.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _forgiving(fallback):
    """Run the client call; when Redis is unreachable, log it and return `fallback(*args)` instead."""

    def decorate(method):
        @wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                logger.warning("cache: Redis unreachable (%s); %s skipped", exc, method.__name__)
                return fallback(*args, **kwargs)

        return call

    return decorate


def _key_not_found(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")  # what incr() raises for a missing key


class ForgivingRedisCacheClient(RedisCacheClient):
    add = _forgiving(lambda *a, **k: False)(RedisCacheClient.add)
    get = _forgiving(lambda key, default, *a, **k: default)(RedisCacheClient.get)
    set = _forgiving(lambda *a, **k: None)(RedisCacheClient.set)
    touch = _forgiving(lambda *a, **k: False)(RedisCacheClient.touch)
    delete = _forgiving(lambda *a, **k: False)(RedisCacheClient.delete)
    get_many = _forgiving(lambda *a, **k: {})(RedisCacheClient.get_many)
    has_key = _forgiving(lambda *a, **k: False)(RedisCacheClient.has_key)
    incr = _forgiving(_key_not_found)(RedisCacheClient.incr)
    set_many = _forgiving(lambda *a, **k: None)(RedisCacheClient.set_many)
    delete_many = _forgiving(lambda *a, **k: None)(RedisCacheClient.delete_many)
    clear = _forgiving(lambda *a, **k: False)(RedisCacheClient.clear)


class RedisCache(DjangoRedisCache):
    """Django's RedisCache whose client treats an unreachable Redis as a miss (reads) or a no-op (writes)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient
        self._options = {"socket_connect_timeout": 1, **self._options}
