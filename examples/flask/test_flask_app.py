"""The Flask example over real HTTP on 127.0.0.1, served by werkzeug."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask_app import MAX_BODY_BYTES, create_app
from pexelize_identity import Keyring, SecurityKey
from werkzeug.serving import make_server

KEY = "flask-example-key"
OLD_KEY = "flask-example-old-key"
RETIRED_KEY = "flask-example-retired-key"
FAILURE_TEXT = "handler-failure-text"
LOGGER = "pexelize_identity.example.flask"


def sign(key: str, user_id: str) -> str:
    return hmac.new(key.encode(), user_id.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    keyring = Keyring(
        KEY,
        previous=[SecurityKey(OLD_KEY, accept_until=datetime(2100, 1, 1, tzinfo=UTC))],
        retired=[RETIRED_KEY],
    )
    app = create_app(keyring)

    @app.get("/test/fail")
    def fail() -> str:
        raise ZeroDivisionError(FAILURE_TEXT)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def upload(base_url: str, body: object) -> httpx.Response:
    return httpx.post(f"{base_url}/api/uploads", json=body)


def test_token_for_signed_in_user(base_url):
    response = httpx.get(
        f"{base_url}/api/pexelize-token", headers={"X-User-Id": "user_123"}
    )
    assert response.status_code == 200
    assert response.json() == {"userId": "user_123", "signature": sign(KEY, "user_123")}


def test_token_needs_signed_in_user(base_url):
    response = httpx.get(f"{base_url}/api/pexelize-token")
    assert response.status_code == 401
    assert response.json() == {"code": "UNAUTHENTICATED"}


def test_upload_with_token(base_url):
    token = httpx.get(
        f"{base_url}/api/pexelize-token", headers={"X-User-Id": "user_9"}
    ).json()
    response = upload(base_url, {"identity": token})
    assert response.status_code == 201
    assert response.json() == {"uploaded": True, "userId": "user_9", "keyId": "current"}


def test_upload_with_unicode_and_integer_ids(base_url):
    for user_id, text in [("ünï 用户", "ünï 用户"), (12345, "12345")]:
        response = upload(
            base_url, {"identity": {"userId": user_id, "signature": sign(KEY, text)}}
        )
        assert response.status_code == 201
        assert response.json()["userId"] == user_id


def test_upload_with_previous_key(base_url):
    response = upload(
        base_url, {"identity": {"userId": "u1", "signature": sign(OLD_KEY, "u1")}}
    )
    assert response.status_code == 201
    assert response.json()["keyId"] == "previous"


def identity(user_id: object, signature: object) -> dict[str, object]:
    return {"identity": {"userId": user_id, "signature": signature}}


@pytest.mark.parametrize(
    "body, code",
    [
        (None, "IDENTITY_MISSING"),
        ([], "IDENTITY_MISSING"),
        ({}, "IDENTITY_MISSING"),
        ({"identity": None}, "IDENTITY_MISSING"),
        ({"identity": "u1"}, "IDENTITY_VERIFICATION_FAILED"),
        ({"identity": {"userId": "u1"}}, "IDENTITY_MISSING"),
        ({"identity": {"signature": sign(KEY, "u1")}}, "IDENTITY_MISSING"),
        (identity("", sign(KEY, "")), "IDENTITY_MISSING"),
        (identity("u2", sign(KEY, "u1")), "IDENTITY_VERIFICATION_FAILED"),
        (identity("u1", "0x" + sign(KEY, "u1")), "IDENTITY_VERIFICATION_FAILED"),
        (identity(["u1"], sign(KEY, "u1")), "IDENTITY_VERIFICATION_FAILED"),
        (identity(1.5, sign(KEY, "1.5")), "IDENTITY_VERIFICATION_FAILED"),
        (identity(True, sign(KEY, "True")), "IDENTITY_VERIFICATION_FAILED"),
        (identity("u1", {"hex": "00"}), "IDENTITY_VERIFICATION_FAILED"),
        (identity("u1", sign(RETIRED_KEY, "u1")), "IDENTITY_SIGNATURE_EXPIRED"),
    ],
)
def test_upload_rejected(base_url, body, code):
    response = upload(base_url, body)
    assert response.status_code == 401
    assert response.json() == {"code": code}


def test_one_log_line_per_request(base_url, caplog):
    expired = sign(RETIRED_KEY, "u1")
    valid = sign(KEY, "u1")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        upload(base_url, identity("u1", expired))
        upload(base_url, identity("u1", valid))
        httpx.get(f"{base_url}/api/pexelize-token", headers={"X-User-Id": "u1"})
    lines = [record.getMessage() for record in caplog.records if record.name == LOGGER]
    assert lines == [
        "POST /api/uploads 401 IDENTITY_SIGNATURE_EXPIRED",
        "POST /api/uploads 201 IDENTITY_VALID key=current",
        "GET /api/pexelize-token 200 TOKEN_ISSUED",
    ]
    for line in lines:
        assert expired not in line
        assert valid not in line
        assert KEY not in line


def post_raw(
    base_url: str, content: bytes, content_type: str | None = "application/json"
) -> httpx.Response:
    headers = {} if content_type is None else {"Content-Type": content_type}
    return httpx.post(f"{base_url}/api/uploads", content=content, headers=headers)


def log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == LOGGER]


@pytest.mark.parametrize(
    "content, error",
    [
        (b'{"identity": ', "JSONDecodeError"),
        (b"not json", "JSONDecodeError"),
        (b'{"identity": "\xff\xfe\xfa"}', "UnicodeDecodeError"),
        # Python's parser raises RecursionError past about 1,000 levels.
        (b'{"identity":' + b"[" * 1200 + b"]" * 1200 + b"}", "RecursionError"),
        (
            b'{"identity": {"userId": '
            + b'{"a":' * 1200
            + b"1"
            + b"}" * 1200
            + b', "signature": "00"}}',
            "RecursionError",
        ),
    ],
)
def test_unparsable_body_is_bad_request(base_url, caplog, content, error):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = post_raw(base_url, content)
    assert response.status_code == 400
    assert response.json() == {"code": "BAD_REQUEST"}
    assert log_lines(caplog) == [f"POST /api/uploads 400 BAD_REQUEST ({error})"]


def test_deep_user_id_that_parses_fails(base_url, caplog):
    user_id = "[" * 300 + "1" + "]" * 300
    content = (
        f'{{"identity": {{"userId": {user_id}, "signature": "{sign(KEY, "1")}"}}}}'
    )
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = post_raw(base_url, content.encode())
    assert response.status_code == 401
    assert response.json() == {"code": "IDENTITY_VERIFICATION_FAILED"}
    assert log_lines(caplog) == ["POST /api/uploads 401 IDENTITY_VERIFICATION_FAILED"]


def test_huge_user_id_under_the_limit_fails(base_url):
    response = upload(base_url, identity("u" * 90_000, sign(KEY, "u1")))
    assert response.status_code == 401
    assert response.json() == {"code": "IDENTITY_VERIFICATION_FAILED"}


def test_body_at_the_limit_is_read(base_url):
    prefix = (
        b'{"identity": {"userId": "u1", "signature": "%s"}, "pad": "'
        % sign(KEY, "u1").encode()
    )
    content = prefix + b"x" * (MAX_BODY_BYTES - len(prefix) - 2) + b'"}'
    assert len(content) == MAX_BODY_BYTES
    response = post_raw(base_url, content)
    assert response.status_code == 201


@pytest.mark.parametrize("chunked", [False, True])
def test_body_over_the_limit_is_too_large(base_url, caplog, chunked):
    content = b'{"pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    body: Any = content
    if chunked:
        # A generator body is sent chunked, without a Content-Length.
        body = iter([content[:50_000], content[50_000:]])
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = httpx.post(
            f"{base_url}/api/uploads",
            content=body,
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert response.json() == {"code": "PAYLOAD_TOO_LARGE"}
    assert log_lines(caplog) == ["POST /api/uploads 413 PAYLOAD_TOO_LARGE"]


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded"]
)
def test_body_that_is_not_json_is_ignored(base_url, content_type):
    content = json.dumps(identity("u1", sign(KEY, "u1"))).encode()
    response = post_raw(base_url, content, content_type)
    assert response.status_code == 401
    assert response.json() == {"code": "IDENTITY_MISSING"}


def test_json_with_charset_is_read(base_url):
    content = json.dumps(identity("u1", sign(KEY, "u1"))).encode()
    response = post_raw(base_url, content, "application/json; charset=utf-8")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "IDENTITY_MISSING"),
        (b"null", "IDENTITY_MISSING"),
        (b'"x"', "IDENTITY_MISSING"),
        (b"5", "IDENTITY_MISSING"),
        (b"[]", "IDENTITY_MISSING"),
        (b"{}", "IDENTITY_MISSING"),
        (b'{"identity": null}', "IDENTITY_MISSING"),
        (b'{"identity": ""}', "IDENTITY_MISSING"),
        (b'{"identity": {}}', "IDENTITY_MISSING"),
        (b'{"identity": []}', "IDENTITY_MISSING"),
        (b'{"identity": "u1"}', "IDENTITY_VERIFICATION_FAILED"),
        (b'{"identity": 5}', "IDENTITY_VERIFICATION_FAILED"),
        (b'{"identity": 0}', "IDENTITY_VERIFICATION_FAILED"),
        (b'{"identity": true}', "IDENTITY_VERIFICATION_FAILED"),
        (b'{"identity": false}', "IDENTITY_VERIFICATION_FAILED"),
        (b'{"identity": ["u1"]}', "IDENTITY_VERIFICATION_FAILED"),
    ],
)
def test_identity_shapes(base_url, caplog, content, code):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = post_raw(base_url, content)
    assert response.status_code == 401
    assert response.json() == {"code": code}
    assert log_lines(caplog) == [f"POST /api/uploads 401 {code}"]


def test_unknown_path_is_not_found(base_url, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = httpx.get(f"{base_url}/api/unknown")
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND"}
    assert log_lines(caplog) == ["GET /api/unknown 404 NOT_FOUND"]


def test_handler_error_is_one_line(base_url, caplog):
    with caplog.at_level(logging.DEBUG):
        response = httpx.get(f"{base_url}/test/fail")
    assert response.status_code == 500
    assert response.json() == {"code": "INTERNAL_ERROR"}
    assert log_lines(caplog) == [
        "GET /test/fail 500 INTERNAL_ERROR (ZeroDivisionError)"
    ]
    # No traceback or message anywhere in the log, from any logger.
    for record in caplog.records:
        assert FAILURE_TEXT not in record.getMessage()
        assert record.exc_info is None


def test_documented_command_logs_requests():
    # The README's command, on an ephemeral port: its output must contain
    # one line per request, which caplog cannot show because caplog adds
    # its own handler.
    process = subprocess.Popen(
        [sys.executable, "flask_app.py"],
        cwd=Path(__file__).parent,
        env={**os.environ, "PEXELIZE_SECURITY_KEY": KEY, "PORT": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # A server that never prints its URL would block the read below for
    # good, so it is stopped after a minute and the test fails on its output.
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    try:
        assert process.stdout is not None
        output = []
        base_url = None
        for line in process.stdout:
            output.append(line)
            if "listening on " in line:
                base_url = line.split("listening on ")[1].strip()
                break
        assert base_url is not None, "".join(output)
        token = httpx.get(
            f"{base_url}/api/pexelize-token", headers={"X-User-Id": "u1"}
        ).json()
        upload(base_url, {})
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=60)
        watchdog.cancel()
    lines = "".join(output).splitlines() + rest.splitlines()
    request_lines = [line for line in lines if "/api/" in line]
    assert len(request_lines) == 2, lines
    assert request_lines[0].endswith("INFO GET /api/pexelize-token 200 TOKEN_ISSUED")
    assert request_lines[1].endswith("INFO POST /api/uploads 401 IDENTITY_MISSING")
    assert token["signature"] not in "\n".join(lines)
