"""The deployment files of deploy/ agree with each other and with the settings.

Pure tests: no database and no service (they run in `make unit`). They read the files as text, load the gunicorn
configuration the way gunicorn does, and import the production settings in a child process with the
environment of deploy/environment.example.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from ipmarket.assets import imports

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
NGINX_SITE = DEPLOY / "nginx" / "ipmarket.conf"
ENV_EXAMPLE = DEPLOY / "environment.example"
UNITS = ["ipmarket-web.service", "ipmarket-worker.service", "ipmarket-beat.service"]
VENV_BIN = "/srv/ipmarket/.venv/bin/"
SETTINGS_MODULE = "ipmarket.settings.production"


# --- helpers ------------------------------------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, *, cpu_count: int, environ: dict[str, str]):
    """Execute deploy/gunicorn.conf.py as a fresh module, with that core count and environment."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "cpu_count", lambda: cpu_count)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unit_sections(name: str) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit as {section: [(key, value), ...]} (keys may repeat, e.g. Environment=)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in (DEPLOY / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{name}: {line!r} before any section"
        key, sep, value = line.partition("=")
        assert sep, f"{name}: {line!r} is not key=value"
        current.append((key.strip(), value.strip()))
    return sections


def unit_values(name: str, section: str, key: str) -> list[str]:
    return [value for k, value in unit_sections(name).get(section, []) if k == key]


def unit_value(name: str, section: str, key: str) -> str:
    values = unit_values(name, section, key)
    assert len(values) == 1, f"{name}: [{section}] {key}= appears {len(values)} times"
    return values[0]


def nginx_text() -> str:
    """The site without comments."""
    return "\n".join(line.split("#", 1)[0] for line in NGINX_SITE.read_text().splitlines())


def nginx_size_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def nginx_location_body(path: str) -> str:
    """The body of `location <path> {…}` (prefix locations without nested blocks)."""
    match = re.search(r"location\s+(?:\^~\s+)?" + re.escape(path) + r"\s*\{([^}]*)\}", nginx_text())
    assert match, f"no `location {path}` in {NGINX_SITE.name}"
    return match.group(1)


