"""Key rotation with an injected clock, and the verification counts."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from pexelize_identity import Keyring, SecurityKey

USER = "user_42"
WINDOW_END = datetime(2026, 6, 1, tzinfo=timezone.utc)


def sign(key: str, user_id: str = USER) -> str:
    return hmac.new(key.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def rotated_keyring() -> Keyring:
    return Keyring(
        SecurityKey("key-2026", id="2026"),
        previous=[SecurityKey("key-2025", id="2025", accept_until=WINDOW_END)],
        retired=[SecurityKey("key-2024", id="2024")],
    )


def test_previous_key_window():
    keyring = rotated_keyring()
    old = sign("key-2025")
    just_before = WINDOW_END - timedelta(microseconds=1)
    assert keyring.verify(USER, old, now=just_before).key_id == "2025"
    at_end = keyring.verify(USER, old, now=WINDOW_END)
    assert at_end.valid is False
    assert at_end.code == "IDENTITY_SIGNATURE_EXPIRED"
    assert at_end.key_id == "2025"


def test_window_in_other_timezone():
    keyring = rotated_keyring()
    old = sign("key-2025")
    # 01:59:59 at UTC+2 is 23:59:59 UTC, inside the window.
    plus_two = timezone(timedelta(hours=2))
    inside = datetime(2026, 6, 1, 1, 59, 59, tzinfo=plus_two)
    after = datetime(2026, 6, 1, 2, 0, 0, tzinfo=plus_two)
    assert keyring.verify(USER, old, now=inside).valid
    assert keyring.verify(USER, old, now=after).code == "IDENTITY_SIGNATURE_EXPIRED"


def test_current_and_retired_keys():
    keyring = rotated_keyring()
    far_future = datetime(2100, 1, 1, tzinfo=timezone.utc)
    assert keyring.verify(USER, sign("key-2026"), now=far_future).key_id == "2026"
    retired = keyring.verify(
        USER, sign("key-2024"), now=datetime(2000, 1, 1, tzinfo=timezone.utc)
    )
    assert retired.code == "IDENTITY_SIGNATURE_EXPIRED"
    assert keyring.verify(USER, sign("unknown")).code == "IDENTITY_VERIFICATION_FAILED"


def test_previous_key_without_window():
    keyring = Keyring("new", previous=["old"])
    far_future = datetime(3000, 1, 1, tzinfo=timezone.utc)
    assert keyring.verify(USER, sign("old"), now=far_future).key_id == "previous"


def test_sign_uses_current_key():
    assert rotated_keyring().sign(USER) == sign("key-2026")


def test_stats_counts():
    keyring = rotated_keyring()
    inside = WINDOW_END - timedelta(days=1)
    assert keyring.stats() == {
        "valid": 0,
        "failed": 0,
        "expired": 0,
        "missing": 0,
        "by_key": {"2026": 0, "2025": 0, "2024": 0},
    }
    for _ in range(3):
        keyring.verify(USER, sign("key-2026"))
    keyring.verify(USER, sign("key-2025"), now=inside)
    keyring.verify(USER, sign("key-2025"), now=WINDOW_END)
    keyring.assert_valid(USER, sign("key-2026"))
    keyring.verify(USER, sign("key-2024"))
    keyring.verify(USER, "0" * 64)
    keyring.verify(USER, "short")
    keyring.verify(1.5, sign("key-2026"))
    keyring.verify(None, sign("key-2026"))
    keyring.verify(USER, None)
    keyring.verify("", sign("key-2026"))
    stats = keyring.stats()
    assert stats["valid"] == 5
    assert stats["expired"] == 2
    assert stats["failed"] == 3
    assert stats["missing"] == 3
    assert stats["by_key"] == {"2026": 4, "2025": 2, "2024": 1}
