"""Typed use of the public API; the tests run mypy --strict on this file."""

from __future__ import annotations

from datetime import datetime, timezone

from pexelize_identity import (
    IdentityError,
    Keyring,
    SecurityKey,
    VerificationResult,
    generate_identity_signature,
    generate_security_key,
    keyring_from_env,
    verify,
)


def issue_token(keyring: Keyring, user_id: str | int) -> dict[str, str]:
    return {"userId": str(user_id), "signature": keyring.sign(user_id)}


def check(keyring: Keyring, user_id: object, signature: object) -> str | None:
    result: VerificationResult = keyring.verify(
        user_id, signature, now=datetime.now(timezone.utc)
    )
    if result:
        return result.key_id
    code: str | None = result.code
    return code


def assert_or_code(keyring: Keyring, user_id: str, signature: str) -> str:
    try:
        return keyring.assert_valid(user_id, signature)
    except IdentityError as error:
        return error.code


def build() -> Keyring:
    until = datetime(2026, 6, 1, tzinfo=timezone.utc)
    previous = SecurityKey(b"old", id="2025", accept_until=until)
    keyring = Keyring(generate_security_key(), previous=[previous], retired="older")
    counts: int = keyring.stats()["valid"] + keyring.stats()["by_key"]["current"]
    assert counts >= 0
    assert verify("user", generate_identity_signature("user", "key"), "key")
    assert keyring_from_env({"PEXELIZE_SECURITY_KEY": "key"}).key_ids == ["current"]
    return keyring
