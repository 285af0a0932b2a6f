#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one libFuzzer binary on a scratch copy of its committed corpus (the repository corpus is
# never written by CI), for the time given in its arguments. Usage: run-fuzzer.sh BIN CORPUS ARGS
# LYRE_FUZZ_SECONDS, when set, replaces that time (libFuzzer takes the last -max_total_time).
# The fuzzer runs as a child, not through exec, so that the scratch copy is removed afterwards.
set -eu
bin=$1; corpus=$2; shift 2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$corpus"/. "$scratch"/ 2>/dev/null || true
status=0
# A finding must fail the test: libFuzzer's own exit code for one is 77, which meson reads as
# "skipped" (a crash found in CI once passed that way).
"$bin" "$scratch" "$@" ${LYRE_FUZZ_SECONDS:+-max_total_time=$LYRE_FUZZ_SECONDS} \
  -error_exitcode=1 -artifact_prefix="${LYRE_FUZZ_ARTIFACTS:-$scratch/}" || status=$?
if [ "$status" -eq 77 ]; then
  status=1
fi
if [ "$status" -ne 0 ]; then
  # The input that failed, for the log: the scratch copy goes away with this script.
  for f in "${LYRE_FUZZ_ARTIFACTS:-$scratch/}"crash-* "${LYRE_FUZZ_ARTIFACTS:-$scratch/}"leak-* \
           "${LYRE_FUZZ_ARTIFACTS:-$scratch/}"timeout-* "${LYRE_FUZZ_ARTIFACTS:-$scratch/}"oom-*; do
    [ -f "$f" ] || continue
    echo "failing input $f (base64):" >&2
    base64 "$f" >&2
  done
fi
exit $status
