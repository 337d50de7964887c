"""A FastAPI app that issues Pexelize identity tokens and protects a route.

``GET /api/pexelize-token`` returns ``{"userId": ..., "signature": ...}`` for
the signed-in user, which the page hands to the Pexelize editor. Routes that
depend on ``verified_identity`` accept a request only when its JSON body
carries a valid identity in ``userId`` and ``signature``, and respond with 401
and ``{"code": ...}`` otherwise.

Run it with ``PEXELIZE_SECURITY_KEY=... uvicorn --factory fastapi_app:create_app``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
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
    if not isinstance(body, dict):
        body = {}
    # The values may be of any JSON type; the keyring turns a wrong type
    # into a failed or missing identity instead of a TypeError.
    user_id = body.get("userId")
    key_id = keyring.assert_valid(user_id, body.get("signature"))
    logger.info("identity accepted: path=%s key_id=%s", request.url.path, key_id)
    return Identity(user_id=user_id, key_id=key_id)


def create_app(keyring: Keyring | None = None) -> FastAPI:
    """Build the app; the keyring defaults to the one in the environment."""
    app = FastAPI()
    app.state.keyring = keyring if keyring is not None else keyring_from_env()

    @app.exception_handler(IdentityError)
    async def identity_rejected(request: Request, error: IdentityError) -> JSONResponse:
        logger.warning(
            "identity rejected: path=%s code=%s detail=%s",
            request.url.path,
            error.code,
            error.detail,
        )
        return JSONResponse({"code": error.code}, status_code=401)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> JSONResponse:
        logger.warning("token request rejected: no signed-in user")
        return JSONResponse({"error": "sign in first"}, status_code=401)

    @app.get("/api/pexelize-token")
    def pexelize_token(
        user_id: Annotated[str, Depends(signed_in_user)],
        keyring: Annotated[Keyring, Depends(get_keyring)],
    ) -> dict[str, str]:
        logger.info("token issued")
        return {"userId": user_id, "signature": keyring.sign(user_id)}

    @app.post("/api/uploads")
    def upload(
        identity: Annotated[Identity, Depends(verified_identity)],
    ) -> dict[str, Any]:
        return {"userId": identity.user_id, "keyId": identity.key_id, "stored": True}

    return app
