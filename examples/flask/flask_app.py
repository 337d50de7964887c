"""A Flask app that issues Pexelize identity tokens and protects a route.

It mirrors the Express example:

- ``GET /api/pexelize-token`` returns ``{"userId": ..., "signature": ...}``
  for the signed-in user, which the page hands to the Pexelize editor.
- ``POST /api/uploads`` is decorated with ``@require_identity``: it requires
  a JSON body ``{"identity": {"userId": ..., "signature": ...}}`` and responds
  with 401 and ``{"code": ...}`` when the identity is missing, failed or
  expired.

A body that is not JSON, or nested too deeply for Python's parser, gets 400
``{"code": "BAD_REQUEST"}``. A body over 100 KiB gets 413
``{"code": "PAYLOAD_TOO_LARGE"}``. A body whose Content-Type is not
``application/json`` is ignored. Each request logs one line with its status
and outcome code, never the body, the key or the signature. Run it with
``PEXELIZE_SECURITY_KEY=... python flask_app.py``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, jsonify, request
from pexelize_identity import Keyring, keyring_from_env
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.serving import make_server

logger = logging.getLogger("pexelize_identity.example.flask")

EXTENSION_KEY = "pexelize_keyring"

#: The largest request body read, as in Express's default JSON limit.
MAX_BODY_BYTES = 100 * 1024

View = TypeVar("View", bound=Callable[..., Any])


def signed_in_user() -> str | None:
    """Return the signed-in user's ID.

    A stand-in for real authentication: it trusts the ``X-User-Id`` header,
    where a real app reads its session.
    """
    return request.headers.get("X-User-Id") or None


class BadRequest(Exception):
    """The body is not JSON that Python can parse."""


def reject(code: str, status: int, error: str | None = None) -> Response:
    """Respond with ``{"code": code}`` and record the outcome for the log."""
    g.outcome = code
    if error is not None:
        g.error = error
    response = jsonify(code=code)
    response.status_code = status
    return response


def identity_from_body() -> Any:
    """Return the ``identity`` field of the JSON body, or None when it is
    absent or empty.

    A body whose Content-Type is not ``application/json`` is not read. Raises
    ``BadRequest`` for a body that is not JSON or is nested too deeply for
    Python's parser (a RecursionError), and ``RequestEntityTooLarge`` for a
    body over ``MAX_BODY_BYTES``.
    """
    if request.mimetype != "application/json":
        return None
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge
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


def require_identity(view: View) -> View:
    """Reject the request with 401 unless its body carries a valid identity.

    On success ``g.identity_user_id`` and ``g.identity_key_id`` are set.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        keyring: Keyring = current_app.extensions[EXTENSION_KEY]
        identity = identity_from_body()
        if identity is None:
            return reject("IDENTITY_MISSING", 401)
        if not isinstance(identity, dict):
            # A non-empty string, number, boolean or array is an identity
            # of the wrong shape, not an absent one.
            return reject("IDENTITY_VERIFICATION_FAILED", 401)
        # The values may be of any JSON type; verify turns a wrong type into
        # a failed or missing result instead of raising.
        user_id = identity.get("userId")
        result = keyring.verify(user_id, identity.get("signature"))
        if not result:
            return reject(result.code, 401)
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

    # werkzeug stops a chunked body at this limit without saying whether
    # more followed, so it reads one byte more than the largest body allowed
    # and identity_from_body rejects a body that reaches it.
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES + 1

    @app.after_request
    def log_outcome(response: Response) -> Response:
        outcome = g.get("outcome", "OK")
        error = g.get("error")
        detail = "" if error is None else f" ({error})"
        logger.info(
            "%s %s %d %s%s",
            request.method,
            request.path,
            response.status_code,
            outcome,
            detail,
        )
        return response

    @app.errorhandler(BadRequest)
    def bad_request(error: BadRequest) -> Response:
        return reject("BAD_REQUEST", 400, str(error))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Response:
        return reject("PAYLOAD_TOO_LARGE", 413)

    @app.errorhandler(Exception)
    def any_error(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            # An HTTP error such as 404 or 405 keeps its status, and its
            # name becomes the code: NOT_FOUND, METHOD_NOT_ALLOWED.
            code = (error.name or "Error").upper().replace(" ", "_")
            return reject(code, error.code or 500)
        # One line with the type only: the traceback and the message may
        # quote the body or a signature, and a flood of them fills the log.
        return reject("INTERNAL_ERROR", 500, type(error).__name__)

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


def main() -> None:
    """Serve the app on 127.0.0.1 with werkzeug's development server.

    ``PORT`` sets the port (5000 by default, 0 picks a free one). The first
    log line is the URL.
    """
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    # werkzeug logs its own line for each request at INFO; its warnings and
    # errors still show.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = int(os.environ.get("PORT", "5000"))
    server = make_server("127.0.0.1", port, create_app(), threaded=True)
    logger.info("listening on http://127.0.0.1:%d", server.server_port)
    server.serve_forever()


if __name__ == "__main__":
    main()
