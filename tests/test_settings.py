"""Production settings refuse to start without SECRET_KEY and pass `check --deploy`; migrations are committed;
importing any settings module creates nothing (`manage.py ensure_dirs` and `make run` make the folders and the
development key); DEBUG is off unless the environment turns it on."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env_overrides):
    dropped = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", env_overrides={"DJANGO_SETTINGS_MODULE": "ipmarket.settings.production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "ipmarket.settings.production",
            "SECRET_KEY": "k9#Qz2!vL8@wXy4$Rt6^Pm1&Nb3*Hc5(Jd7)Fe0-Gs_Ua+Ib=Oc",
            "ALLOWED_HOSTS": "ip.example.cn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_migrations_are_committed():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "ipmarket.settings.production",
    "SECRET_KEY": "k9#Qz2!vL8@wXy4$Rt6^Pm1&Nb3*Hc5(Jd7)Fe0-Gs_Ua+Ib=Oc",
    "ALLOWED_HOSTS": "ip.example.cn",
}
HEADERS_OF_AN_ANSWER = """
import json
from django.test import Client
response = Client().get("/robots.txt", secure=True, headers={"host": "ip.example.cn"})
print(json.dumps({"status": response.status_code, **dict(response.headers)}))
"""


def test_production_answers_with_the_security_headers():
    result = manage("shell", "-c", HEADERS_OF_AN_ANSWER, env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


# Variables the test process has (ipmarket.settings.test sets some) that would hide the defaults of base.py.
SETTINGS_VARIABLES = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "VAR_DIR",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def python(*args, cwd, **overrides):
    """`python *args` with the project importable and, of the settings variables, only the given ones set."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", **overrides)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


SETUP_AND_PRINT = """
import django
from django.conf import settings
django.setup()
print(settings.DEBUG, settings.SECRET_KEY)
"""


@pytest.mark.parametrize("module", ["ipmarket.settings.base", "ipmarket.settings.test", "ipmarket.settings.production"])
def test_importing_the_settings_creates_nothing(tmp_path, module):
    """Defaults that write under VAR_DIR (SQLite, the filesystem broker, media) and DEBUG on: importing the
    module and setting Django up leaves VAR_DIR absent and the working folder and HOME empty."""
    cwd, home, var = tmp_path / "cwd", tmp_path / "home", tmp_path / "var"
    cwd.mkdir()
    home.mkdir()
    result = python(
        "-c",
        SETUP_AND_PRINT,
        cwd=cwd,
        DJANGO_SETTINGS_MODULE=module,
        DEBUG="true",
        SECRET_KEY="k9#Qz2!vL8@wXy4$Rt6^Pm1&Nb3*Hc5(Jd7)Fe0-Gs_Ua+Ib=Oc",
        ALLOWED_HOSTS="ip.example.cn",
        VAR_DIR=str(var),
        HOME=str(home),
    )
    assert result.returncode == 0, result.stderr
    assert not var.exists()
    assert list(cwd.iterdir()) == [] and list(home.iterdir()) == []


def test_debug_is_off_unless_the_environment_turns_it_on(tmp_path):
    base = {"DJANGO_SETTINGS_MODULE": "ipmarket.settings.base", "SECRET_KEY": "a-key", "VAR_DIR": str(tmp_path)}
    unset = python("-c", SETUP_AND_PRINT, cwd=tmp_path, **base)
    assert unset.returncode == 0, unset.stderr
    assert unset.stdout.split()[0] == "False"
    on = python("-c", SETUP_AND_PRINT, cwd=tmp_path, DEBUG="true", **base)
    assert on.returncode == 0, on.stderr
    assert on.stdout.split()[0] == "True"


def test_without_debug_the_secret_key_is_required(tmp_path):
    result = python("-c", "import ipmarket.settings.base", cwd=tmp_path, VAR_DIR=str(tmp_path / "var"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_debug_reads_the_development_key_that_make_run_keeps_and_never_makes_it(tmp_path):
    var = tmp_path / "var"
    overrides = {"DJANGO_SETTINGS_MODULE": "ipmarket.settings.base", "DEBUG": "true", "VAR_DIR": str(var)}
    missing = python("-c", SETUP_AND_PRINT, cwd=tmp_path, **overrides)
    assert missing.returncode != 0
    assert "make run" in missing.stderr and "secret_key" in missing.stderr
    assert not var.exists()
    var.mkdir()
    (var / "secret_key").write_text("the-development-key\n")
    kept = python("-c", SETUP_AND_PRINT, cwd=tmp_path, **overrides)
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.split() == ["True", "the-development-key"]


def test_ensure_dirs_makes_the_folders_of_make_run(tmp_path):
    """`make run`'s defaults (SQLite and the filesystem broker under VAR_DIR) on a fresh clone: no VAR_DIR."""
    var = tmp_path / "var"
    overrides = {"DJANGO_SETTINGS_MODULE": "ipmarket.settings.base", "DEBUG": "true", "SECRET_KEY": "a-key"}
    ensure_dirs = (str(ROOT / "manage.py"), "ensure_dirs")
    first = python(*ensure_dirs, cwd=ROOT, VAR_DIR=str(var), **overrides)
    assert first.returncode == 0, first.stderr
    for folder in ("celery/queue", "celery/processed", "celery/control", "media", "private"):
        assert (var / folder).is_dir(), folder
    again = python(*ensure_dirs, cwd=ROOT, VAR_DIR=str(var), **overrides)
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""
