"""Every shared vector: RFC 4231, Wycheproof and the identity vectors."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import load_vectors
from pexelize_identity import (
    Keyring,
    SecurityKey,
    generate_identity_signature,
    verify,
)

RFC4231 = load_vectors("rfc4231_hmac_sha256.json")["tests"]
WYCHEPROOF = [
    test
    for group in load_vectors("hmac_sha256_test.json")["testGroups"]
    if group["tagSize"] == 256
    for test in group["tests"]
]


@pytest.mark.parametrize("case", RFC4231, ids=lambda case: f"case-{case['case']}")
def test_rfc4231(case):
    key = bytes.fromhex(case["key"])
    data = bytes.fromhex(case["data"])
    signature = generate_identity_signature(data, key)
    expected = case["mac"]
    # Case 5 publishes only the first 128 bits of the MAC.
    assert signature[: len(expected)] == expected
    if "dataAscii" in case:
        assert generate_identity_signature(case["dataAscii"], key) == signature


@pytest.mark.parametrize("case", WYCHEPROOF, ids=lambda case: f"tc-{case['tcId']}")
def test_wycheproof(case):
    key = bytes.fromhex(case["key"])
    message = bytes.fromhex(case["msg"])
    signature = generate_identity_signature(message, key)
    if case["result"] == "valid":
        assert signature == case["tag"]
    else:
        assert signature != case["tag"]
    # An empty message is a missing identity, whatever the tag.
    expected = case["result"] == "valid" and message != b""
    assert verify(message, case["tag"], key) is expected
    assert bool(Keyring(key).verify(message, case["tag"])) is expected


def test_identity_signatures(identity_vectors):
    keys = {
        name: bytes.fromhex(value) for name, value in identity_vectors["keys"].items()
    }
    cases = identity_vectors["signatures"]
    assert len(cases) > 100
    for case in cases:
        key = keys[case["key"]]
        raw = bytes.fromhex(case["userIdHex"])
        keyring = Keyring(key)
        expected = case["signature"]
        assert generate_identity_signature(raw, key) == expected, case
        assert keyring.sign(raw) == expected, case
        assert keyring.sign(bytearray(raw)) == expected, case
        assert keyring.sign(memoryview(raw)) == expected, case
        if "userId" in case:
            assert case["userId"].encode() == raw
            assert generate_identity_signature(case["userId"], key) == expected, case
            assert keyring.sign(case["userId"]) == expected, case
            assert verify(case["userId"], expected, key), case
        assert verify(raw, expected, key), case
        assert verify(raw, expected.upper(), key), case


def test_identity_integer_signatures(identity_vectors):
    keys = {
        name: bytes.fromhex(value) for name, value in identity_vectors["keys"].items()
    }
    cases = identity_vectors["integerSignatures"]
    for case in cases:
        number = case.get("userIdInteger")
        if number is None:
            number = int(case["userIdBigInteger"])
        key = keys[case["key"]]
        assert generate_identity_signature(number, key) == case["signature"], case
        assert Keyring(key).sign(number) == case["signature"], case
        assert verify(number, case["signature"], key), case


def test_lone_surrogates_rejected(identity_vectors):
    keyring = Keyring("key")
    for units in identity_vectors["loneSurrogatesUtf16"]:
        text = "".join(chr(unit) for unit in units)
        with pytest.raises(ValueError, match="lone surrogate"):
            keyring.sign(text)
        with pytest.raises(ValueError, match="lone surrogate"):
            generate_identity_signature(text, "key")
        result = keyring.verify(text, "0" * 64)
        assert result.code == "IDENTITY_VERIFICATION_FAILED"
        assert verify(text, "0" * 64, "key") is False


def vector_keyring(vectors) -> Keyring:
    keys = {name: bytes.fromhex(value) for name, value in vectors["keys"].items()}
    spec = vectors["keyring"]
    previous = [
        SecurityKey(keys[entry["key"]], accept_until=parse_time(entry["acceptUntil"]))
        for entry in spec["previous"]
    ]
    retired = [keys[name] for name in spec["retired"]]
    return Keyring(keys[spec["current"]], previous=previous, retired=retired)


def parse_time(text: str) -> datetime:
    # fromisoformat reads a trailing Z only from Python 3.11 on.
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_identity_verify_cases(identity_vectors):
    keyring = vector_keyring(identity_vectors)
    for case in identity_vectors["verify"]:
        expected = case["expected"]
        now = parse_time(case["now"])
        for signature in (case["signature"], case["signature"].encode()):
            result = keyring.verify(case["userId"], signature, now=now)
            assert result.valid is expected["valid"], case["name"]
            if expected["valid"]:
                assert result.key_id == expected["keyId"], case["name"]
                assert result.code is None
                assert (
                    keyring.assert_valid(case["userId"], signature, now=now)
                    == expected["keyId"]
                )
            else:
                assert result.code == expected["code"], case["name"]
                assert result.message, case["name"]
                if "detail" in expected:
                    assert result.detail == expected["detail"], case["name"]
