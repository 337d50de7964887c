"""Exceptions raised by ``Keyring.assert_valid``.

Each identity outcome has its own class with a fixed ``code``, so a web
framework can catch ``IdentityError`` and respond with 401 and ``error.code``.
Bad configuration (an empty key, a naive datetime) raises ``ValueError`` or
``TypeError`` instead, because it is a bug in the caller, not a bad request.
"""

from __future__ import annotations

__all__ = [
    "IdentityError",
    "IdentityMissing",
    "IdentitySignatureExpired",
    "IdentityVerificationFailed",
]


class IdentityError(Exception):
    """An identity that did not verify. ``code`` is the stable code string."""

    code: str = "IDENTITY_ERROR"

    def __init__(
        self,
        message: str,
        *,
        detail: str | None = None,
        key_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        #: A short stable name of the cause, such as ``mismatch`` or ``length``.
        self.detail = detail
        #: The id of the key that made an expired signature, else None.
        self.key_id = key_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class IdentityVerificationFailed(IdentityError):
    """No accepted key produced the signature, or it is not 64 hex characters."""

    code = "IDENTITY_VERIFICATION_FAILED"


class IdentitySignatureExpired(IdentityError):
    """The signature was made with a retired key or a previous key past its window."""

    code = "IDENTITY_SIGNATURE_EXPIRED"


class IdentityMissing(IdentityError):
    """The identity, its user ID or its signature is absent or empty."""

    code = "IDENTITY_MISSING"
