"""The FastAPI example over real HTTP on 127.0.0.1, served by uvicorn."""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn
from fastapi_app import create_app
from pexelize_identity import Keyring, SecurityKey

KEY = "fastapi-example-key"
OLD_KEY = "fastapi-example-old-key"
RETIRED_KEY = "fastapi-example-retired-key"
LOGGER = "pexelize_identity.example.fastapi"


def sign(key: str, user_id: str) -> str:
    return hmac.new(key.encode(), user_id.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    keyring = Keyring(
        KEY,
        previous=[SecurityKey(OLD_KEY, accept_until=datetime(2100, 1, 1, tzinfo=UTC))],
        retired=[RETIRED_KEY],
    )
    # Binding the socket here gives an ephemeral port known before start.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(keyring), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, daemon=True
    )
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn stopped before it started")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


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
        ({"identity": "u1"}, "IDENTITY_MISSING"),
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


def test_upload_with_malformed_json(base_url):
    response = httpx.post(
        f"{base_url}/api/uploads",
        content=b'{"identity": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 401
    assert response.json() == {"code": "IDENTITY_MISSING"}


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
