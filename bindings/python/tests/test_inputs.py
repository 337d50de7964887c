"""Bad inputs to every function, each outcome code, the exceptions and
the rule that no key appears in any text."""

from __future__ import annotations

import enum
import hashlib
import hmac
import pickle
import sys
import traceback
from datetime import datetime, timedelta, timezone

import pexelize_identity
import pytest
from pexelize_identity import (
    IdentityError,
    IdentityMissing,
    IdentitySignatureExpired,
    IdentityVerificationFailed,
    Keyring,
    SecurityKey,
    VerificationResult,
    generate_identity_signature,
    generate_security_key,
    keyring_from_env,
    verify,
)

KEY = "sk_test_secret_value_42"
USER = "user_123"
SIGNATURE = hmac.new(KEY.encode(), USER.encode(), hashlib.sha256).hexdigest()
UTC = timezone.utc


class Color(enum.IntEnum):
    RED = 5


@pytest.mark.parametrize(
    "value, type_name",
    [
        (None, "NoneType"),
        (True, "bool"),
        (False, "bool"),
        (1.5, "float"),
        (float("nan"), "float"),
        ([1], "list"),
        ({"id": 1}, "dict"),
        (object(), "object"),
    ],
)
def test_sign_rejects_wrong_types(value, type_name):
    keyring = Keyring(KEY)
    with pytest.raises(TypeError) as error:
        keyring.sign(value)
    assert "user_id" in str(error.value)
    assert type_name in str(error.value)
    with pytest.raises(TypeError, match=type_name):
        generate_identity_signature(value, KEY)


def test_integer_user_ids():
    keyring = Keyring(KEY)
    for number in [0, 7, -1, 12345, 2**63 - 1, -(2**63), 2**64, 10**40]:
        assert keyring.sign(number) == keyring.sign(str(number))
    assert keyring.sign(Color.RED) == keyring.sign("5")


def test_huge_integer_user_id():
    keyring = Keyring(KEY)
    huge = 10**5000
    # Python refuses str() of ints past 4300 digits by default.
    limit = sys.get_int_max_str_digits()
    for sign in [
        keyring.sign,
        lambda user_id: generate_identity_signature(user_id, KEY),
    ]:
        with pytest.raises(ValueError) as error:
            sign(huge)
        message = str(error.value)
        assert message.startswith(f"user_id is an int with more than {limit} digits")
        assert "sys.set_int_max_str_digits()" in message
    result = keyring.verify(huge, SIGNATURE)
    assert result.code == "IDENTITY_VERIFICATION_FAILED"
    assert result.detail == "too-large"
    assert str(limit) in result.message
    with pytest.raises(IdentityVerificationFailed) as failed:
        keyring.assert_valid(huge, SIGNATURE)
    assert failed.value.detail == "too-large"
    assert verify(huge, SIGNATURE, KEY) is False


def test_expired_result_detail():
    old = hmac.new(b"old", USER.encode(), hashlib.sha256).hexdigest()
    until = datetime(2026, 6, 1, tzinfo=UTC)
    keyrings = [
        Keyring(KEY, retired=[SecurityKey("old", id="2025-key")]),
        Keyring(KEY, previous=[SecurityKey("old", id="2025-key", accept_until=until)]),
    ]
    for keyring in keyrings:
        result = keyring.verify(USER, old, now=until)
        assert result.code == "IDENTITY_SIGNATURE_EXPIRED"
        assert result.detail == "expired"
        assert result.key_id == "2025-key"
        with pytest.raises(IdentitySignatureExpired) as error:
            keyring.assert_valid(USER, old, now=until)
        assert error.value.detail == "expired"
        assert error.value.key_id == "2025-key"


def test_str_subclass_user_id():
    class Name(str):
        pass

    assert Keyring(KEY).sign(Name(USER)) == SIGNATURE


def test_empty_user_id_signs_like_hmac():
    assert (
        Keyring(KEY).sign("") == hmac.new(KEY.encode(), b"", hashlib.sha256).hexdigest()
    )


@pytest.mark.parametrize("user_id", [None, "", b"", bytearray()])
def test_missing_user_id(user_id):
    result = Keyring(KEY).verify(user_id, SIGNATURE)
    assert result.valid is False
    assert result.code == "IDENTITY_MISSING"
    assert verify(user_id, SIGNATURE, KEY) is False


