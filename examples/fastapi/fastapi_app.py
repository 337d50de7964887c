"""A FastAPI app that issues Pexelize identity tokens and protects a route.

It mirrors the Express example:

- ``GET /api/pexelize-token`` returns ``{"userId": ..., "signature": ...}``
  for the signed-in user, which the page hands to the Pexelize editor.
- ``POST /api/uploads`` depends on ``verified_identity``: it requires a JSON
  body ``{"identity": {"userId": ..., "signature": ...}}``. Otherwise
  ``Keyring.assert_valid`` raises an ``IdentityError``, and the app's
  exception handler responds with 401 and ``{"code": ...}``.

A body that is not JSON, or nested too deeply for Python's parser, gets 400
``{"code": "BAD_REQUEST"}``. A body over 100 KiB gets 413
``{"code": "PAYLOAD_TOO_LARGE"}``. A body whose Content-Type is not
``application/json`` is ignored. Each request logs one line with its status
and outcome code, never the body, the key or the signature. It needs Python
3.10 or newer. Run it with
``PEXELIZE_SECURITY_KEY=... uvicorn --factory fastapi_app:create_app``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from pexelize_identity import (
    IdentityError,
    IdentityVerificationFailed,
    Keyring,
    keyring_from_env,
)
from starlette.exceptions import HTTPException

logger = logging.getLogger("pexelize_identity.example.fastapi")

#: The largest request body read, as in Express's default JSON limit.
MAX_BODY_BYTES = 100 * 1024


@dataclass(frozen=True)
class Identity:
    """A verified identity: the user ID as sent and the key that matched."""

    user_id: Any
    key_id: str


class NotSignedIn(Exception):
    """The request has no signed-in user."""


class BadRequest(Exception):
    """The body is not JSON that Python can parse."""


class PayloadTooLarge(Exception):
    """The body is larger than ``MAX_BODY_BYTES``."""


async def read_body(request: Request) -> bytes:
    """Read the body, raising ``PayloadTooLarge`` past ``MAX_BODY_BYTES``
    without reading the rest."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLarge
    # A chunked body declares no length, so the bytes read are counted too.
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def identity_from_body(request: Request) -> Any:
    """Return the ``identity`` field of the JSON body, or None when it is
    absent or empty.

    A body whose Content-Type is not ``application/json`` is not read. Raises
    ``BadRequest`` for a body that is not JSON or is nested too deeply for
    Python's parser (a RecursionError).
    """
    media_type = request.headers.get("content-type", "").split(";")[0]
    if media_type.strip().lower() != "application/json":
        return None
    raw = await read_body(request)
    if not raw:
        return None
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        # The error's message quotes the body, so only its type is kept.
        raise BadRequest(type(error).__name__) from None
    if not isinstance(body, dict):
        return None
    identity = body.get("identity")
    if identity in (None, "", {}, []):
        return None
    return identity


def get_keyring(request: Request) -> Keyring:
    """Return the app's keyring."""
    keyring: Keyring = request.app.state.keyring
    return keyring


def signed_in_user(x_user_id: Annotated[str | None, Header()] = None) -> str:
    """Return the signed-in user's ID.

    A stand-in for real authentication: it trusts the ``X-User-Id`` header,
    where a real app reads its session.
    """
    if not x_user_id:
        raise NotSignedIn
    return x_user_id


async def verified_identity(
    request: Request, keyring: Annotated[Keyring, Depends(get_keyring)]
) -> Identity:
    """Verify the identity in the JSON body, or raise the IdentityError that
    the app turns into 401 ``{"code": ...}``."""
    identity = await identity_from_body(request)
    if identity is None:
        identity = {}
    elif not isinstance(identity, dict):
        # A non-empty string, number, boolean or array is an identity of
        # the wrong shape, not an absent one.
        raise IdentityVerificationFailed("identity is not an object")
    # The values may be of any JSON type; the keyring turns a wrong type
    # into a failed or missing identity instead of a TypeError.
    user_id = identity.get("userId")
    key_id = keyring.assert_valid(user_id, identity.get("signature"))
    request.state.outcome = f"IDENTITY_VALID key={key_id}"
    return Identity(user_id=user_id, key_id=key_id)


def configure_logger() -> None:
    """Send the request lines to stderr unless logging is configured.

    uvicorn configures only its own loggers. Without this, ``logger`` would
    inherit the root logger's WARNING level and find no handler, so its INFO
    lines would be dropped. An application that gives the root logger or
    this logger a handler keeps its own setup.
    """
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if logger.hasHandlers():
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logger.addHandler(handler)


def create_app(keyring: Keyring | None = None) -> FastAPI:
    """Build the app; the keyring defaults to the one in the environment."""
    configure_logger()
    app = FastAPI()
    app.state.keyring = keyring if keyring is not None else keyring_from_env()

    @app.middleware("http")
    async def log_outcome(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            response = await call_next(request)
        except Exception as error:  # noqa: BLE001 - any handler error
            # One line with the type only: the traceback and the message
            # may quote the body or a signature, and a flood of them fills
            # the log.
            request.state.outcome = "INTERNAL_ERROR"
            request.state.error = type(error).__name__
            response = JSONResponse({"code": "INTERNAL_ERROR"}, status_code=500)
        outcome = getattr(request.state, "outcome", "OK")
        error_name = getattr(request.state, "error", None)
        detail = "" if error_name is None else f" ({error_name})"
        logger.info(
            "%s %s %d %s%s",
            request.method,
            request.url.path,
            response.status_code,
            outcome,
            detail,
        )
        return response

    @app.exception_handler(IdentityError)
    async def identity_rejected(request: Request, error: IdentityError) -> JSONResponse:
        request.state.outcome = error.code
        return JSONResponse({"code": error.code}, status_code=401)

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, error: BadRequest) -> JSONResponse:
        request.state.outcome = "BAD_REQUEST"
        request.state.error = str(error)
        return JSONResponse({"code": "BAD_REQUEST"}, status_code=400)

    @app.exception_handler(PayloadTooLarge)
    async def too_large(request: Request, error: PayloadTooLarge) -> JSONResponse:
        request.state.outcome = "PAYLOAD_TOO_LARGE"
        return JSONResponse({"code": "PAYLOAD_TOO_LARGE"}, status_code=413)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        # An HTTP error such as 404 or 405 keeps its status, and its phrase
        # becomes the code: NOT_FOUND, METHOD_NOT_ALLOWED.
        code = HTTPStatus(error.status_code).phrase.upper().replace(" ", "_")
        request.state.outcome = code
        return JSONResponse(
            {"code": code}, status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> JSONResponse:
        request.state.outcome = "UNAUTHENTICATED"
        return JSONResponse({"code": "UNAUTHENTICATED"}, status_code=401)

    @app.get("/api/pexelize-token")
    def pexelize_token(
        request: Request,
        user_id: Annotated[str, Depends(signed_in_user)],
        keyring: Annotated[Keyring, Depends(get_keyring)],
    ) -> dict[str, str]:
        request.state.outcome = "TOKEN_ISSUED"
        return {"userId": user_id, "signature": keyring.sign(user_id)}

    @app.post("/api/uploads", status_code=201)
    def upload(
        identity: Annotated[Identity, Depends(verified_identity)],
    ) -> dict[str, Any]:
        return {"uploaded": True, "userId": identity.user_id, "keyId": identity.key_id}

    return app