def environment_example() -> dict[str, str]:
    """The active NAME=value lines of deploy/environment.example."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            values[match.group(1)] = match.group(2)
    return values


def production_settings_from_example(*names: str) -> dict:
    """Import the production settings in a child process whose environment is exactly the example's (plus a
    SECRET_KEY, which the example leaves blank), and return those settings as strings."""
    environ = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    environ.update(environment_example())
    environ.update(SECRET_KEY="only-for-this-test", DJANGO_SETTINGS_MODULE=SETTINGS_MODULE)
    code = (
        "import json, sys\n"
        "from django.conf import settings\n"
        "print(json.dumps({n: str(getattr(settings, n)) for n in sys.argv[1:]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_upload_bytes() -> int:
    return max(
        settings.DISPUTE_DOCUMENT_MAX_BYTES,
        settings.FINANCING_DOCUMENT_MAX_BYTES,
        settings.WAGTAILDOCS_MAX_UPLOAD_SIZE,
        imports.MAX_FILE_BYTES,
    )


# --- gunicorn -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cores", [1, 2, 8])
def test_gunicorn_workers_are_twice_the_cores_plus_one(monkeypatch, cores):
    conf = load_gunicorn_conf(monkeypatch, cpu_count=cores, environ={})
    assert conf.workers == 2 * cores + 1


def test_gunicorn_honours_web_concurrency_and_bind(monkeypatch):
    conf = load_gunicorn_conf(
        monkeypatch, cpu_count=8, environ={"WEB_CONCURRENCY": "3", "GUNICORN_BIND": "unix:/run/ipmarket/g.sock"}
    )
    assert conf.workers == 3
    assert conf.bind == ["unix:/run/ipmarket/g.sock"]


def test_gunicorn_defaults(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, cpu_count=2, environ={})
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.preload_app is False
    assert conf.worker_tmp_dir == "/dev/shm"
    assert conf.max_requests > 0 and 0 < conf.max_requests_jitter < conf.max_requests
    assert 0 < conf.graceful_timeout and 0 < conf.timeout
    assert "%({x-request-id}i)s" in conf.access_log_format
    assert conf.wsgi_app == "ipmarket.wsgi:application"


def test_gunicorn_timeout_is_below_nginx_read_timeout(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, cpu_count=2, environ={})
    read_timeout = re.search(r"proxy_read_timeout\s+(\d+)s;", nginx_text())
    assert read_timeout and conf.timeout < int(read_timeout.group(1))


def test_gunicorn_bind_matches_the_nginx_upstream_and_the_example(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, cpu_count=2, environ={})
    upstream = re.search(r"upstream\s+ipmarket_web\s*\{\s*server\s+(\S+)", nginx_text())
    assert upstream and conf.bind == [upstream.group(1)]
    assert environment_example()["GUNICORN_BIND"] == upstream.group(1)


def test_gunicorn_accepts_every_setting_of_the_file(monkeypatch):
    """gunicorn's own loader takes the file, and each public name is a setting it knows (a misspelt one would
    be silently ignored)."""
    from gunicorn.config import Config

    conf = load_gunicorn_conf(monkeypatch, cpu_count=4, environ={})
    known = Config().settings
    public = {
        name: value
        for name, value in vars(conf).items()
        if not name.startswith("_") and not isinstance(value, type(os))  # skip underscore helpers and `os`
    }
    assert set(public) - set(known) == set()
    config = Config()
    for name, value in public.items():
        config.set(name, value)  # validates each value as gunicorn does
    assert config.workers == 9
    assert config.worker_tmp_dir == "/dev/shm"
    assert config.max_requests_jitter == conf.max_requests_jitter


def test_gunicorn_check_config_loads_the_application():
    """`gunicorn --check-config` with the example's environment: the file and ipmarket.wsgi load (no service is
    reached: Django connects to nothing at start-up)."""
    environ = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    environ.update(environment_example())
    environ.update(SECRET_KEY="only-for-this-test", DJANGO_SETTINGS_MODULE=SETTINGS_MODULE)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    done = subprocess.run(
        [str(gunicorn), "--check-config", "--config", str(GUNICORN_CONF), "ipmarket.wsgi:application"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_gunicorn_is_pinned():
    pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.startswith("gunicorn==")]
    assert len(pins) == 1
    from importlib.metadata import version

    assert pins[0] == f"gunicorn=={version('gunicorn')}"


# --- systemd ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS)
def test_unit_has_the_three_sections_and_restarts_on_failure(unit):
    assert {"Unit", "Service", "Install"} <= set(unit_sections(unit))
    assert unit_value(unit, "Service", "Restart") == "on-failure"
    assert unit_value(unit, "Install", "WantedBy") == "multi-user.target"
    assert unit_value(unit, "Service", "User") == "ipmarket"


@pytest.mark.parametrize("unit", UNITS)
def test_unit_runs_from_the_same_virtualenv_with_the_production_settings(unit):
    exec_start = unit_value(unit, "Service", "ExecStart")
    assert exec_start.startswith(VENV_BIN)
    assert f"Environment=DJANGO_SETTINGS_MODULE={SETTINGS_MODULE}" in [
        f"Environment={value}" for value in unit_values(unit, "Service", "Environment")
    ]
    assert unit_value(unit, "Service", "EnvironmentFile") == "/etc/ipmarket/environment"
    assert unit_value(unit, "Service", "WorkingDirectory") == "/srv/ipmarket"
    # The units may write only under VAR_DIR, the same folder as in the example.
    assert unit_value(unit, "Service", "ReadWritePaths") == environment_example()["VAR_DIR"]


def test_the_units_start_gunicorn_celery_worker_and_beat():
    assert unit_value("ipmarket-web.service", "Service", "ExecStart").split()[:3] == [
        f"{VENV_BIN}gunicorn",
        "--config",
        "/srv/ipmarket/deploy/gunicorn.conf.py",
    ]
    worker = unit_value("ipmarket-worker.service", "Service", "ExecStart").split()
    assert worker[:4] == [f"{VENV_BIN}celery", "-A", "ipmarket", "worker"]
    assert "--concurrency=${CELERY_CONCURRENCY}" in worker
    assert unit_values("ipmarket-worker.service", "Service", "Environment").count("CELERY_CONCURRENCY=4") == 1
    beat = unit_value("ipmarket-beat.service", "Service", "ExecStart").split()
    assert beat[:4] == [f"{VENV_BIN}celery", "-A", "ipmarket", "beat"]


def test_the_worker_stops_warmly_and_waits_for_late_acked_tasks():
    """SIGTERM to Celery's main process alone is its warm shutdown (no new task, running ones finish); systemd
    must wait longer than the hard time limit of a task before killing, so a late-acked task is not cut off."""
    unit = "ipmarket-worker.service"
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert unit_value(unit, "Service", "KillSignal") == "SIGTERM"
    assert unit_value(unit, "Service", "KillMode") == "mixed"
    assert int(unit_value(unit, "Service", "TimeoutStopSec")) > settings.CELERY_TASK_TIME_LIMIT


def test_the_web_unit_waits_for_gunicorn_graceful_stop(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, cpu_count=2, environ={})
    unit = "ipmarket-web.service"
    assert unit_value(unit, "Service", "KillMode") == "mixed"
    assert int(unit_value(unit, "Service", "TimeoutStopSec")) > conf.graceful_timeout
    assert unit_value(unit, "Service", "ExecReload") == "/bin/kill -s HUP $MAINPID"


# --- nginx --------------------------------------------------------------------------------------------------


def test_nginx_admits_the_largest_upload_with_room_for_the_form():
    sizes = re.findall(r"client_max_body_size\s+(\S+);", nginx_text())
    assert len(sizes) == 1
    limit = nginx_size_bytes(sizes[0])
    assert limit >= largest_upload_bytes() + 1024 * 1024  # the file plus at least 1 MB of form fields
    assert limit >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # JSON bodies up to Django's own limit
    assert limit <= 2 * largest_upload_bytes()  # but not unbounded


def test_nginx_serves_static_and_media_from_the_example_folders():
    paths = production_settings_from_example("STATIC_ROOT", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "VAR_DIR")
    assert paths["VAR_DIR"] == environment_example()["VAR_DIR"]
    assert re.search(r"alias\s+(\S+);", nginx_location_body("/static/")).group(1) == paths["STATIC_ROOT"] + "/"
    assert re.search(r"alias\s+(\S+);", nginx_location_body("/media/")).group(1) == paths["MEDIA_ROOT"] + "/"
    assert "immutable" in nginx_text()  # hashed static names cached for long


def test_nginx_never_serves_the_private_documents():
    paths = production_settings_from_example("PRIVATE_MEDIA_ROOT", "VAR_DIR", "MEDIA_ROOT")
    private = paths["PRIVATE_MEDIA_ROOT"].rstrip("/")
    assert not Path(private).is_relative_to(paths["MEDIA_ROOT"])  # not reachable under /media/ either
    for directive, folder in re.findall(r"\b(root|alias)\s+(\S+);", nginx_text()):
        folder = folder.rstrip("/")
        assert not Path(private).is_relative_to(folder), f"{directive} {folder} would expose {private}"
        assert not Path(folder).is_relative_to(private)
    # Wagtail documents go through Wagtail's view (collection privacy), not straight from disk.
    assert "return 404;" in nginx_location_body("/media/documents/")


def test_nginx_passes_the_proxy_headers_and_the_request_id():
    text = nginx_text()
    for header, value in [
        ("Host", "$host"),
        ("X-Forwarded-For", "$proxy_add_x_forwarded_for"),
        ("X-Forwarded-Proto", "$scheme"),
        ("X-Request-ID", "$request_id"),
    ]:
        assert re.search(rf"proxy_set_header\s+{re.escape(header)}\s+{re.escape(value)};", text), header
    assert "request_id=$request_id" in text  # in nginx's access log
    # Django trusts the scheme nginx forwards.
    assert production_settings_from_example("SECURE_PROXY_SSL_HEADER")["SECURE_PROXY_SSL_HEADER"] == str(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )
    for timeout in ("proxy_connect_timeout", "proxy_read_timeout", "proxy_send_timeout", "client_body_timeout"):
        assert re.search(rf"{timeout}\s+\d+s;", text), timeout


def test_nginx_leaves_security_headers_to_django():
    """Proxied answers carry Django's headers only; nginx adds none that Django also sends."""
    added = re.findall(r"add_header\s+(\S+)", nginx_text())
    assert not {"Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options", "Referrer-Policy"} & set(
        added
    )


# --- the environment example --------------------------------------------------------------------------------


def test_the_example_names_every_variable_the_settings_read():
    read = set()
    for module in ("base.py", "production.py"):
        source = (ROOT / "ipmarket" / "settings" / module).read_text()
        read |= set(re.findall(r"\benv(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"} <= read
    text = ENV_EXAMPLE.read_text()
    missing = sorted(name for name in read if not re.search(rf"^(# )?{name}=", text, re.MULTILINE))
    assert missing == []


def test_the_example_holds_no_secret():
    values = environment_example()
    for name in ("SECRET_KEY", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY"):
        assert values[name] == "", name
    assert "CHANGE-ME" in values["DATABASE_URL"]
    assert values["DJANGO_SETTINGS_MODULE"] == SETTINGS_MODULE
    assert values["LOG_FORMAT"] == "json"
