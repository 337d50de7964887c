#!/usr/bin/env bash
# The Python step of the demo: the Python package verifies the token that the
# Express server issued and rejects a tampered copy. scripts/demo.sh runs it
# with these variables exported:
#   DEMO_SERVER_URL          the Express server that issued the token
#   DEMO_USER_ID             the token's user ID
#   DEMO_SIGNATURE           the token's signature
#   DEMO_TAMPERED_SIGNATURE  the same signature with one character changed
#   PEXELIZE_SECURITY_KEY    the server's key
# It prints one line per check and exits non-zero when either is wrong.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python="$root/.venv/bin/python"
if [[ ! -x "$python" ]]; then
    echo "python: $python not found; run make demo-prerequisites-python first" >&2
    exit 1
fi
for name in DEMO_SERVER_URL DEMO_USER_ID DEMO_SIGNATURE DEMO_TAMPERED_SIGNATURE PEXELIZE_SECURITY_KEY; do
    if [[ -z "${!name:-}" ]]; then
        echo "python: $name is not set; scripts/demo.sh sets it" >&2
        exit 1
    fi
done

# Run from / so that the installed wheel is imported, not a source tree.
cd /
exec "$python" - <<'PYTHON'
import os
import sys

from pexelize_identity import keyring_from_env

keyring = keyring_from_env()
user_id = os.environ["DEMO_USER_ID"]
server = os.environ["DEMO_SERVER_URL"]
ok = True

result = keyring.verify(user_id, os.environ["DEMO_SIGNATURE"])
if result:
    print(f"python: token for {user_id!r} from {server} verified (key {result.key_id})")
else:
    print(f"python: FAILED, token for {user_id!r} from {server} rejected with {result.code}")
    ok = False

tampered = keyring.verify(user_id, os.environ["DEMO_TAMPERED_SIGNATURE"])
if tampered.code == "IDENTITY_VERIFICATION_FAILED":
    print(f"python: tampered signature rejected with {tampered.code}")
else:
    outcome = "accepted" if tampered else f"rejected with {tampered.code}"
    print(f"python: FAILED, tampered signature {outcome}; expected IDENTITY_VERIFICATION_FAILED")
    ok = False

sys.exit(0 if ok else 1)
PYTHON
