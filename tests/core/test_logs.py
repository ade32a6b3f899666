"""Logs (ipmarket/core/logs.py): a request id on every line of a request and its tasks, JSON lines, and no
password, token or ID number in any line."""

import io
import json
import logging
import re

import pytest
from celery import signals

from ipmarket.celery import app
from ipmarket.core import logs
from tests.accounts.factories import UserFactory


@app.task(name="tests.core.test_logs.log_and_answer_request_id")
def log_and_answer_request_id():
    logging.getLogger("tests.task").info("task ran")
    return logs.current_request_id()


class Capture(logging.Handler):
    """The configured console handler's twin at DEBUG: same filters, JSON formatter; keeps records and text."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []
        self.stream = io.StringIO()
        self.addFilter(logs.RequestIdFilter())
        self.addFilter(logs.RedactFilter())
        self.setFormatter(logs.JsonFormatter())

    def emit(self, record):
        self.records.append(record)
        self.stream.write(self.format(record) + "\n")

    @property
    def text(self):
        return self.stream.getvalue()


@pytest.fixture
def captured():
    root = logging.getLogger()
    handler, level = Capture(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_the_configured_console_handler_carries_the_request_id_and_redaction_filters():
    handlers = logging.getLogger().handlers
    kinds = {type(f) for h in handlers for f in h.filters}
    assert {logs.RequestIdFilter, logs.RedactFilter} <= kinds


@pytest.mark.django_db
def test_every_line_of_a_request_carries_the_id_of_its_response_header(client, captured):
    response = client.get("/api/v1/no-such-thing/", headers={"X-Request-ID": "edge-42.a_b"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "edge-42.a_b"
    during = [r for r in captured.records if r.name.startswith("django")]
    assert during, "the 404 is logged by django.request"
    assert {r.request_id for r in during} == {"edge-42.a_b"}

    # An unsafe or overlong incoming id is replaced by a new one.
    for bad in ("x" * 65, "a b", "<script>", "id\u00e9"):
        rid = client.get("/api/v1/no-such-thing/", headers={"X-Request-ID": bad})["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", rid)
    fresh = client.get("/api/v1/no-such-thing/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert fresh in captured.text

    # Outside a request: "-".
    logging.getLogger("tests.outside").warning("after the request")
    assert captured.records[-1].request_id == "-"

    # One JSON object a line, with the fields the operators grep for.
    lines = captured.text.splitlines()
    assert lines
    for line in lines:
        entry = json.loads(line)
        assert {"time", "request_id", "level", "logger", "message"} <= set(entry)
    first = json.loads(lines[0])
    assert first["request_id"] == "edge-42.a_b" and first["level"] == "WARNING"
    assert first["logger"] == "django.request" and "no-such-thing" in first["message"]


@pytest.mark.django_db
def test_sign_in_and_tokens_leave_no_password_or_token_in_the_logs(client, api, captured):
    UserFactory(username="alice")  # password pw-12345-test
    wrong = "Wrong-Secret-9137"
    bad = api.post("/api/v1/auth/token/", {"username": "alice", "password": wrong}, format="json")
    assert bad.status_code == 400
    page = client.post("/accounts/login/", {"username": "alice", "password": wrong})
    assert page.status_code == 200  # the form again, with its error
    good = api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw-12345-test"}, format="json")
    assert good.status_code == 200
    token = good.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.post("/api/v1/organisations/", {}, format="json").status_code == 403
    # Code that logs carelessly is still redacted.
    logging.getLogger("tests.careless").debug("headers %s", {"HTTP_AUTHORIZATION": f"Token {token}"})
    logging.getLogger("tests.careless").info("sign-in password=%s token: %s", wrong, token)

    assert captured.records, "the failed sign-ins and the 403 are logged"
    text = captured.text
    for secret in (wrong, "pw-12345-test", token):
        assert secret not in text
        assert all(secret not in r.getMessage() for r in captured.records)


def test_the_redaction_masks_resident_id_numbers_and_credentials():
    redact = logs.redact_text
    assert "11010519491231002X" not in redact("申请人身份证 11010519491231002X 已核验")
    assert "110105194912310021" not in redact("id 110105194912310021,")
    assert redact("身份证号码：110105194912310021") == "身份证号码：***"
    assert "9f2c8d1e7a" not in redact("Authorization: Token 9f2c8d1e7a6b5c4d3e2f1a0b")
    assert redact("Authorization: Token 9f2c8d1e7a6b5c4d3e2f1a0b") == "Authorization: Token ***"
    assert redact("Bearer abc.def-ghi") == "Bearer ***"
    assert redact("Calling <User: a>.set_password('pw-1')") == "Calling <User: a>.set_password('***')"
    assert redact("password=hunter2&username=alice") == "password=***&username=alice"
    assert redact("{'new_password1': 'hunter2', 'api_key': 'sk_live_1'}") == (
        "{'new_password1': '***', 'api_key': '***'}"
    )
    assert redact('{"stripe_secret": "whsec_1", "id_number": "51200219900101123X"}') == (
        '{"stripe_secret": "***", "id_number": "***"}'
    )
    # What is not a secret stays: amounts, dates, patent numbers, 17- and 19-digit runs.
    for kept in ("本金 1000000.00 元", "2026-01-01", "ZL202310123456.7", "12345678901234567", "1234567890123456789"):
        assert redact(kept) == kept

    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "login %s by %s", ({"password": "hunter2", "user": "alice"}, "bob"), None
    )
    record.token = "abc123"  # an extra field named like a secret
    record.payload = {"secret": "s3", "name": "n"}
    assert logs.RedactFilter().filter(record)
    assert "hunter2" not in record.getMessage() and "alice" in record.getMessage()
    assert record.token == "***" and record.payload == {"secret": "***", "name": "n"}

    try:
        raise ValueError("Authorization: Token deadbeefcafe")
    except ValueError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    logs.RedactFilter().filter(failed)
    assert "deadbeefcafe" not in failed.exc_text
    assert "deadbeefcafe" not in logs.JsonFormatter().format(failed)


def test_a_task_published_during_a_request_carries_its_id_and_runs_under_it(captured):
    # Publishing (web side): before_task_publish puts the current id into the message headers.
    token = logs.request_id.set("req-7")
    try:
        headers = {}
        signals.before_task_publish.send(sender="some.task", body=(), headers=headers, properties={})
        assert headers[logs.TASK_HEADER] == "req-7"
    finally:
        logs.request_id.reset(token)
    outside = {}
    signals.before_task_publish.send(sender="some.task", body=(), headers=outside, properties={})
    assert logs.TASK_HEADER not in outside  # no request, no header

    # Running (worker side): task_prerun sets the carried id for the task's lines, task_postrun resets it.
    result = log_and_answer_request_id.apply(headers={logs.TASK_HEADER: "req-7"})
    assert result.get() == "req-7"
    ran = [r for r in captured.records if r.name == "tests.task"]
    assert [r.request_id for r in ran] == ["req-7"]
    assert logs.current_request_id() == "-"

    # A task published by no request (beat) runs under its own task id.
    own = log_and_answer_request_id.apply(task_id="beat-task-1")
    assert own.get() == "beat-task-1"
    assert logs.current_request_id() == "-"
