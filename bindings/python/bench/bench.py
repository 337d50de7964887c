"""Time pexelize_identity against the standard library's hmac, ns per call.

Run from the repository root after `make python-install`:

    .venv/bin/python bindings/python/bench/bench.py

Every statement runs in one process, in the same run, for a 10-character and
a 36-character user ID. The statements take turns, and each figure is the
fastest of several rounds, which is the least disturbed by other work on the
machine.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import platform
import timeit

import pexelize_identity
from pexelize_identity import Keyring, generate_identity_signature

KEY = "sk_live_3f1c9a2b7d4e5f60718293a4b5c6d7e8"
USER_IDS = {
    "10 chars": "user_12345",
    "36 chars": "550e8400-e29b-41d4-a716-446655440000",
}

# Each benchmark: a name, the statement, and the stdlib statements it is
# compared with. The stdlib gets the key already encoded, as a server would
# keep it, and encodes the user ID per call, as it arrives as a str.
SIGN_BASELINES = {
    "hmac.new(...).hexdigest()": "hmac.new(key_bytes, user_id.encode(), sha256).hexdigest()",
    "hmac.digest(...).hex()": "hmac.digest(key_bytes, user_id.encode(), 'sha256').hex()",
}
VERIFY_BASELINES = {
    "compare_digest(hmac.new(...).hexdigest(), sig)": (
        "compare_digest(hmac.new(key_bytes, user_id.encode(), sha256).hexdigest(), signature)"
    ),
    "compare_digest(hmac.digest(...).hex(), sig)": (
        "compare_digest(hmac.digest(key_bytes, user_id.encode(), 'sha256').hex(), signature)"
    ),
}
OURS = {
    "keyring.sign(user_id)": ("keyring_sign(user_id)", SIGN_BASELINES),
    "generate_identity_signature(user_id, key)": (
        "generate_identity_signature(user_id, KEY)",
        SIGN_BASELINES,
    ),
    "keyring.verify(user_id, sig)": (
        "keyring_verify(user_id, signature)",
        VERIFY_BASELINES,
    ),
}


def measure(
    statements: dict[str, str], namespace: dict[str, object], rounds: int
) -> dict[str, float]:
    """Time each statement in ns per call and keep its fastest round.

    The statements take turns round by round, so load from other processes
    slows every statement alike.
    """
    timers = {
        name: timeit.Timer(statement, globals=namespace)
        for name, statement in statements.items()
    }
    numbers = {name: timer.autorange()[0] for name, timer in timers.items()}
    best = {name: float("inf") for name in statements}
    for _ in range(rounds):
        for name, timer in timers.items():
            elapsed = timer.timeit(numbers[name]) / numbers[name] * 1e9
            best[name] = min(best[name], elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=15, help="timing rounds per figure"
    )
    arguments = parser.parse_args()

    keyring = Keyring(KEY)
    print(
        f"pexelize_identity {pexelize_identity.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print()
    print("| user ID | call | ns/op | stdlib way | stdlib ns/op | speed-up |")
    print("| --- | --- | ---: | --- | ---: | ---: |")
    for label, user_id in USER_IDS.items():
        signature = keyring.sign(user_id)
        assert (
            signature
            == hmac.new(KEY.encode(), user_id.encode(), hashlib.sha256).hexdigest()
        )
        namespace: dict[str, object] = {
            "KEY": KEY,
            "key_bytes": KEY.encode(),
            "user_id": user_id,
            "signature": signature,
            "keyring_sign": keyring.sign,
            "keyring_verify": keyring.verify,
            "generate_identity_signature": generate_identity_signature,
            "hmac": hmac,
            "sha256": hashlib.sha256,
            "compare_digest": hmac.compare_digest,
        }
        statements = {name: statement for name, (statement, _) in OURS.items()}
        statements.update(SIGN_BASELINES)
        statements.update(VERIFY_BASELINES)
        timings = measure(statements, namespace, arguments.rounds)
        for name, (_, baselines) in OURS.items():
            ours = timings[name]
            for baseline_name in baselines:
                baseline = timings[baseline_name]
                print(
                    f"| {label} | `{name}` | {ours:.0f} | `{baseline_name}` | "
                    f"{baseline:.0f} | {baseline / ours:.1f}x |"
                )


if __name__ == "__main__":
    main()
