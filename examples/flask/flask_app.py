"""A Flask app that issues Pexelize identity tokens and protects a route.

``GET /api/pexelize-token`` returns ``{"userId": ..., "signature": ...}`` for
the signed-in user, which the page hands to the Pexelize editor. Routes
decorated with ``@require_identity`` accept a request only when its JSON body
carries a valid identity in ``userId`` and ``signature``, and respond with 401
and ``{"code": ...}`` otherwise.

Run it with ``PEXELIZE_SECURITY_KEY=... python flask_app.py``.
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
    """Reject the request with 401 unless it carries a valid identity.

    On success ``g.identity_user_id`` and ``g.identity_key_id`` are set.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        keyring: Keyring = current_app.extensions[EXTENSION_KEY]
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            body = {}
        # The values may be of any JSON type; verify turns a wrong type into
        # a failed or missing result instead of raising.
        user_id = body.get("userId")
        signature = body.get("signature")
        result = keyring.verify(user_id, signature)
        if not result:
            logger.warning(
                "identity rejected: path=%s code=%s detail=%s",
                request.path,
                result.code,
                result.detail,
            )
            response = jsonify(code=result.code)
            response.status_code = 401
            return response
        logger.info("identity accepted: path=%s key_id=%s", request.path, result.key_id)
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

    @app.get("/api/pexelize-token")
    def pexelize_token() -> tuple[Response, int]:
        user_id = signed_in_user()
        if user_id is None:
            logger.warning("token request rejected: no signed-in user")
            return jsonify(error="sign in first"), 401
        keyring: Keyring = current_app.extensions[EXTENSION_KEY]
        logger.info("token issued")
        return jsonify(userId=user_id, signature=keyring.sign(user_id)), 200

    @app.post("/api/uploads")
    @require_identity
    def upload() -> Response:
        return jsonify(userId=g.identity_user_id, keyId=g.identity_key_id, stored=True)

    return app


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    port = int(os.environ.get("PORT", "5000"))
    create_app().run(host="127.0.0.1", port=port)
