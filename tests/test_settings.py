"""Production settings refuse to start without SECRET_KEY and pass `check --deploy`; migrations are committed."""

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
