"""Random keys and user IDs cross-checked with the hmac module, and
hypothesis properties of signing and verifying."""

from __future__ import annotations

import hashlib
import hmac
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from pexelize_identity import Keyring, generate_identity_signature, verify

RANDOM_CASES = 10_000

# Code points of every UTF-8 width, astral ones and NUL included; the
# surrogate block is left out because a str with one cannot be encoded.
ALPHABETS = [
    (0x00, 0x7F),
    (0x80, 0x7FF),
    (0x800, 0xD7FF),
    (0xE000, 0xFFFF),
    (0x10000, 0x10FFFF),
]


def random_text(rng: random.Random) -> str:
    length = rng.choice([1, 2, 10, 36, 55, 56, 64, 200, 1000])
    characters = []
    for _ in range(length):
        low, high = rng.choice(ALPHABETS)
        characters.append(chr(rng.randint(low, high)))
    return "".join(characters)


def random_key(rng: random.Random) -> bytes:
    length = rng.choice([1, 16, 32, 63, 64, 65, 100, 200])
    return rng.randbytes(length)


def oracle(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def test_random_keys_and_user_ids():
    rng = random.Random(20261204)
    for index in range(RANDOM_CASES):
        key = random_key(rng)
        if index % 2:
            user_id: str | bytes = random_text(rng)
            message = user_id.encode()
        else:
            user_id = rng.randbytes(rng.choice([1, 10, 36, 64, 500]))
            message = user_id
        expected = oracle(key, message)
        keyring = Keyring(key)
        assert generate_identity_signature(user_id, key) == expected
        assert keyring.sign(user_id) == expected
        assert keyring.verify(user_id, expected).valid
        assert verify(user_id, expected, key)


def test_random_text_keys():
    rng = random.Random(7)
    for _ in range(1000):
        key = random_text(rng)
        user_id = random_text(rng)
        assert generate_identity_signature(user_id, key) == oracle(
            key.encode(), user_id.encode()
        )


user_ids = st.one_of(
    st.text(min_size=1).filter(
        lambda text: all(not 0xD800 <= ord(c) <= 0xDFFF for c in text)
    ),
    st.binary(min_size=1),
)
keys = st.binary(min_size=1, max_size=200)


@settings(max_examples=500, deadline=None)
@given(key=keys, user_id=user_ids)
def test_round_trip(key, user_id):
    keyring = Keyring(key)
    signature = keyring.sign(user_id)
    message = user_id.encode() if isinstance(user_id, str) else user_id
    assert signature == oracle(key, message)
    assert keyring.assert_valid(user_id, signature) == "current"


@settings(max_examples=500, deadline=None)
@given(key=keys, user_id=st.binary(min_size=1, max_size=100), data=st.data())
def test_changed_user_id_byte_fails(key, user_id, data):
    keyring = Keyring(key)
    signature = keyring.sign(user_id)
    position = data.draw(st.integers(0, len(user_id) - 1))
    replacement = data.draw(
        st.integers(0, 255).filter(lambda byte: byte != user_id[position])
    )
    changed = bytearray(user_id)
    changed[position] = replacement
    result = keyring.verify(bytes(changed), signature)
    assert not result.valid
    assert result.code == "IDENTITY_VERIFICATION_FAILED"


@settings(max_examples=500, deadline=None)
@given(key=keys, user_id=st.binary(min_size=1, max_size=100), data=st.data())
def test_changed_signature_byte_fails(key, user_id, data):
    keyring = Keyring(key)
    signature = bytearray(keyring.sign(user_id).encode())
    position = data.draw(st.integers(0, 63))
    replacement = data.draw(
        st.integers(0, 255).filter(
            lambda byte: chr(byte).lower() != chr(signature[position])
        )
    )
    signature[position] = replacement
    result = keyring.verify(user_id, bytes(signature))
    assert not result.valid
    assert result.code == "IDENTITY_VERIFICATION_FAILED"
