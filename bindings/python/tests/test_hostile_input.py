"""The bad-input matrix of docs/security.md, one test per row, plus the
secrets check: a canary key pushed through every error path must not show up
in any message, repr, traceback or log record."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from pexelize_identity import (
    IdentityError,
    Keyring,
    SecurityKey,
    generate_identity_signature,
    keyring_from_env,
    verify,
)

KEY = "hostile-input-test-key"
USER = "user_123"
UTC = timezone.utc


def reference(key: str | bytes, message: str | bytes) -> str:
    key_bytes = key.encode() if isinstance(key, str) else key
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(key_bytes, data, hashlib.sha256).hexdigest()


def format_traceback(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def assert_failure(result, code: str, detail: str) -> None:
    assert not result.valid
    assert result.code == code
    assert result.detail == detail


@pytest.mark.parametrize("value", [1.5, True, None, object(), [], {}, 1j])
def test_sign_rejects_wrong_user_id_types(value):
    keyring = Keyring(KEY)
    with pytest.raises(TypeError, match="user_id must be str, bytes"):
        keyring.sign(value)
    with pytest.raises(TypeError, match="user_id must be str, bytes"):
        generate_identity_signature(value, KEY)


@pytest.mark.parametrize("value", [42, 1.5, True, ["key"], object()])
def test_wrong_key_types_raise(value):
    with pytest.raises(TypeError, match="security_key must be str, bytes"):
        generate_identity_signature(USER, value)
    with pytest.raises(TypeError, match="security_key must be str, bytes"):
        verify(USER, "0" * 64, value)
    with pytest.raises(TypeError, match="current must be str, bytes"):
        Keyring(value)


def test_verify_fails_wrong_identity_types():
    keyring = Keyring(KEY)
    signature = keyring.sign(USER)
    for user_id in [1.5, True, object(), [], {}]:
        assert_failure(
            keyring.verify(user_id, signature), "IDENTITY_VERIFICATION_FAILED", "type"
        )
        assert verify(user_id, signature, KEY) is False
    for value in [5, 1.5, True, object(), []]:
        assert_failure(
            keyring.verify(USER, value), "IDENTITY_VERIFICATION_FAILED", "type"
        )
    assert_failure(keyring.verify(None, signature), "IDENTITY_MISSING", "userId")
    assert_failure(keyring.verify(USER, None), "IDENTITY_MISSING", "signature")


def test_empty_user_id_signs_but_never_verifies():
    keyring = Keyring(KEY)
    assert keyring.sign("") == reference(KEY, "")
    assert keyring.sign(b"") == reference(KEY, "")
    assert_failure(keyring.verify("", reference(KEY, "")), "IDENTITY_MISSING", "userId")
    assert verify(b"", reference(KEY, ""), KEY) is False


def test_one_mebibyte_user_id():
    keyring = Keyring(KEY)
    user_id = "u" * (1 << 20)
    signature = keyring.sign(user_id)
    assert signature == reference(KEY, user_id)
    assert keyring.verify(user_id, signature).key_id == "current"
    assert_failure(
        keyring.verify(user_id + "x", signature),
        "IDENTITY_VERIFICATION_FAILED",
        "mismatch",
    )


def test_nul_bytes_are_part_of_user_id():
    keyring = Keyring(KEY)
    for user_id in ["a\0b", b"a\0b", bytearray(b"\0"), memoryview(b"user_123\0")]:
        signature = keyring.sign(user_id)
        assert signature == reference(
            KEY, bytes(user_id) if not isinstance(user_id, str) else user_id
        )
        assert keyring.verify(user_id, signature).valid
    assert keyring.sign("a\0b") != keyring.sign("a")
    assert_failure(
        keyring.verify("a", keyring.sign("a\0b")),
        "IDENTITY_VERIFICATION_FAILED",
        "mismatch",
    )


# Built with chr() so that no tool rewrites the lone surrogates in the source.
LONE_SURROGATES = [
    "a" + chr(0xD800),
    "a" + chr(0xDFFF),
    chr(0xDC00) + "b",
    "x" + chr(0xD83D),
]


@pytest.mark.parametrize("user_id", LONE_SURROGATES)
def test_lone_surrogates_are_rejected(user_id):
    keyring = Keyring(KEY)
    with pytest.raises(ValueError, match="lone surrogate"):
        keyring.sign(user_id)
    with pytest.raises(ValueError, match="lone surrogate"):
        generate_identity_signature(user_id, KEY)
    result = keyring.verify(user_id, keyring.sign("a\ufffd"))
    assert_failure(result, "IDENTITY_VERIFICATION_FAILED", "lone-surrogate")


def test_non_hex_signature_fails():
    keyring = Keyring(KEY)
    good = keyring.sign(USER)
    for signature in ["g" * 64, good[:63] + "z", "-" * 64, ("g" * 64).encode()]:
        assert_failure(
            keyring.verify(USER, signature), "IDENTITY_VERIFICATION_FAILED", "not-hex"
        )


def test_wrong_length_signatures_fail():
    keyring = Keyring(KEY)
    good = keyring.sign(USER)
    for signature in [good[1:], good + "0", good[:32], good + good]:
        result = keyring.verify(USER, signature)
        assert_failure(result, "IDENTITY_VERIFICATION_FAILED", "length")
        assert f"has {len(signature)} characters" in result.message
    assert_failure(
        keyring.verify(USER, "0x" + good[2:]), "IDENTITY_VERIFICATION_FAILED", "prefix"
    )
    assert_failure(keyring.verify(USER, ""), "IDENTITY_MISSING", "signature")


def test_whitespace_padded_signatures_fail():
    keyring = Keyring(KEY)
    good = keyring.sign(USER)
    for signature in [
        f" {good}",
        f"{good}\n",
        f"\t{good}",
        good[:32] + " " + good[33:],
    ]:
        assert_failure(
            keyring.verify(USER, signature),
            "IDENTITY_VERIFICATION_FAILED",
            "whitespace",
        )


def test_uppercase_hex_verifies():
    keyring = Keyring(KEY)
    good = keyring.sign(USER)
    assert keyring.verify(USER, good.upper()).key_id == "current"
    mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(good))
    assert keyring.verify(USER, mixed).valid
    assert verify(USER, good.upper().encode(), KEY) is True


def test_non_ascii_signature_fails():
    keyring = Keyring(KEY)
    # 32 characters of two UTF-8 bytes each: 64 bytes, but not hex.
    for signature in ["é" * 32, ("é" * 32).encode(), b"\xff\xfe"]:
        assert_failure(
            keyring.verify(USER, signature),
            "IDENTITY_VERIFICATION_FAILED",
            "non-ascii",
        )


def test_huge_key_list_finds_last_key():
    previous = [f"previous-key-{index}" for index in range(10000)]
    keyring = Keyring(KEY, previous=previous)
    result = keyring.verify(USER, reference("previous-key-9999", USER))
    assert result.key_id == "previous-10000"
    assert keyring.stats()["by_key"]["previous-10000"] == 1


def test_empty_and_one_mebibyte_keys():
    with pytest.raises(ValueError, match="security key must not be empty"):
        Keyring("")
    with pytest.raises(ValueError, match="must not be empty"):
        generate_identity_signature(USER, b"")
    with pytest.raises(ValueError, match="must not be empty"):
        verify(USER, "0" * 64, bytearray())
    big = "k" * (1 << 20)
    assert generate_identity_signature(USER, big) == reference(big, USER)


def test_dates_at_range_ends():
    keyring = Keyring(KEY)
    signature = keyring.sign(USER)
    # Every aware datetime (years 1 to 9999) fits the core's clock.
    for now in [datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)]:
        assert keyring.verify(USER, signature, now=now).valid
    far = datetime.max.replace(tzinfo=UTC)
    ring = Keyring(KEY, previous=SecurityKey("old", accept_until=far))
    old_signature = reference("old", USER)
    assert ring.verify(USER, old_signature, now=datetime(2026, 1, 1, tzinfo=UTC)).valid
    with pytest.raises(ValueError, match="naive datetime"):
        keyring.verify(USER, signature, now=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="naive datetime"):
        SecurityKey("old", accept_until=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="not an RFC 3339 timestamp"):
        keyring_from_env(
            {
                "PEXELIZE_SECURITY_KEY": KEY,
                "PEXELIZE_SECURITY_KEY_PREVIOUS": "old",
                "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL": "+10000-01-01T00:00:00Z",
            }
        )


def test_concurrent_threads_share_keyring():
    keyring = Keyring(KEY)
    users = [f"user-{index}" for index in range(200)]
    rounds = 50

    def work(_thread: int) -> int:
        valid = 0
        for _ in range(rounds):
            for user in users:
                signature = keyring.sign(user)
                assert signature == reference(KEY, user)
                valid += keyring.verify(user, signature).valid
        return valid

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(work, range(4)))
    assert counts == [len(users) * rounds] * 4
    assert keyring.stats()["valid"] == 4 * len(users) * rounds


def test_canary_in_no_message_repr_or_log(caplog, capsys):
    canary = "CANARY-" + secrets.token_hex(16)
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []

    def keep(value: object) -> None:
        texts.extend([repr(value), str(value)])

    keyring = Keyring(
        SecurityKey(canary),
        previous=SecurityKey(
            canary + "-old", accept_until=datetime(2000, 1, 1, tzinfo=UTC)
        ),
        retired=canary + "-retired",
    )
    keep(keyring)
    keep(keyring.stats())
    keep(SecurityKey(canary, id="k1"))
    good = keyring.sign(USER)
    identities = [
        (USER, "0" * 64),
        (USER, "xyz"),
        (USER, " " + good),
        ("", good),
        ("a\ud800", good),
        (object(), 5),
        (USER, reference(canary + "-old", USER)),
        (USER, reference(canary + "-retired", USER)),
        (None, None),
    ]
    for user_id, signature in identities:
        result = keyring.verify(user_id, signature)
        assert not result.valid
        keep(result)
        texts.append(str(result.message))
        with pytest.raises(IdentityError) as caught:
            keyring.assert_valid(user_id, signature)
        keep(caught.value)
        texts.append(format_traceback(caught.value))

    configuration_errors = [
        lambda: Keyring(SecurityKey(canary, accept_until=datetime.now(UTC))),
        lambda: Keyring(canary, previous=SecurityKey(canary, id="current")),
        lambda: SecurityKey(canary, id="bad\nid"),
        lambda: Keyring(canary + "\ud800"),
        lambda: keyring.sign(1.5),
        lambda: keyring.sign("a\ud800"),
        lambda: keyring.verify(USER, good, now=datetime(2030, 1, 1)),
        lambda: generate_identity_signature(1.5, canary),
        lambda: verify(USER, "0" * 64, ""),
        lambda: keyring_from_env({"PEXELIZE_SECURITY_KEY": canary + "\n"}),
        lambda: keyring_from_env({"PEXELIZE_SECURITY_KEY": " " + canary}),
        lambda: keyring_from_env(
            {
                "PEXELIZE_SECURITY_KEY": canary,
                "PEXELIZE_SECURITY_KEY_PREVIOUS": canary + "\t",
            }
        ),
        lambda: keyring_from_env(
            {
                "PEXELIZE_SECURITY_KEY": canary,
                "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL": "2026-01-01T00:00:00Z",
            }
        ),
        lambda: keyring_from_env(
            {
                "PEXELIZE_SECURITY_KEY": canary,
                "PEXELIZE_SECURITY_KEY_PREVIOUS": canary + "2",
                "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL": canary,
            }
        ),
    ]
    for call in configuration_errors:
        with pytest.raises((TypeError, ValueError)) as caught:
            call()
        keep(caught.value)
        texts.append(format_traceback(caught.value))

    captured = capsys.readouterr()
    texts.extend([captured.out, captured.err, caplog.text])
    texts.extend(record.getMessage() for record in caplog.records)
    assert len(texts) > 50
    for text in texts:
        assert canary not in text, text
        assert canary.encode().hex() not in text, text
