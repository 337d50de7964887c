"""Write identity.json, the vectors that every runtime's test suite reads.

Expected signatures come from Python's hmac module, never from this project's
code. Run `python3 tests/vectors/make_identity_vectors.py` to rewrite the file;
the inputs are fixed, so the output only changes when this script does.
"""

import hashlib
import hmac
import json
from pathlib import Path

KEYS = {
    "ascii": b"sk_live_0123456789abcdef",
    # 64 hex characters, as generateSecurityKey returns; the text is the key.
    "hex64": b"3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef",
    "one-byte": b"k",
    "block-size": bytes(range(64)),
    "longer-than-block": bytes(range(200)) * 2,
    "binary-with-nul": b"\x00\xff\x00key\x00",
    "utf8": "clé-secrète-🔑".encode(),
}

TEXT_USER_IDS = [
    "user_123",
    "12345",
    "0",
    "a",
    "550e8400-e29b-41d4-a716-446655440000",
    "ümlaut-two-byte",
    "中文用户",
    "emoji-😀-astral",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "café",  # NFC
    "cafe\u0301",  # NFD: a different user
    " padded ",
    "UPPER",
    "upper",
    "nul\x00inside",
    "\ufffd",
    "x" * 10_000,
    "ß" * 1000,
]

BYTE_USER_IDS = [
    b"\xff\xfe\xfd",
    b"\x00",
    b"\x00\x00\x00\x00",
    b"\xed\xa0\x80",  # a UTF-8-encoded surrogate: only the byte forms take it
    bytes(range(256)),
]

# Integers are signed as their canonical base-10 text.
INTEGER_USER_IDS = [0, 7, 12345, 9007199254740991]
BIG_INTEGER_USER_IDS = [9007199254740993, 123456789012345678901234567890]

# Lone surrogates, as UTF-16 code units, which every string form rejects.
LONE_SURROGATES = [
    [0x61, 0xD800],
    [0x61, 0xDFFF],
    [0xD83D],
    [0xDE00, 0x61],
    [0x61, 0xDC00, 0xD800, 0x62],
]


def sign(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_cases():
    cases = []
    for key_name, key in KEYS.items():
        for text in TEXT_USER_IDS:
            cases.append(
                {
                    "key": key_name,
                    "userId": text,
                    "userIdHex": text.encode().hex(),
                    "signature": sign(key, text.encode()),
                }
            )
        for raw in BYTE_USER_IDS:
            cases.append(
                {
                    "key": key_name,
                    "userIdHex": raw.hex(),
                    "signature": sign(key, raw),
                }
            )
    return cases


def integer_cases():
    cases = []
    for key_name, key in KEYS.items():
        for number in INTEGER_USER_IDS:
            cases.append(
                {
                    "key": key_name,
                    "userIdInteger": number,
                    "signature": sign(key, str(number).encode()),
                }
            )
        for number in BIG_INTEGER_USER_IDS:
            cases.append(
                {
                    "key": key_name,
                    "userIdBigInteger": str(number),
                    "signature": sign(key, str(number).encode()),
                }
            )
    return cases


KEYRING = {
    "current": "ascii",
    "previous": [{"key": "hex64", "acceptUntil": "2026-06-01T00:00:00Z"}],
    "retired": ["one-byte"],
}
INSIDE_WINDOW = "2026-05-31T23:59:59Z"
AFTER_WINDOW = "2026-06-01T00:00:00Z"


def verify_cases():
    user = "user_123"
    current = sign(KEYS["ascii"], user.encode())
    previous = sign(KEYS["hex64"], user.encode())
    retired = sign(KEYS["one-byte"], user.encode())
    unknown = sign(b"not-a-key-of-this-keyring", user.encode())
    flipped = current[:-1] + ("0" if current[-1] != "0" else "1")
    valid = {"valid": True}

    def case(name, signature, now, expected, user_id=user):
        return {
            "name": name,
            "userId": user_id,
            "signature": signature,
            "now": now,
            "expected": expected,
        }

    def failed(detail):
        return {"valid": False, "code": "IDENTITY_VERIFICATION_FAILED", "detail": detail}

    expired = {"valid": False, "code": "IDENTITY_SIGNATURE_EXPIRED"}
    missing = {"valid": False, "code": "IDENTITY_MISSING"}
    return [
        case("current key", current, INSIDE_WINDOW, {**valid, "keyId": "current"}),
        case("current key uppercase", current.upper(), INSIDE_WINDOW, {**valid, "keyId": "current"}),
        case("previous key inside window", previous, INSIDE_WINDOW, {**valid, "keyId": "previous"}),
        case("previous key after window", previous, AFTER_WINDOW, expired),
        case("retired key", retired, INSIDE_WINDOW, expired),
        case("unknown key", unknown, INSIDE_WINDOW, failed("mismatch")),
        case("last hex digit changed", flipped, INSIDE_WINDOW, failed("mismatch")),
        case("signature of another user", sign(KEYS["ascii"], b"user_124"), INSIDE_WINDOW, failed("mismatch")),
        case("user ID with trailing space", current, INSIDE_WINDOW, failed("mismatch"), user + " "),
        case("63 characters", current[:63], INSIDE_WINDOW, failed("length")),
        case("65 characters", current + "0", INSIDE_WINDOW, failed("length")),
        case("0x prefix", "0x" + current[:62], INSIDE_WINDOW, failed("prefix")),
        case("0x prefix and 64 digits", "0x" + current, INSIDE_WINDOW, failed("prefix")),
        case("trailing newline", current[:63] + "\n", INSIDE_WINDOW, failed("whitespace")),
        case("leading space", " " + current[1:], INSIDE_WINDOW, failed("whitespace")),
        case("non-hex letter", "g" + current[1:], INSIDE_WINDOW, failed("not-hex")),
        case("base64 of the MAC", "sIM5rAfP0" * 7 + "A", INSIDE_WINDOW, failed("not-hex")),
        case(
            "full-width digits",
            "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in current),
            INSIDE_WINDOW,
            failed("non-ascii"),
        ),
        case("one non-ASCII character", "é" + current[2:], INSIDE_WINDOW, failed("non-ascii")),
        case("empty signature", "", INSIDE_WINDOW, missing),
        case("empty user ID", current, INSIDE_WINDOW, missing, ""),
    ]


def main():
    document = {
        "description": (
            "Identity signatures: lowercase hex HMAC-SHA256(key, UTF-8 user ID). "
            "Expected values computed by Python's hmac module."
        ),
        "generatedBy": "tests/vectors/make_identity_vectors.py",
        "keys": {name: key.hex() for name, key in KEYS.items()},
        "signatures": signature_cases(),
        "integerSignatures": integer_cases(),
        "loneSurrogatesUtf16": LONE_SURROGATES,
        "keyring": KEYRING,
        "verify": verify_cases(),
    }
    path = Path(__file__).with_name("identity.json")
    text = json.dumps(document, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
