#!/usr/bin/env bash
# End-to-end demo. It starts the Express example on 127.0.0.1 with a fresh
# key, fetches an identity token over HTTP and verifies it. It then shows a
# tampered signature, a missing identity and a key rotation, and runs the
# Python and C demos (when present) against the same server. It exits
# non-zero when any step does not behave as expected.

set -euo pipefail

cd "$(dirname "$0")/.."
NODE_PACKAGE="$PWD/bindings/node"

log_file="$(mktemp)"
rotated_log_file="$(mktemp)"
server_pid=""
rotated_pid=""
stop_server() {
  if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
    kill "$1"
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop_server "$rotated_pid"
  stop_server "$server_pid"
  rm -f "$log_file" "$rotated_log_file"
}
trap cleanup EXIT

# Build output is shown only when the build fails.
if ! make --no-print-directory demo-prerequisites-node >"$log_file" 2>&1; then
  cat "$log_file" >&2
  echo "FAILED: make demo-prerequisites-node" >&2
  exit 1
fi
: >"$log_file"

fail() {
  echo "FAILED: $*" >&2
  if [[ -s "$log_file" ]]; then
    echo "server log:" >&2
    sed 's/^/  /' "$log_file" >&2
  fi
  exit 1
}

# start_server LOG_FILE [NAME=VALUE...]: starts the Express example with the
# given environment, and sets started_pid and started_url.
start_server() {
  local log="$1"
  shift
  env "$@" PORT=0 node examples/express/server.js >"$log" 2>&1 &
  started_pid=$!
  started_url=""
  for _ in $(seq 1 100); do
    started_url="$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$log")"
    [[ -n "$started_url" ]] && return 0
    kill -0 "$started_pid" 2>/dev/null || fail "the Express example exited during start-up: $(cat "$log")"
    sleep 0.1
  done
  fail "the Express example did not print its URL within 10 s"
}

# request METHOD URL [JSON_BODY] [X_USER_ID]: prints "STATUS BODY".
request() {
  node -e '
    const [method, url, body, user] = process.argv.slice(1)
    const headers = { "Content-Type": "application/json" }
    if (user) headers["X-User-Id"] = user
    fetch(url, { method, headers, body: body || undefined })
      .then(async (response) => console.log(response.status, await response.text()))
      .catch((error) => { console.error(error.message); process.exit(1) })
  ' "$1" "$2" "${3:-}" "${4:-}"
}

# json FIELD: reads a JSON object on stdin and prints one field.
json() {
  node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => console.log(JSON.parse(s)[process.argv[1]]))' "$1"
}

security_key="$(node -e 'console.log(require(process.argv[1]).generateSecurityKey())' "$NODE_PACKAGE")"
echo "1. generated a fresh security key (64 hex characters, not shown)"

start_server "$log_file" PEXELIZE_SECURITY_KEY="$security_key"
server_pid="$started_pid"
server_url="$started_url"
echo "2. started the Express example at $server_url"

user_id="user_$RANDOM"
read -r status token < <(request GET "$server_url/api/pexelize-token" "" "$user_id")
[[ "$status" == 200 ]] || fail "GET /api/pexelize-token returned $status $token"
signature="$(json signature <<<"$token")"
echo "3. GET /api/pexelize-token as $user_id -> 200, signature ${signature:0:12}..."

verified="$(node -e '
  const { verify } = require(process.argv[1])
  console.log(verify(process.argv[2], process.argv[3], process.argv[4]))
' "$NODE_PACKAGE" "$user_id" "$signature" "$security_key")"
[[ "$verified" == true ]] || fail "verify() returned $verified for the issued token"
echo "4. verify(userId, signature, key) -> true"

identity="{\"identity\":{\"userId\":\"$user_id\",\"signature\":\"$signature\"}}"
read -r status body < <(request POST "$server_url/api/uploads" "$identity")
[[ "$status" == 201 ]] || fail "upload with the issued token returned $status $body"
echo "5. POST /api/uploads with the token -> 201 $body"

last="${signature: -1}"
if [[ "$last" == 0 ]]; then replacement=1; else replacement=0; fi
tampered="${signature:0:63}$replacement"
read -r status body < <(request POST "$server_url/api/uploads" "{\"identity\":{\"userId\":\"$user_id\",\"signature\":\"$tampered\"}}")
[[ "$status" == 401 && "$body" == *IDENTITY_VERIFICATION_FAILED* ]] ||
  fail "upload with a tampered signature returned $status $body"
echo "6. POST /api/uploads with the last hex digit changed -> 401 $body"

read -r status body < <(request POST "$server_url/api/uploads" '{}')
[[ "$status" == 401 && "$body" == *IDENTITY_MISSING* ]] || fail "upload without identity returned $status $body"
echo "7. POST /api/uploads without an identity -> 401 $body"

# Rotation over HTTP: a second server with a new current key keeps the demo
# key as its previous key for one more hour, set through the environment.
new_key="$(node -e 'console.log(require(process.argv[1]).generateSecurityKey())' "$NODE_PACKAGE")"
window_end="$(node -e 'console.log(new Date(Date.now() + 3600_000).toISOString())')"
start_server "$rotated_log_file" PEXELIZE_SECURITY_KEY="$new_key" \
  PEXELIZE_SECURITY_KEY_PREVIOUS="$security_key" PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL="$window_end"
rotated_pid="$started_pid"
read -r status body < <(request POST "$started_url/api/uploads" "$identity")
[[ "$status" == 201 && "$body" == *'"keyId":"previous"'* ]] ||
  fail "the rotated server returned $status $body for the old token"
stop_server "$rotated_pid"
echo "8. rotated server (new key, old key accepted until $window_end): old token -> 201 $body"

# The end of the window, with the clock injected so that nothing waits.
rotation="$(node -e '
  const { Keyring, generateSecurityKey } = require(process.argv[1])
  const [, oldKey, userId, signature, windowEnd] = process.argv.slice(1)
  const until = new Date(windowEnd)
  const keyring = new Keyring({ current: generateSecurityKey(), previous: { key: oldKey, acceptUntil: until } })
  const inside = keyring.verify({ userId, signature }, { now: new Date(until - 60_000) })
  const after = keyring.verify({ userId, signature }, { now: until })
  console.log(inside.valid ? "valid:" + inside.keyId : inside.code, after.valid ? "valid" : after.code)
' "$NODE_PACKAGE" "$security_key" "$user_id" "$signature" "$window_end")"
read -r inside after <<<"$rotation"
[[ "$inside" == valid:previous ]] || fail "old token inside the window gave $inside"
echo "9. rotated keyring, clock one minute before the window ends: old token -> valid (key previous)"
[[ "$after" == IDENTITY_SIGNATURE_EXPIRED ]] || fail "old token after the window gave $after"
echo "10. rotated keyring, clock at the end of the window: old token -> $after"

export DEMO_SERVER_URL="$server_url"
export DEMO_USER_ID="$user_id"
export DEMO_SIGNATURE="$signature"
export DEMO_TAMPERED_SIGNATURE="$tampered"
export PEXELIZE_SECURITY_KEY="$security_key"
for helper in scripts/demo-python.sh scripts/demo-c.sh; do
  if [[ -f "$helper" ]]; then
    echo "-- $helper"
    bash "$helper" || fail "$helper exited with status $?"
  fi
done

echo "server log (one line per request, no keys or signatures):"
sed 's/^/  /' "$log_file"
echo "demo finished: every step behaved as expected"
