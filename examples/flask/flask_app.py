"""A Flask app that issues Pexelize identity tokens and protects a route.

It mirrors the Express example:

- ``GET /api/pexelize-token`` returns ``{"userId": ..., "signature": ...}``
  for the signed-in user, which the page hands to the Pexelize editor.
- ``POST /api/uploads`` is decorated with ``@require_identity``: it requires
  a JSON body ``{"identity": {"userId": ..., "signature": ...}}`` and responds
  with 401 and ``{"code": ...}`` when the identity is missing, failed or
  expired.

Each request logs one line with its outcome code, never the key or the
signature. Run it with ``PEXELIZE_SECURITY_KEY=... python flask_app.py``.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, jsonify, request
from pexelize_identity import Keyring, keyring_from_env

logger = logging.getLogger("pexelize_identity.example.flask")

EXTENSION_KEY = "pexelize_keyring"

View = TypeVar("View", bound=Callable[..., Any])


def signed_in_user() -> str | None:
    """Return the signed-in user's ID.

    A stand-in for real authentication: it trusts the ``X-User-Id`` header,
    where a real app reads its session.
    """
    return request.headers.get("X-User-Id") or None


def require_identity(view: View) -> View:
    """Reject the request with 401 unless its body carries a valid identity.

    On success ``g.identity_user_id`` and ``g.identity_key_id`` are set.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        keyring: Keyring = current_app.extensions[EXTENSION_KEY]
        body = request.get_json(silent=True)
        identity = body.get("identity") if isinstance(body, dict) else None
        if not isinstance(identity, dict):
            identity = {}
        # The values may be of any JSON type; verify turns a wrong type into
        # a failed or missing result instead of raising.
        user_id = identity.get("userId")
        result = keyring.verify(user_id, identity.get("signature"))
        if not result:
            g.outcome = result.code
            response = jsonify(code=result.code)
            response.status_code = 401
            return response
        g.outcome = f"IDENTITY_VALID key={result.key_id}"
        g.identity_user_id = user_id
        g.identity_key_id = result.key_id
        return view(*args, **kwargs)

    return cast(View, wrapper)


def create_app(keyring: Keyring | None = None) -> Flask:
    """Build the app; the keyring defaults to the one in the environment."""
    app = Flask(__name__)
    app.extensions[EXTENSION_KEY] = (
        keyring if keyring is not None else keyring_from_env()
    )

    @app.after_request
    def log_outcome(response: Response) -> Response:
        outcome = g.get("outcome", "OK")
        logger.info(
            "%s %s %d %s", request.method, request.path, response.status_code, outcome
        )
        return response

    @app.get("/api/pexelize-token")
    def pexelize_token() -> tuple[Response, int]:
        user_id = signed_in_user()
        if user_id is None:
            g.outcome = "UNAUTHENTICATED"
            return jsonify(code="UNAUTHENTICATED"), 401
        keyring: Keyring = current_app.extensions[EXTENSION_KEY]
        g.outcome = "TOKEN_ISSUED"
        return jsonify(userId=user_id, signature=keyring.sign(user_id)), 200

    @app.post("/api/uploads")
    @require_identity
    def upload() -> tuple[Response, int]:
        body = {
            "uploaded": True,
            "userId": g.identity_user_id,
            "keyId": g.identity_key_id,
        }
        return jsonify(body), 201

    return app


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    port = int(os.environ.get("PORT", "5000"))
    create_app().run(host="127.0.0.1", port=port)
