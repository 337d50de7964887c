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
