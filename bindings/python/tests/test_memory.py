"""Signing and verifying a million times leaves the resident set flat."""

from __future__ import annotations

import os
import sys

import pytest
from pexelize_identity import Keyring, generate_identity_signature, verify

CALLS = 1_000_000
MAX_GROWTH = 5 * 1024 * 1024


def resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc/self/statm"
)
def test_rss_flat_over_a_million_calls():
    keyring = Keyring("memory-test-key", previous=["older-key"])
    user_ids = ["user_123", b"user-bytes", 123456789, "ünïcødé-用户"]
    signatures = [keyring.sign(user_id) for user_id in user_ids]
    sign = keyring.sign
    check = keyring.verify
    # Warm up allocator pools and caches before the baseline.
    for _ in range(10_000):
        check("user_123", signatures[0])
        check("user_123", "bad")
    before = resident_bytes()
    for index in range(CALLS // 4):
        slot = index & 3
        user_id = user_ids[slot]
        sign(user_id)
        check(user_id, signatures[slot])
        check(user_id, "0" * 64)
        check(None, "x")
    for index in range(10_000):
        generate_identity_signature("user_123", "one-shot-key")
        verify("user_123", signatures[0], "one-shot-key")
    growth = resident_bytes() - before
    assert growth < MAX_GROWTH, f"RSS grew by {growth} bytes"