@pytest.mark.parametrize("signature", [None, "", b""])
def test_missing_signature(signature):
    result = Keyring(KEY).verify(USER, signature)
    assert result.code == "IDENTITY_MISSING"
    assert result.detail == "signature"
    with pytest.raises(IdentityMissing) as error:
        Keyring(KEY).assert_valid(USER, signature)
    assert error.value.code == "IDENTITY_MISSING"


@pytest.mark.parametrize(
    "user_id",
    [1.5, True, [USER], {"user": USER}, object(), "a\ud800", USER + " ", USER.upper()],
)
def test_verify_never_raises_for_user_id(user_id):
    result = Keyring(KEY).verify(user_id, SIGNATURE)
    assert result.valid is False
    assert result.code == "IDENTITY_VERIFICATION_FAILED"
    assert verify(user_id, SIGNATURE, KEY) is False


FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in SIGNATURE)


@pytest.mark.parametrize(
    "signature, detail",
    [
        (SIGNATURE[:63], "length"),
        (SIGNATURE + "0", "length"),
        ("0x" + SIGNATURE[:62], "prefix"),
        (SIGNATURE[:63] + "\n", "whitespace"),
        ("g" + SIGNATURE[1:], "not-hex"),
        (FULL_WIDTH, "non-ascii"),
        ("\ud800" * 64, "non-ascii"),
        ("é" * 32, "non-ascii"),
        ("x" * 100_000, "length"),
        (12345, "type"),
        (1.5, "type"),
        (True, "type"),
        ([SIGNATURE], "type"),
        (object(), "type"),
    ],
)
def test_verify_never_raises_for_signature(signature, detail):
    keyring = Keyring(KEY)
    result = keyring.verify(USER, signature)
    assert result.valid is False
    assert result.code == "IDENTITY_VERIFICATION_FAILED"
    assert result.detail == detail
    assert verify(USER, signature, KEY) is False
    with pytest.raises(IdentityVerificationFailed) as error:
        keyring.assert_valid(USER, signature)
    assert error.value.detail == detail


def test_signature_forms():
    keyring = Keyring(KEY)
    for form in [
        SIGNATURE,
        SIGNATURE.upper(),
        SIGNATURE.encode(),
        bytearray(SIGNATURE.encode()),
    ]:
        assert keyring.verify(USER, form).key_id == "current"
    assert keyring.verify(USER, memoryview(SIGNATURE.encode())).valid
    for form in [
        USER,
        USER.encode(),
        bytearray(USER.encode()),
        memoryview(USER.encode()),
    ]:
        assert keyring.verify(form, SIGNATURE).valid


def test_result_is_truthy_only_when_valid():
    keyring = Keyring(KEY)
    valid = keyring.verify(USER, SIGNATURE)
    failed = keyring.verify(USER, "0" * 64)
    assert isinstance(valid, VerificationResult)
    assert bool(valid) is True
    assert bool(failed) is False
    assert (
        failed.message
        == "identity signature does not match the user ID under any accepted key"
    )
    assert failed.detail == "mismatch"
    with pytest.raises(AttributeError):
        valid.valid = False  # type: ignore[misc]


def test_exception_classes():
    assert issubclass(IdentityVerificationFailed, IdentityError)
    assert issubclass(IdentitySignatureExpired, IdentityError)
    assert issubclass(IdentityMissing, IdentityError)
    assert IdentityVerificationFailed.code == "IDENTITY_VERIFICATION_FAILED"
    assert IdentitySignatureExpired.code == "IDENTITY_SIGNATURE_EXPIRED"
    assert IdentityMissing.code == "IDENTITY_MISSING"
    with pytest.raises(IdentityVerificationFailed) as error:
        Keyring(KEY).assert_valid(USER, "0" * 64)
    assert isinstance(error.value, IdentityError)
    assert error.value.code == "IDENTITY_VERIFICATION_FAILED"


def test_expired_exception_names_key():
    keyring = Keyring(KEY, retired=[SecurityKey("old", id="2025-key")])
    signature = keyring_sign_with("old", USER)
    with pytest.raises(IdentitySignatureExpired) as error:
        keyring.assert_valid(USER, signature)
    assert error.value.key_id == "2025-key"
    assert "2025-key" in str(error.value)
    assert keyring.verify(USER, signature).key_id == "2025-key"


