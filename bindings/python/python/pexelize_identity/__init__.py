"""Identity signatures for Pexelize.

A server signs a user ID with its security key (lowercase hex HMAC-SHA256)
and hands ``{"userId": ..., "signature": ...}`` to the editor. This package
signs, verifies in constant time and rotates keys with a ``Keyring``; the
work is done by the Rust core through a native module.

>>> from pexelize_identity import Keyring
>>> keyring = Keyring("my-security-key")
>>> signature = keyring.sign("user_123")
>>> keyring.assert_valid("user_123", signature)
'current'
"""

from ._native import (
    Keyring,
    SecurityKey,
    VerificationResult,
    __version__,
    generate_identity_signature,
    generate_security_key,
    keyring_from_env,
    verify,
)
from .exceptions import (
    IdentityError,
    IdentityMissing,
    IdentitySignatureExpired,
    IdentityVerificationFailed,
)

__all__ = [
    "IdentityError",
    "IdentityMissing",
    "IdentitySignatureExpired",
    "IdentityVerificationFailed",
    "Keyring",
    "SecurityKey",
    "VerificationResult",
    "__version__",
    "generate_identity_signature",
    "generate_security_key",
    "keyring_from_env",
    "verify",
]
