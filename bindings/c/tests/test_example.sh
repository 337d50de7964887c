#!/usr/bin/env bash
# Runs examples/c/verify_identity, built through pkg-config against the
# installed library, on signatures computed by Python's hmac module.
# Usage: test_example.sh PROGRAM LIBDIR
set -uo pipefail

program=$1
export LD_LIBRARY_PATH=$2
key="example-key-$$"
user="user_123"
signature=$(python3 -c 'import hashlib, hmac, sys
print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())' "$key" "$user")
tampered="${signature:0:63}$([ "${signature:63}" = 0 ] && echo 1 || echo 0)"
passed=0
failed=0

# expect NAME STATUS PATTERN COMMAND...: the command must exit with STATUS
# and print a line matching PATTERN on stdout or stderr.
expect() {
    local name=$1 status=$2 pattern=$3
    shift 3
    local output actual
    output=$("$@" 2>&1)
    actual=$?
    if [ "$actual" = "$status" ] && grep -qE "$pattern" <<<"$output"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name: exit $actual, output: $output"
    fi
}

expect "valid signature" 0 '^accepted: .*key "current"' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "$user" "$signature"
expect "uppercase signature" 0 '^accepted:' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "$user" "${signature^^}"
expect "tampered signature" 1 '^rejected: IDENTITY_VERIFICATION_FAILED \(mismatch\)' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "$user" "$tampered"
expect "another user" 1 '^rejected: IDENTITY_VERIFICATION_FAILED' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "user_124" "$signature"
expect "signature with a newline" 1 '^rejected: IDENTITY_VERIFICATION_FAILED \(whitespace\)' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "$user" "$signature"$'\n'
expect "short signature" 1 '^rejected: IDENTITY_VERIFICATION_FAILED \(length\)' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "$user" "${signature:0:63}"
expect "empty signature" 1 '^rejected: IDENTITY_MISSING \(signature\)' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "$user" ""
expect "missing key" 2 'PEXELIZE_SECURITY_KEY is missing' \
    env -u PEXELIZE_SECURITY_KEY "$program" "$user" "$signature"
expect "key with a trailing newline" 2 'trailing whitespace' \
    env PEXELIZE_SECURITY_KEY="$key"$'\n' "$program" "$user" "$signature"
expect "wrong argument count" 2 '^usage:' \
    env PEXELIZE_SECURITY_KEY="$key" "$program" "$user"

# The key must never be printed, whatever the outcome.
if env PEXELIZE_SECURITY_KEY="$key" "$program" "$user" "$tampered" 2>&1 |
    grep -qF "$key"; then
    failed=$((failed + 1))
    echo "FAIL: output contains the key"
else
    passed=$((passed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
