#!/usr/bin/env bash
# The C step of the demo: the C example verifies the token that the Express
# server issued, then the tampered copy, and prints one line for each.
# scripts/demo.sh exports DEMO_USER_ID, DEMO_SIGNATURE,
# DEMO_TAMPERED_SIGNATURE and PEXELIZE_SECURITY_KEY. Exits non-zero when the
# valid token is rejected or the tampered one is accepted.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DEMO_USER_ID:?DEMO_USER_ID is missing; run this through scripts/demo.sh}"
: "${DEMO_SIGNATURE:?DEMO_SIGNATURE is missing; run this through scripts/demo.sh}"
: "${DEMO_TAMPERED_SIGNATURE:?DEMO_TAMPERED_SIGNATURE is missing; run this through scripts/demo.sh}"
: "${PEXELIZE_SECURITY_KEY:?PEXELIZE_SECURITY_KEY is missing; run this through scripts/demo.sh}"

program=build/c/verify_identity
if [ ! -x "$program" ]; then
    make --no-print-directory build-c-example >&2
fi
export LD_LIBRARY_PATH="$PWD/build/prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

status=0
if output=$("$program" "$DEMO_USER_ID" "$DEMO_SIGNATURE"); then
    echo "C library: Express token $output"
else
    echo "C library: FAILED, the Express token was $output"
    status=1
fi

output=$("$program" "$DEMO_USER_ID" "$DEMO_TAMPERED_SIGNATURE") && tampered=0 || tampered=$?
if [ "$tampered" = 1 ]; then
    echo "C library: tampered token $output"
else
    echo "C library: FAILED, the tampered token gave exit $tampered: $output"
    status=1
fi
exit "$status"
