"""One Keyring shared by a thread pool, every result checked with hmac."""

from __future__ import annotations

import hashlib
import hmac
from concurrent.futures import ThreadPoolExecutor

from pexelize_identity import Keyring

KEY = b"shared-key-for-threads"
THREADS = 8
CALLS_PER_THREAD = 2000


def worker(keyring: Keyring, thread: int) -> list[str]:
    problems = []
    for index in range(CALLS_PER_THREAD):
        user_id = f"user-{thread}-{index}-ü"
        expected = hmac.new(KEY, user_id.encode(), hashlib.sha256).hexdigest()
        signature = keyring.sign(user_id)
        if signature != expected:
            problems.append(f"sign {user_id}")
        if not keyring.verify(user_id, expected).valid:
            problems.append(f"verify {user_id}")
        if keyring.verify(user_id, "f" * 64).valid:
            problems.append(f"accepted a wrong signature for {user_id}")
    return problems


def test_shared_keyring_across_threads():
    keyring = Keyring(KEY)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda thread: worker(keyring, thread), range(THREADS)))
    assert [problem for problems in results for problem in problems] == []
    stats = keyring.stats()
    assert stats["valid"] == THREADS * CALLS_PER_THREAD
    assert stats["failed"] == THREADS * CALLS_PER_THREAD
    assert stats["by_key"] == {"current": THREADS * CALLS_PER_THREAD}


def test_long_user_ids_across_threads():
    # From 16 KiB on, hashing runs with the GIL released.
    keyring = Keyring(KEY)
    user_ids = [
        b"x" * 16 * 1024,
        "ü" * 100_000,
        bytes(range(256)) * 4096,
        "y" * (16 * 1024 - 1),
    ]

    def check(user_id: str | bytes) -> bool:
        message = user_id.encode() if isinstance(user_id, str) else user_id
        expected = hmac.new(KEY, message, hashlib.sha256).hexdigest()
        return (
            keyring.sign(user_id) == expected
            and keyring.verify(user_id, expected).valid
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(check, user_ids * 8))
    assert all(results)