def keyring_sign_with(key: str, user_id: str) -> str:
    return hmac.new(key.encode(), user_id.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("key", ["", b"", bytearray()])
def test_empty_key_rejected(key):
    with pytest.raises(ValueError, match="must not be empty"):
        Keyring(key)
    with pytest.raises(ValueError, match="must not be empty"):
        SecurityKey(key)
    with pytest.raises(ValueError, match="must not be empty"):
        generate_identity_signature(USER, key)
    with pytest.raises(ValueError, match="must not be empty"):
        verify(USER, SIGNATURE, key)


@pytest.mark.parametrize("key", [123, 1.5, True, [KEY], object()])
def test_key_of_wrong_type(key):
    with pytest.raises(TypeError, match="current must be"):
        Keyring(key)
    with pytest.raises(TypeError, match="security_key must be"):
        generate_identity_signature(USER, key)
    with pytest.raises(TypeError, match="secret must be"):
        SecurityKey(key)


@pytest.mark.parametrize(
    "id_value, type_name", [(5, "int"), (b"k1", "bytes"), (["k1"], "list")]
)
def test_key_id_of_wrong_type(id_value, type_name):
    with pytest.raises(TypeError) as error:
        SecurityKey(KEY, id=id_value)
    assert str(error.value) == f"id must be a str or None, got {type_name}"


def test_key_id_with_lone_surrogate():
    with pytest.raises(ValueError, match="id contains a lone surrogate") as error:
        SecurityKey(KEY, id="k\ud800")
    assert error.value.__context__ is None


def test_key_type_errors_list_accepted_types():
    # A SecurityKey is accepted by Keyring, not as the secret of another
    # SecurityKey or by the one-key functions.
    key = SecurityKey(KEY)
    assert Keyring(key).key_ids == ["current"]
    with pytest.raises(TypeError) as error:
        SecurityKey(key)  # type: ignore[arg-type]
    message = "secret must be str, bytes, bytearray or memoryview, got SecurityKey"
    assert str(error.value) == message
    with pytest.raises(TypeError) as error:
        generate_identity_signature(USER, key)  # type: ignore[arg-type]
    message = (
        "security_key must be str, bytes, bytearray or memoryview, got SecurityKey"
    )
    assert str(error.value) == message
    with pytest.raises(TypeError) as error:
        Keyring(KEY, previous=[5])
    message = (
        "previous[0] must be str, bytes, bytearray, memoryview or SecurityKey, got int"
    )
    assert str(error.value) == message


def test_key_with_lone_surrogate():
    secret = "SECRET-key\udc00"
    with pytest.raises(ValueError, match="lone surrogate") as error:
        Keyring(secret)
    # The UnicodeEncodeError of the encoder contains the whole key text, so it
    # must not be chained to the error that reaches the caller.
    assert error.value.__context__ is None
    assert error.value.__cause__ is None
    assert "SECRET" not in "".join(traceback.format_exception(error.value))


def test_previous_and_retired_forms():
    single = Keyring(KEY, previous="old", retired=b"older")
    assert single.key_ids == ["current", "previous", "retired"]
    listed = Keyring(KEY, previous=["a", b"b"], retired=("c", SecurityKey("d", id="d")))
    assert listed.key_ids == ["current", "previous", "previous-2", "retired", "d"]
    generated = Keyring(KEY, previous=(key for key in ["g"]))
    assert generated.key_ids == ["current", "previous"]
    with pytest.raises(TypeError, match="previous must be a key or an iterable"):
        Keyring(KEY, previous=5)
    with pytest.raises(TypeError, match=r"retired\[1\] must be"):
        Keyring(KEY, retired=["a", 5])


def test_key_id_rules():
    with pytest.raises(ValueError, match="used twice"):
        Keyring(SecurityKey(KEY, id="same"), previous=[SecurityKey("b", id="same")])
    with pytest.raises(ValueError, match="must not be empty"):
        SecurityKey(KEY, id="")
    with pytest.raises(ValueError, match="control character"):
        SecurityKey(KEY, id="a\nb")
    with pytest.raises(ValueError, match="at most 128"):
        SecurityKey(KEY, id="x" * 129)


def test_window_rules():
    until = datetime(2026, 6, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive datetime"):
        SecurityKey(KEY, accept_until=datetime(2026, 6, 1))
    with pytest.raises(
        TypeError, match="accept_until must be a timezone-aware datetime"
    ):
        SecurityKey(KEY, accept_until="2026-06-01T00:00:00Z")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="current key cannot have"):
        Keyring(SecurityKey(KEY, accept_until=until))
    with pytest.raises(ValueError, match="retired key cannot have"):
        Keyring(KEY, retired=[SecurityKey("old", accept_until=until)])
    keyring = Keyring(KEY)
    with pytest.raises(ValueError, match="naive datetime"):
        keyring.verify(USER, SIGNATURE, now=datetime(2026, 1, 1))
    with pytest.raises(TypeError, match="now must be"):
        keyring.verify(USER, SIGNATURE, now=1700000000)  # type: ignore[arg-type]


def test_security_key_properties():
    until = datetime(2026, 6, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    key = SecurityKey(KEY, id="k1", accept_until=until)
    assert key.id == "k1"
    assert key.accept_until is until
    assert SecurityKey(KEY).id is None
    assert SecurityKey(KEY).accept_until is None


def test_key_never_in_text():
    secret = "SECRET-" + generate_security_key()
    key = SecurityKey(secret, id="visible-id")
    keyring = Keyring(key, previous=[secret + "-2"], retired=[secret.encode() + b"-3"])
    texts = [repr(key), str(key), repr(keyring), str(keyring)]
    texts.append(repr(keyring.verify(USER, "0" * 64)))
    texts.append(repr(keyring.verify(USER, keyring.sign(USER))))
    texts.append(repr(keyring.stats()))
    failing_calls = [
        lambda: SecurityKey(secret, id=""),
        lambda: SecurityKey(secret, accept_until=datetime(2026, 1, 1)),
        lambda: Keyring(
            SecurityKey(secret, id="x"), previous=[SecurityKey(secret, id="x")]
        ),
        lambda: generate_identity_signature(1.5, secret),
    ]
    for call in failing_calls:
        with pytest.raises((TypeError, ValueError)) as error:
            call()
        texts.append(str(error.value))
        texts.append("".join(traceback.format_exception(error.value)))
    try:
        keyring.assert_valid(USER, "0" * 64)
    except IdentityError as error:
        texts.append(repr(error))
        texts.append("".join(traceback.format_exception(error)))
    assert "visible-id" in repr(key)
    for text in texts:
        assert "SECRET" not in text
        assert secret[7:] not in text


def test_keys_cannot_be_pickled():
    with pytest.raises(TypeError):
        pickle.dumps(SecurityKey(KEY))
    with pytest.raises(TypeError):
        pickle.dumps(Keyring(KEY))


def test_generate_security_key():
    keys = {generate_security_key() for _ in range(100)}
    assert len(keys) == 100
    for key in keys:
        assert len(key) == 64
        assert all(character in "0123456789abcdef" for character in key)


def test_environment_key(monkeypatch):
    monkeypatch.setenv("PEXELIZE_SECURITY_KEY", KEY)
    assert generate_identity_signature(USER) == SIGNATURE
    assert verify(USER, SIGNATURE) is True
    assert verify(USER, "0" * 64) is False
    monkeypatch.delenv("PEXELIZE_SECURITY_KEY")
    with pytest.raises(ValueError, match="PEXELIZE_SECURITY_KEY is not set"):
        generate_identity_signature(USER)
    with pytest.raises(ValueError, match="PEXELIZE_SECURITY_KEY is not set"):
        verify(USER, SIGNATURE)
    monkeypatch.setenv("PEXELIZE_SECURITY_KEY", KEY + "\n")
    with pytest.raises(ValueError, match="whitespace") as error:
        generate_identity_signature(USER)
    assert KEY not in str(error.value)
    monkeypatch.setenv("PEXELIZE_SECURITY_KEY", "")
    with pytest.raises(ValueError, match="empty"):
        verify(USER, SIGNATURE)


def test_keyring_from_env():
    current = hmac.new(b"new", USER.encode(), hashlib.sha256).hexdigest()
    previous = hmac.new(b"old", USER.encode(), hashlib.sha256).hexdigest()
    environ = {
        "PEXELIZE_SECURITY_KEY": "new",
        "PEXELIZE_SECURITY_KEY_PREVIOUS": "old",
        "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL": "2026-06-01T00:00:00Z",
    }
    keyring = keyring_from_env(environ)
    inside = datetime(2026, 5, 31, 23, 59, 59, tzinfo=UTC)
    after = datetime(2026, 6, 1, tzinfo=UTC)
    assert keyring.verify(USER, current, now=after).key_id == "current"
    assert keyring.verify(USER, previous, now=inside).key_id == "previous"
    assert (
        keyring.verify(USER, previous, now=after).code == "IDENTITY_SIGNATURE_EXPIRED"
    )
    assert keyring_from_env({"PEXELIZE_SECURITY_KEY": "new"}).key_ids == ["current"]


@pytest.mark.parametrize(
    "environ, message",
    [
        ({}, "PEXELIZE_SECURITY_KEY is not set"),
        ({"PEXELIZE_SECURITY_KEY": ""}, "PEXELIZE_SECURITY_KEY is set but empty"),
        (
            {"PEXELIZE_SECURITY_KEY": " SECRETNOW"},
            "PEXELIZE_SECURITY_KEY has leading or trailing",
        ),
        (
            {
                "PEXELIZE_SECURITY_KEY": "SECRETNOW",
                "PEXELIZE_SECURITY_KEY_PREVIOUS": "SECRETOLD\n",
            },
            "PEXELIZE_SECURITY_KEY_PREVIOUS has leading or trailing",
        ),
        (
            {
                "PEXELIZE_SECURITY_KEY": "SECRETNOW",
                "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL": "2026-06-01T00:00:00Z",
            },
            "PEXELIZE_SECURITY_KEY_PREVIOUS is not",
        ),
        (
            {
                "PEXELIZE_SECURITY_KEY": "SECRETNOW",
                "PEXELIZE_SECURITY_KEY_PREVIOUS": "SECRETOLD",
                "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL": "June 1st",
            },
            "not an RFC 3339 timestamp",
        ),
    ],
)
def test_keyring_from_env_errors(environ, message):
    with pytest.raises(ValueError, match=message) as error:
        keyring_from_env(environ)
    assert "SECRET" not in str(error.value)


def test_keyring_from_env_value_type():
    with pytest.raises(TypeError, match="PEXELIZE_SECURITY_KEY must be a str"):
        keyring_from_env({"PEXELIZE_SECURITY_KEY": b"key"})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "name", ["PEXELIZE_SECURITY_KEY", "PEXELIZE_SECURITY_KEY_PREVIOUS"]
)
def test_keyring_from_env_invalid_utf8(name):
    # os.environ decodes bytes that are not UTF-8 to lone surrogates.
    environ = {"PEXELIZE_SECURITY_KEY": "SECRETNOW", name: "SECRETBAD\udcff"}
    with pytest.raises(ValueError, match=f"{name} is not valid UTF-8") as error:
        keyring_from_env(environ)
    assert "SECRET" not in str(error.value)
    assert error.value.__cause__ is None
    assert error.value.__context__ is None


def test_process_environment_invalid_utf8(monkeypatch):
    # setenv encodes with surrogateescape, so the process gets the byte 0xff.
    monkeypatch.setenv("PEXELIZE_SECURITY_KEY", "SECRETBAD\udcff")
    calls = [
        lambda: keyring_from_env(),
        lambda: generate_identity_signature(USER),
        lambda: verify(USER, SIGNATURE),
    ]
    for call in calls:
        with pytest.raises(ValueError) as error:
            call()
        message = str(error.value)
        assert "PEXELIZE_SECURITY_KEY is not valid UTF-8" in message
        assert "SECRET" not in message


@pytest.mark.parametrize("environ", [[1], "PEXELIZE_SECURITY_KEY=k", 5, object()])
def test_keyring_from_env_environ_type(environ):
    with pytest.raises(TypeError, match="environ must be a mapping") as error:
        keyring_from_env(environ)
    assert type(environ).__name__ in str(error.value)


def test_keyring_from_process_environment(monkeypatch):
    monkeypatch.setenv("PEXELIZE_SECURITY_KEY", KEY)
    monkeypatch.delenv("PEXELIZE_SECURITY_KEY_PREVIOUS", raising=False)
    monkeypatch.delenv("PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL", raising=False)
    assert keyring_from_env().assert_valid(USER, SIGNATURE) == "current"


def test_public_names():
    public = {name for name in dir(pexelize_identity) if not name.startswith("_")}
    public.discard("exceptions")
    assert set(pexelize_identity.__all__) == public | {"__version__"}
    assert pexelize_identity.__version__
