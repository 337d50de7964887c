"""Write the shared test vectors as a C header for test_pexelize.c.

Usage: python3 gen_vectors.py VECTOR_DIR OUTPUT_HEADER

The header is generated at test time into the build directory and never
committed, so it cannot drift from the JSON files. Every byte string becomes
a uint8_t array (NULL with length 0 when empty) because user IDs and keys may
contain NUL bytes, and every expected value comes from the JSON files, which
were computed by Python's hmac module or copied from RFC 4231 and Wycheproof.
"""

import json
import sys
from datetime import datetime
from pathlib import Path

# Status numbers of pexelize_status, by the code string the vectors use.
STATUS_BY_CODE = {
    "IDENTITY_VERIFICATION_FAILED": "PEXELIZE_IDENTITY_VERIFICATION_FAILED",
    "IDENTITY_SIGNATURE_EXPIRED": "PEXELIZE_IDENTITY_SIGNATURE_EXPIRED",
    "IDENTITY_MISSING": "PEXELIZE_IDENTITY_MISSING",
}


class Writer:
    """Collects C array definitions and returns expressions that use them."""

    def __init__(self):
        self.lines = []
        self.count = 0

    def bytes_array(self, data: bytes) -> tuple[str, int]:
        """Define a uint8_t array for `data`; return (pointer, length)."""
        if not data:
            return "NULL", 0
        self.count += 1
        name = f"bytes_{self.count}"
        body = ",".join(str(byte) for byte in data)
        self.lines.append(f"static const uint8_t {name}[] = {{{body}}};")
        return name, len(data)


def c_string(text: str) -> str:
    """Return a C string literal; every non-printable byte is octal-escaped."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if 0x20 <= byte < 0x7F and char not in '"\\?':
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def unix_seconds(rfc3339: str) -> int:
    return int(datetime.fromisoformat(rfc3339).timestamp())


def mac_cases(vector_dir: Path, writer: Writer) -> list[str]:
    """Rows of (source, key, message, tag hex, valid) for MAC vectors."""
    identity = json.loads((vector_dir / "identity.json").read_text("utf-8"))
    keys = {name: bytes.fromhex(key) for name, key in identity["keys"].items()}
    rows = []

    def add(source, key, message, tag, valid):
        key_ptr, key_len = writer.bytes_array(key)
        message_ptr, message_len = writer.bytes_array(message)
        rows.append(
            f"{{{c_string(source)}, {key_ptr}, {key_len}, {message_ptr}, "
            f"{message_len}, {c_string(tag)}, {int(valid)}}}"
        )

    for index, case in enumerate(identity["signatures"]):
        message = bytes.fromhex(case["userIdHex"])
        add(f"identity signatures[{index}]", keys[case["key"]], message, case["signature"], True)
    for index, case in enumerate(identity["integerSignatures"]):
        number = case.get("userIdInteger", case.get("userIdBigInteger"))
        message = str(number).encode()
        add(
            f"identity integerSignatures[{index}]",
            keys[case["key"]],
            message,
            case["signature"],
            True,
        )

    rfc = json.loads((vector_dir / "rfc4231_hmac_sha256.json").read_text("utf-8"))
    for case in rfc["tests"]:
        add(
            f"RFC 4231 case {case['case']}",
            bytes.fromhex(case["key"]),
            bytes.fromhex(case["data"]),
            case["mac"],
            True,
        )

    wycheproof = json.loads((vector_dir / "hmac_sha256_test.json").read_text("utf-8"))
    for group in wycheproof["testGroups"]:
        for case in group["tests"]:
            add(
                f"Wycheproof tcId {case['tcId']}",
                bytes.fromhex(case["key"]),
                bytes.fromhex(case["msg"]),
                case["tag"],
                case["result"] == "valid",
            )
    return rows


def expected_detail(case) -> str:
    """The detail pexelize_keyring_verify_detail reports for a rejected case.

    The vectors give it for failed signatures; an expired signature reports
    "expired", and a missing part is named as the Node package names it.
    """
    expected = case["expected"]
    if "detail" in expected:
        return expected["detail"]
    if expected["code"] == "IDENTITY_SIGNATURE_EXPIRED":
        return "expired"
    return "userId" if case["userId"] == "" else "signature"


def keyring_definitions(vector_dir: Path, writer: Writer) -> list[str]:
    """The keyring of the verify vectors, and its verify cases."""
    identity = json.loads((vector_dir / "identity.json").read_text("utf-8"))
    keys = {name: bytes.fromhex(key) for name, key in identity["keys"].items()}
    spec = identity["keyring"]
    if len(spec["previous"]) != 1 or len(spec["retired"]) != 1:
        raise SystemExit("gen_vectors.py expects one previous and one retired key")

    current_ptr, current_len = writer.bytes_array(keys[spec["current"]])
    previous = spec["previous"][0]
    previous_ptr, previous_len = writer.bytes_array(keys[previous["key"]])
    retired_ptr, retired_len = writer.bytes_array(keys[spec["retired"][0]])
    lines = [
        f"#define KEYRING_CURRENT_KEY {current_ptr}",
        f"#define KEYRING_CURRENT_KEY_LEN {current_len}",
        f"#define KEYRING_PREVIOUS_KEY {previous_ptr}",
        f"#define KEYRING_PREVIOUS_KEY_LEN {previous_len}",
        f"#define KEYRING_PREVIOUS_UNTIL {unix_seconds(previous['acceptUntil'])}",
        f"#define KEYRING_RETIRED_KEY {retired_ptr}",
        f"#define KEYRING_RETIRED_KEY_LEN {retired_len}",
    ]

    rows = []
    for case in identity["verify"]:
        user_ptr, user_len = writer.bytes_array(case["userId"].encode())
        signature = case["signature"].encode()
        signature_ptr, signature_len = writer.bytes_array(signature)
        expected = case["expected"]
        detail = "NULL"
        if expected["valid"]:
            status = "PEXELIZE_OK"
            key_id = c_string(expected["keyId"])
        else:
            status = STATUS_BY_CODE[expected["code"]]
            key_id = "NULL"
            detail = c_string(expected_detail(case))
        rows.append(
            f"{{{c_string(case['name'])}, {user_ptr}, {user_len}, "
            f"(const char *){signature_ptr}, {signature_len}, "
            f"{unix_seconds(case['now'])}, {status}, {key_id}, {detail}}}"
        )
    lines.append("static const struct verify_case VERIFY_CASES[] = {")
    lines.extend(f"    {row}," for row in rows)
    lines.append("};")
    return lines


def main():
    vector_dir, output = Path(sys.argv[1]), Path(sys.argv[2])
    writer = Writer()
    mac_rows = mac_cases(vector_dir, writer)
    keyring_lines = keyring_definitions(vector_dir, writer)

    header = [
        "/* Generated by bindings/c/tests/gen_vectors.py; do not edit. */",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        *writer.lines,
        "",
        "static const struct mac_case MAC_CASES[] = {",
        *(f"    {row}," for row in mac_rows),
        "};",
        "",
        *keyring_lines,
        "",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(header), encoding="utf-8")


if __name__ == "__main__":
    main()
