"""Gunicorn configuration of the web process (deploy/ipmarket-web.service runs
`gunicorn -c deploy/gunicorn.conf.py ipmarket.wsgi:application`).

Every value can be changed from the environment (the unit's EnvironmentFile, /etc/ipmarket/environment):

| variable | default | meaning |
|---|---|---|
| `WEB_CONCURRENCY` | 2 × cores + 1 | worker processes |
| `GUNICORN_BIND` | `127.0.0.1:8000` | address (or `unix:/run/ipmarket/gunicorn.sock`) nginx proxies to |
| `GUNICORN_THREADS` | `1` | threads per worker (more than 1 switches to the gthread worker) |
| `GUNICORN_TIMEOUT` | `60` | seconds a worker may stay silent on one request before it is killed and restarted |
| `GUNICORN_GRACEFUL_TIMEOUT` | `30` | seconds workers get to finish their requests on stop or reload |
| `GUNICORN_MAX_REQUESTS` | `1000` | recycle a worker after that many requests |
| `GUNICORN_MAX_REQUESTS_JITTER` | `100` | ± that many, so that workers do not all restart at once |
| `FORWARDED_ALLOW_IPS` | `127.0.0.1,::1` | proxies whose X-Forwarded-* headers are trusted (nginx's address) |

nginx buffers the whole request body before passing it on (`proxy_request_buffering on`, its default), so a
slow upload never holds a sync worker: the timeout only measures the application's own work. Keep
GUNICORN_TIMEOUT below nginx's `proxy_read_timeout` (65 s in deploy/nginx/ipmarket.conf) so that a stuck
request ends with gunicorn's restart of the worker rather than a gateway timeout with the worker still busy.

Module-level names are gunicorn settings; helpers start with an underscore (gunicorn ignores unknown names,
so a misspelt setting would be silently dropped: tests/test_deploy.py checks every public name is a setting).
"""

import os


def _int_from_env(name: str, default: int, environ=None) -> int:
    value = (environ if environ is not None else os.environ).get(name, "").strip()
    return int(value) if value else default


def _workers(cpu_count=None, environ=None) -> int:
    """WEB_CONCURRENCY when set, else 2 × cores + 1 (gunicorn's advice for sync workers)."""
    cores = cpu_count if cpu_count is not None else (os.cpu_count() or 1)
    return max(1, _int_from_env("WEB_CONCURRENCY", 2 * cores + 1, environ))


wsgi_app = "ipmarket.wsgi:application"
proc_name = "ipmarket-web"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = _workers()
threads = _int_from_env("GUNICORN_THREADS", 1)

# Timeouts: a request's own work, the stop/reload grace, and idle keep-alive (nginx talks HTTP/1.0 to the
# upstream by default, so keep-alive only matters when something connects directly).
timeout = _int_from_env("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int_from_env("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5

# Workers recycled after a number of requests, with jitter so that they do not all restart together.
max_requests = _int_from_env("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int_from_env("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Each worker imports the application itself: no database or Elasticsearch connection opened before the fork
# is shared between workers, and a reload (SIGHUP) picks up new code.
preload_app = False
# The heartbeat file of each worker in memory, not on a disk that may stall (Docker, some VMs).
worker_tmp_dir = "/dev/shm"

# nginx on the same machine: trust its X-Forwarded-For/Proto. Django itself reads X-Forwarded-Proto through
# SECURE_PROXY_SSL_HEADER (ipmarket/settings/production.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr, i.e. the journal. One access line a request, with the client address nginx saw, the
# time taken in milliseconds and the request id nginx generated (X-Request-ID, the same id as in nginx's
# access log and in the application's log lines).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "request_id=%({x-request-id}i)s"
)
