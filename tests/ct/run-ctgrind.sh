#!/usr/bin/env bash
# Runs the ctgrind harness under memcheck twice and checks both verdicts:
#   core   no report except at the declassified verification result, and
#          that result really was reported (so the key's taint reached it)
#   leaky  the planted early-exit comparison is reported
# Usage: run-ctgrind.sh HARNESS SUPPRESSIONS
set -euo pipefail

harness=$1
suppressions=$2
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

memcheck() {
	valgrind --tool=memcheck --error-exitcode=99 --verbose \
		--suppressions="$suppressions" "$harness" "$1" >"$log_dir/$1.out" 2>"$log_dir/$1.err"
}

status=0
memcheck core || status=$?
cat "$log_dir/core.out"
if [ "$status" -ne 0 ]; then
	grep -v '^--' "$log_dir/core.err" >&2
	echo "ctgrind core: FAILED (exit status $status): memcheck found a branch or lookup on the key" >&2
	exit 1
fi
declassified=$(grep -c 'used_suppression' "$log_dir/core.err" || true)
if [ "$declassified" -eq 0 ]; then
	echo "ctgrind core: FAILED: no report at the verification result, so the key's taint was lost" >&2
	exit 1
fi
grep 'ERROR SUMMARY' "$log_dir/core.err" | head -n 1
echo "ctgrind core: passed, the only reports are the $declassified declassified result steps"

status=0
memcheck leaky || status=$?
if [ "$status" -ne 99 ] || ! grep -q 'leaky_equal' "$log_dir/leaky.err"; then
	grep -v '^--' "$log_dir/leaky.err" >&2
	echo "ctgrind leaky: FAILED: memcheck did not report the planted comparison (exit status $status)" >&2
	exit 1
fi
grep 'ERROR SUMMARY' "$log_dir/leaky.err" | head -n 1
echo "ctgrind leaky: the planted early-exit comparison was reported, as expected"
