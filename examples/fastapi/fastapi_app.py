"""A FastAPI app that issues Pexelize identity tokens and protects a route.

It mirrors the Express example:

- ``GET /api/pexelize-token`` returns ``{"userId": ..., "signature": ...}``
  for the signed-in user, which the page hands to the Pexelize editor.
- ``POST /api/uploads`` depends on ``verified_identity``: it requires a JSON
  body ``{"identity": {"userId": ..., "signature": ...}}``. Otherwise
  ``Keyring.assert_valid`` raises an ``IdentityError``, and the app's
  exception handler responds with 401 and ``{"code": ...}``.

Each request logs one line with its outcome code, never the key or the
signature. It needs Python 3.10 or newer. Run it with
``PEXELIZE_SECURITY_KEY=... uvicorn --factory fastapi_app:create_app``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from pexelize_identity import IdentityError, Keyring, keyring_from_env

logger = logging.getLogger("pexelize_identity.example.fastapi")


@dataclass(frozen=True)
class Identity:
    """A verified identity: the user ID as sent and the key that matched."""

    user_id: Any
    key_id: str


class NotSignedIn(Exception):
    """The request has no signed-in user."""


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
    try:
        body = json.loads(await request.body())
    except ValueError:
        body = None
    identity = body.get("identity") if isinstance(body, dict) else None
    if not isinstance(identity, dict):
        identity = {}
    # The values may be of any JSON type; the keyring turns a wrong type
    # into a failed or missing identity instead of a TypeError.
    user_id = identity.get("userId")
    key_id = keyring.assert_valid(user_id, identity.get("signature"))
    request.state.outcome = f"IDENTITY_VALID key={key_id}"
    return Identity(user_id=user_id, key_id=key_id)


def create_app(keyring: Keyring | None = None) -> FastAPI:
    """Build the app; the keyring defaults to the one in the environment."""
    app = FastAPI()
    app.state.keyring = keyring if keyring is not None else keyring_from_env()

    @app.middleware("http")
    async def log_outcome(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        outcome = getattr(request.state, "outcome", "OK")
        logger.info(
            "%s %s %d %s",
            request.method,
            request.url.path,
            response.status_code,
            outcome,
        )
        return response

    @app.exception_handler(IdentityError)
    async def identity_rejected(request: Request, error: IdentityError) -> JSONResponse:
        request.state.outcome = error.code
        return JSONResponse({"code": error.code}, status_code=401)

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
